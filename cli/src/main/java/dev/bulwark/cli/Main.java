package dev.bulwark.cli;

import java.io.PrintWriter;
import java.util.Arrays;
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
      DashboardCommand.class,
      SarifCommand.class,
      ReleasesCommand.class,
      AttestationsCommand.class,
      DiffCommand.class,
      WebhooksCommand.class,
      AuditCommand.class,
      ReportCommand.class,
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
    return run(commandLineFor(args), args, out, err);
  }

  static int run(CommandLine cli, String[] args, PrintWriter out, PrintWriter err) {
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

  /**
   * The part of the tree that {@code args} needs: the named command in full, the others by name and
   * description only. Reading every command's options took most of a client command's start
   * (docs/benchmarks.md, "Issue 14: client start"); the usage printed is the same.
   */
  static CommandLine commandLineFor(String[] args) {
    Command root = Main.class.getAnnotation(Command.class);
    // The command is the first word that is not a root option (--no-color may come first).
    String first = "";
    for (String a : args) {
      if (!a.startsWith("-")) {
        first = a;
        break;
      }
    }
    CommandLine cli = new CommandLine(rootSpec(root));
    for (Class<?> type : root.subcommands()) {
      Command c = type.getAnnotation(Command.class);
      if (c.name().equals(first) || Arrays.asList(c.aliases()).contains(first)) {
        if (type == AutoComplete.GenerateCompletion.class) {
          return commandLine(); // the completion script covers the whole tree
        }
        cli.addSubcommand(c.name(), new CommandLine(type), c.aliases());
        restoreHelp(cli);
        return cli;
      }
    }
    // No command named (root options, none, a typo): the list of commands is all that is shown.
    for (Class<?> type : root.subcommands()) {
      Command c = type.getAnnotation(Command.class);
      CommandLine.Model.CommandSpec named = CommandLine.Model.CommandSpec.create();
      named.usageMessage().description(c.description()).header(c.header()).hidden(c.hidden());
      cli.addSubcommand(c.name(), new CommandLine(named), c.aliases());
    }
    return cli;
  }

  private static CommandLine.Model.CommandSpec rootSpec(Command root) {
    CommandLine.Model.CommandSpec spec =
        CommandLine.Model.CommandSpec.wrapWithoutInspection(new Main());
    spec.name(root.name()).mixinStandardHelpOptions(true).versionProvider(new Version());
    spec.usageMessage().description(root.description());
    // The root's own options, as the annotated noColor method declares them (the spec is built
    // without inspection, so they are added here; subcommands inherit them).
    spec.addOption(
        CommandLine.Model.OptionSpec.builder("--no-color")
            .scopeType(CommandLine.ScopeType.INHERIT)
            .arity("0")
            .type(boolean.class)
            .description("Never colour the output (as NO_COLOR=1 does).")
            .setter(
                new CommandLine.Model.ISetter() {
                  @Override
                  public <T> T set(T value) {
                    Terminal.noColour(Boolean.TRUE.equals(value));
                    return null;
                  }
                })
            .build());
    return spec;
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
