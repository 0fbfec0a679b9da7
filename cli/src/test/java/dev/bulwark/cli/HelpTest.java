package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} works on every command and subcommand: usage on standard output, exit 0. */
class HelpTest {
  @Test
  void everyCommandAnswersHelpWithItsUsageAndExitZero() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(20);
    List<String> failures = new ArrayList<>();
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.run(
              args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
      if (code != 0 || !out.toString().startsWith("Usage: bulwark")) {
        failures.add(String.join(" ", args) + " -> exit " + code + ": " + err.toString().strip());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void theToolsVersionIsStillTheRootsVersionOption() {
    StringWriter out = new StringWriter();
    int code =
        Main.run(
            new String[] {"--version"}, new PrintWriter(out, true), new PrintWriter(out, true));
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("bulwark ");
  }

  @Test
  void anUnknownCommandWithAReleaseVersionIsAUsageErrorNotTheToolsVersion() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"no-such-command", "upload", "--service", "s", "--version", "1.0", "f"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).doesNotContain("bulwark 0").doesNotContain("development build");
    assertThat(err.toString()).contains("no-such-command");
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().aliases().length > 0
                  && !name.equals(sub.getCommandSpec().name())) {
                return; // an alias of a command already walked
              }
              List<String> next = new ArrayList<>(path);
              next.add(name);
              collect(sub, next, into);
            });
  }
}
