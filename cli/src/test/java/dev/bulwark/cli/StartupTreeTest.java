package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A command line builds only the part of the command tree it names ({@link Main#commandLineFor});
 * what it prints and its exit code are those of the whole tree.
 */
class StartupTreeTest {
  @Test
  void thePartialTreeAnswersLikeTheWholeTree() {
    List<String[]> lines =
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"-h"},
            new String[] {"--version"},
            new String[] {"--bogus"},
            new String[] {"gatee"},
            new String[] {"gate"},
            new String[] {"gate", "--help"},
            new String[] {"gate", "--service", "s", "--version", "1", "--env", "e", "--bogus"},
            new String[] {"ledger", "verify", "--help"},
            new String[] {"policy", "lint", "--help"},
            new String[] {"--no-color", "gate", "--help"},
            new String[] {"gate", "--no-color", "--help"},
            new String[] {"--no-color", "--help"},
            new String[] {"nope", "--service", "s", "--version", "1"},
            new String[] {"generate-completion"});
    for (String[] args : lines) {
      assertThat(answer(Main.commandLineFor(args), args))
          .as(String.join(" ", args))
          .isEqualTo(answer(Main.commandLine(), args));
    }
  }

  @Test
  void aCommandLineBuildsOnlyTheCommandItNames() {
    assertThat(Main.commandLineFor(new String[] {"gate", "--help"}).getSubcommands().keySet())
        .containsExactly("gate");
    assertThat(Main.commandLineFor(new String[] {"--help"}).getSubcommands())
        .containsKeys("gate", "scan", "server")
        .allSatisfy(
            (name, sub) ->
                assertThat(sub.getCommandSpec().options())
                    .as("%s has only the root's inherited options", name)
                    .allMatch(o -> o.inherited()));
  }

  private static String answer(picocli.CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(cli, args, new PrintWriter(out, true), new PrintWriter(err, true));
    return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
  }
}
