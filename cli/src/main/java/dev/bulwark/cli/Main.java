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
      AutoComplete.GenerateCompletion.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line and returns its exit code; the tests call this. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
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
          if (e instanceof java.io.IOException io) {
            commandLine.getErr().println("bulwark: " + io.getMessage());
            return ExitCodes.INPUT;
          }
          commandLine.getErr().println("bulwark: internal error: " + e);
          return ExitCodes.SERVER;
        });
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
    String first = args.length > 0 ? args[0] : "";
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
