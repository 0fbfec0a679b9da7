package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md names every command and subcommand of the tool, and the conventions it follows. */
class CliDocTest {
  static final Path DOC = Path.of("..", "docs", "cli.md");

  @Test
  void everyCommandAndSubcommandIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    List<String> commands = new ArrayList<>();
    collect(Main.commandLine(), "bulwark", commands);
    assertThat(commands).hasSizeGreaterThan(30);
    List<String> missing = new ArrayList<>();
    for (String c : commands) {
      // "bulwark ledger verify" must not be satisfied by "bulwark ledger verify-bundle".
      if (!Pattern.compile(Pattern.quote(c) + "(?![A-Za-z0-9-])").matcher(doc).find()) {
        missing.add(c);
      }
    }
    assertThat(missing).as("commands not in docs/cli.md").isEmpty();
  }

  @Test
  void theConventionsAndEveryExitCodeAreDocumented() throws IOException {
    String doc = Files.readString(DOC);
    assertThat(doc)
        .contains(
            "`--format FORMAT`",
            "`-o, --output FILE`",
            "`-q, --quiet`",
            "`--no-color`",
            "`NO_COLOR`",
            "`BULWARK_URL`",
            "`BULWARK_TOKEN`",
            "`--server URL`",
            "`--token TOKEN`",
            "`--out FILE`",
            "\"2 usage or input error\"",
            "**2 is usage only, 4 is input**");
    for (int code = 0; code <= 4; code++) {
      assertThat(doc)
          .as("exit code " + code + " has a row")
          .containsPattern("\\n\\| " + code + " \\| ");
    }
    assertThat(doc).doesNotContainPattern("\\n\\| [5-9] \\| ");
  }

  @Test
  void theCodesOfTheDocAreTheCodesOfTheTool() {
    assertThat(
            List.of(
                ExitCodes.OK,
                ExitCodes.CHECK_FAILED,
                ExitCodes.USAGE,
                ExitCodes.SERVER,
                ExitCodes.INPUT))
        .containsExactly(0, 1, 2, 3, 4);
  }

  private static void collect(CommandLine cli, String path, List<String> into) {
    if (!path.equals("bulwark")) {
      into.add(path);
    }
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (name.equals(sub.getCommandSpec().name())) {
                collect(sub, path + " " + name, into);
              }
            });
  }
}
