package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions of docs/cli.md that need no Bulwark server: colour, the exit codes of server
 * failures (against a real HTTP server that answers what Bulwark's would not), usage errors, and
 * the output options of an offline command.
 */
class ConventionsTest {
  @TempDir Path tmp;
  HttpServer http;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.stop(0);
    }
  }

  @Test
  void colourOnlyOnATerminalWithoutNoColorAndNotForADumbTerminal() {
    assertThat(Terminal.colour(Map.<String, String>of()::get, true)).isTrue();
    assertThat(Terminal.colour(Map.<String, String>of()::get, false)).isFalse();
    assertThat(Terminal.colour(Map.of("NO_COLOR", "1")::get, true)).isFalse();
    assertThat(Terminal.colour(Map.of("NO_COLOR", "")::get, true))
        .as("an empty NO_COLOR is unset (no-color.org)")
        .isTrue();
    assertThat(Terminal.colour(Map.of("TERM", "dumb")::get, true)).isFalse();
    assertThat(Terminal.paint(true, Terminal.outcomeCode("deny"), "DENY")).contains("\u001b[");
    assertThat(Terminal.paint(false, Terminal.outcomeCode("deny"), "DENY")).isEqualTo("DENY");
    assertThat(Terminal.outcomeCode("critical")).isNotNull();
    assertThat(Terminal.outcomeCode("some-service")).isNull();
  }

  @Test
  void noColorIsAGlobalOptionAndEachRunStartsWithoutIt() throws IOException {
    Path bundle = bundle();
    assertThat(run("--no-color", "policy", "lint", bundle.toString()).code()).isZero();
    assertThat(Terminal.noColourGiven()).isTrue();
    assertThat(Terminal.colour()).isFalse();
    assertThat(run("policy", "lint", bundle.toString()).code()).isZero();
    assertThat(Terminal.noColourGiven()).isFalse();
    assertThat(run("policy", "lint", bundle.toString(), "--no-color").code()).isZero();
    assertThat(Terminal.noColourGiven()).as("inherited by subcommands").isTrue();
  }

  @Test
  void outputCapturedByMainRunHasNoEscapeCodes() throws IOException {
    Path bundle = bundle();
    Result r = run("policy", "test", bundle.toString());
    assertThat(r.out()).contains("PASS").doesNotContain("\u001b");
    assertThat(r.err()).doesNotContain("\u001b");
  }

  @Test
  void aServerErrorExitsThreeWithItsRequestIdAndARefusalFour() throws IOException {
    serve(
        "/api/v1/services",
        500,
        "{\"title\": \"Internal Server Error\", \"detail\": \"boom\", \"requestId\": \"r-42\"}");
    serve(
        "/api/v1/services/nope",
        404,
        "{\"title\": \"Not Found\", \"detail\": \"no service nope\"}");
    Result failed = run("services", "list", "--server=" + url(), "--token=bwk_x");
    assertThat(failed.code()).isEqualTo(3);
    assertThat(failed.err()).isEqualTo("bulwark: Internal Server Error: boom (request id r-42)\n");
    Result refused = run("services", "get", "nope", "--server=" + url(), "--token=bwk_x");
    assertThat(refused.code()).isEqualTo(4);
    assertThat(refused.err()).isEqualTo("bulwark: Not Found: no service nope\n");
  }

  @Test
  void anAnswerThatIsNotJsonIsAServerError() throws IOException {
    serve("/api/v1/services", 200, "<html>a proxy's login page</html>");
    Result r = run("services", "list", "--server=" + url(), "--token=bwk_x");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("not JSON");
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    assertThat(run("no-such-command").code()).isEqualTo(2);
    assertThat(run("services", "list", "--no-such-option").code()).isEqualTo(2);
    Result badUrl = run("services", "list", "--server=ftp://example.org", "--token=bwk_x");
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("http:// or https://");
    Result format = run("policy", "lint", bundle().toString(), "--format", "sarif");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err())
        .contains("--format sarif is not offered here; choose one of table, json");
  }

  @Test
  void anOfflineResultGoesToTheOutputFileAsTextOrJson() throws IOException {
    Path bundle = bundle();
    Path text = tmp.resolve("lint.txt");
    Result r = run("policy", "lint", bundle.toString(), "-o", text.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(text)).startsWith("ok: 5 policies, ").contains(" bundle sha256:");
    Result json = run("policy", "lint", bundle.toString(), "--format", "json");
    assertThat(json.out()).contains("\"ok\" : true", "\"digest\" : \"sha256:");
    Result tests = run("policy", "test", bundle.toString(), "--format=json");
    assertThat(tests.code()).as(tests.err()).isZero();
    assertThat(tests.out()).contains("\"failed\" : 0", "\"outcome\" : \"pass\"");
    assertThat(tests.out()).doesNotContain("\"outcome\" : \"fail\"");
  }

  @Test
  void anOutputFileThatCannotBeWrittenIsAnInputErrorAndLeavesNothing() throws IOException {
    Path bundle = bundle();
    Result dir = run("policy", "lint", bundle.toString(), "-o", tmp.toString());
    assertThat(dir.code()).isEqualTo(4);
    assertThat(dir.err())
        .isEqualTo("bulwark: " + tmp + ": is a directory; --output names a file\n");
    Path nowhere = tmp.resolve("no/such/dir/out.txt");
    Result missing = run("policy", "lint", bundle.toString(), "-o", nowhere.toString());
    assertThat(missing.code()).isEqualTo(4);
    assertThat(missing.err())
        .isEqualTo("bulwark: " + nowhere + ": cannot be written (no such directory)\n");
  }

  @Test
  void theDeprecatedFormatSpellingWorksOfflineWithAWarning() throws IOException {
    Result r = run("policy", "lint", bundle().toString(), "--output", "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"ok\" : true");
    assertThat(r.err())
        .isEqualTo(
            "bulwark: warning: --output json is deprecated: --output now names a file; use --format json (this spelling goes in the next release)\n");
  }

  /** A copy of the starter bundle, which loads and passes its tests. */
  private Path bundle() throws IOException {
    Path starter = Path.of("..", "policies", "starter");
    Path copy = tmp.resolve("bundle");
    if (Files.exists(copy)) {
      return copy;
    }
    try (var walk = Files.walk(starter)) {
      for (Path p : walk.toList()) {
        Path target = copy.resolve(starter.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }

  private void serve(String path, int status, String body) throws IOException {
    if (http == null) {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.start();
    }
    http.createContext(
        path,
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/problem+json");
          ex.sendResponseHeaders(status, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
  }

  private String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }
}
