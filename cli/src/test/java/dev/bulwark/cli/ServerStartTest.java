package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.BulwarkServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code bulwark server} prints: one line when it is ready, one line when it cannot start
 * (with the documented exit code, never a stack trace), and no library's log lines.
 */
class ServerStartTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  @AfterEach
  void quiet() {
    Logging.quiet();
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** One line on stderr, {@code bulwark: ...}, and nothing that looks like a stack trace. */
  static void assertOneLine(Result r) {
    assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("bulwark: ").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aNormalStartPrintsTheTokenAndOneReadyLineAndNoLogs() throws IOException {
    Path osv = Files.createDirectories(tmp.resolve("osv"));
    Files.writeString(
        osv.resolve("GO-2020-0001.json"),
        """
        {"id": "GO-2020-0001", "modified": "2024-01-01T00:00:00Z",
         "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]}]}
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CommandLine.ParseResult parsed =
        cli.parseArgs(
            "server",
            "--port",
            "0",
            "--data",
            tmp.resolve("data").toString(),
            "--osv",
            osv.toString());
    ServerCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
    try (BulwarkServer server = command.start()) {
      assertThat(out.toString().lines().toList())
          .satisfiesExactly(
              token -> assertThat(token).startsWith("Initial admin token (shown once"),
              ready ->
                  assertThat(ready)
                      .isEqualTo(
                          "Bulwark is ready on http://127.0.0.1:"
                              + server.port()
                              + " (1 advisory, 0 services)"));
      assertThat(err.toString()).isEmpty();
    }
  }

  @Test
  void readyLineCountsAndBracketsAnIpv6Host() {
    assertThat(ServerCommand.readyLine("::1", 8080, 500_000, 12))
        .isEqualTo("Bulwark is ready on http://[::1]:8080 (500,000 advisories, 12 services)");
  }

  @Test
  void aPortInUseIsOneLineAndExitThreeBeforeAnyTokenIsIssued() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Path data = tmp.resolve("data");
      Result r =
          run("server", "--port", String.valueOf(taken.getLocalPort()), "--data", data.toString());
      assertThat(r.code()).isEqualTo(ExitCodes.SERVER);
      assertOneLine(r);
      assertThat(r.err()).contains("port is in use").contains("--port 0");
      // No admin token was installed and lost: the next start still prints one.
      assertThat(r.out()).isEmpty();
      assertThat(data.resolve("bulwark.db")).doesNotExist();
    }
  }

  @Test
  void anUnreachableDatabaseIsOneLineAndExitThreeWithoutItsPassword() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Path config = tmp.resolve("bulwark.yaml");
    Files.writeString(
        config,
        "db:\n  url: jdbc:postgresql://127.0.0.1:"
            + closed
            + "/bulwark?password=url-secret-1\n  user: bulwark\n  password: db-secret-2\n");
    Result r =
        run(
            "server",
            "--port",
            "0",
            "--config",
            config.toString(),
            "--log-level",
            "debug",
            "--log-format",
            "json");
    assertThat(r.code()).isEqualTo(ExitCodes.SERVER);
    String last = r.err().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).startsWith("bulwark: cannot connect to PostgreSQL at");
    // Asked for debug logs, the user gets them (the stack trace among them), but no password.
    assertThat(r.err()).contains("\"level\":\"DEBUG\"");
    assertThat(r.err()).doesNotContain("url-secret-1").doesNotContain("db-secret-2");
  }

  @Test
  void configurationErrorsAreOneLineAndExitTwo() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    Result notADir = run("server", "--port", "0", "--data", file.toString());
    assertThat(notADir.code()).isEqualTo(ExitCodes.USAGE);
    assertOneLine(notADir);
    assertThat(notADir.err()).contains(file.toString());

    Result badFormat = run("server", "--port", "0", "--log-format", "xml");
    assertThat(badFormat.code()).isEqualTo(ExitCodes.USAGE);
    assertOneLine(badFormat);
    assertThat(badFormat.err()).contains("--log-format xml");

    Result badLevel = run("server", "--port", "0", "--log-level", "info,org.eclipse.jetty=loud");
    assertThat(badLevel.code()).isEqualTo(ExitCodes.USAGE);
    assertOneLine(badLevel);
  }
}
