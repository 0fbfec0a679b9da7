package dev.bulwark.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: {@code bulwark server} and every client command. */
@Command(
    name = "bulwark",
    description = "Bulwark, the security control plane.",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {
      ServerCommand.class,
      ScanCommand.class,
      LedgerCommand.class,
      SbomCommand.class,
      PlanCommand.class,
      PortfolioCommand.class,
      VexCommand.class,
      AdvisoriesCommand.class,
      PolicyCommand.class,
      GateCommand.class,
      DecisionsCommand.class,
      DeployCommand.class,
      AttestCommand.class,
      WaiverCommand.class,
      ServicesCommand.class,
      TokensCommand.class,
      CatalogCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      FindingsCommand.class,
      RiskCommand.class,
      TransitionRequestsCommand.class,
      SlaCommand.class,
      SarifCommand.class,
      ReleasesCommand.class,
      AttestationsCommand.class,
      DiffCommand.class,
      WebhooksCommand.class,
      AuditCommand.class,
      EnvironmentsCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Main {
  @CommandLine.Option(
      names = "--no-color",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Never colour the output (as NO_COLOR=1 does).")
  void noColor(boolean off) {
    Terminal.noColour(off);
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line and returns its exit code; the tests call this. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Terminal.noColour(false);
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(false);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliException c) {
            commandLine.getErr().println("bulwark: " + c.getMessage());
            return c.exitCode();
          }
          if (e instanceof java.io.UncheckedIOException u) {
            e = u.getCause();
          }
          if (e instanceof java.io.IOException io) {
            commandLine.getErr().println("bulwark: " + InputFiles.describe(io));
            return ExitCodes.INPUT;
          }
          // A bug of ours, not the user's: one line, no stack trace, an exit code a script stops
          // on (3, as for a failure of the server's side).
          commandLine.getErr().println("bulwark: internal error: " + e);
          return ExitCodes.SERVER;
        });
    cli.setExecutionStrategy(Main::refuseUnmatchedThenRun);
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      err.println(
          "bulwark: out of memory; give the JVM more heap, for example BULWARK_JAVA_OPTS=-Xmx2g");
      err.flush();
      return ExitCodes.INPUT;
    }
  }

  /**
   * picocli skips its check for unknown arguments when a help or version option is present, and the
   * release's {@code --version} on an unknown command ({@code bulwark sarif upload --version 1.0}
   * on a build without {@code sarif}) reached the root's version option: the tool printed its
   * version and exited 0, so a pipeline step passed without doing anything. Unknown arguments are a
   * usage error whatever else the line holds.
   */
  private static int refuseUnmatchedThenRun(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (!p.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(
            p.commandSpec().commandLine(), p.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /**
   * The command tree. A command whose own {@code --version} names a release (gate, plan, attest,
   * ...) loses picocli's standard help options to the clash, so {@code --help} would fail on its
   * required options; each such command gets {@code -h, --help} back here, and the tool's version
   * stays {@code bulwark --version}.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    restoreHelp(cli);
    return cli;
  }

  private static void restoreHelp(CommandLine cli) {
    CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    if (spec.findOption("--help") == null) {
      spec.addOption(
          CommandLine.Model.OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
    }
    cli.getSubcommands().values().forEach(Main::restoreHelp);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bulwark " + (v == null ? "development build" : v)};
    }
  }
}
