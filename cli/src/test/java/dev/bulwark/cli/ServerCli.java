package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI against a test server over HTTP, as a person holding a token would. */
final class ServerCli {
  private final TestServer ts;

  ServerCli(TestServer ts) {
    this.ts = ts;
  }

  record Result(int code, String out, String err) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }

    /** Both streams, for assertion messages. */
    String all() {
      return "exit " + code + "\n" + out + err;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** As the holder of {@code token}. */
  Result as(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + token);
    return run(all.toArray(String[]::new));
  }

  /** As the bootstrap admin. */
  Result admin(String... args) {
    return as(TestServer.ADMIN, args);
  }

  /** Exit 0, or fail with what the command said. */
  Result ok(String token, String... args) {
    Result r = as(token, args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isZero();
    return r;
  }

  /** A token of a person of their own (subject), minted by the admin with the CLI. */
  String mint(String subject, String role, String team) {
    Result r =
        ok(
            TestServer.ADMIN,
            "tokens",
            "create",
            "--name=" + subject,
            "--role=" + role,
            "--team=" + team,
            "--subject=" + subject,
            "--format=json");
    return r.json().path("token").asText();
  }

  /** A refusal by the server: exit 4 and the server's reason on one line of standard error. */
  static void refused(Result r, String reason) {
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("bulwark: ").contains(reason);
  }
}
