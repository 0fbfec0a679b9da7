package dev.bulwark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures that need a server of their own: a broken database and the failed-auth limit. */
class FailureModesTest {
  @TempDir Path dir;

  @Test
  void aServerErrorIsAGenericProblemAndTheDetailGoesOnlyToTheLog() {
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir)) {
      ts.testDb.db().jdbi().useHandle(h -> h.execute("DROP VIEW services"));
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      Http.Response r = ts.http.get("/api/v1/services", TestServer.ADMIN);
      System.setErr(original);

      assertThat(r.status()).isEqualTo(500);
      assertThat(r.contentType()).startsWith("application/problem+json");
      String requestId = r.json().path("requestId").asText();
      assertThat(requestId).isNotBlank().isEqualTo(r.header("X-Request-Id"));
      assertThat(r.json().path("detail").asText()).doesNotContain("services");
      assertThat(r.text())
          .doesNotContainIgnoringCase("sql")
          .doesNotContain("table")
          .doesNotContain("Exception")
          .doesNotContain("at dev.");
      String logged = log.toString(StandardCharsets.UTF_8);
      assertThat(logged).contains(requestId).containsIgnoringCase("no such table");
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void failedAuthenticationIsRateLimitedPerAddress() {
    try (TestServer ts =
        new TestServer(TestDatabases.Kind.SQLITE, dir, c -> c.withLimits(64 * 1024, 5))) {
      for (int i = 0; i < 5; i++) {
        assertThat(ts.http.get("/api/v1/services", "bwk_wrong-" + i).status()).isEqualTo(401);
      }
      Http.Response blocked = ts.http.get("/api/v1/services", "bwk_wrong-again");
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(blocked.contentType()).startsWith("application/problem+json");
      assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 60L);
      // A valid token is not refused: only failures are (AuthLimitsContractTest has the rest).
      assertThat(ts.http.get("/api/v1/services", TestServer.ADMIN).status()).isEqualTo(200);
      assertThat(ts.http.get("/healthz", null).status()).isEqualTo(200);
      ts.clock.advance(Duration.ofSeconds(61));
      assertThat(ts.http.get("/api/v1/services", "bwk_wrong-later").status()).isEqualTo(401);
    }
  }

  @Test
  void demoSeedsServicesAndWorkingTokensOnce() {
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir, c -> c.withDemo(true))) {
      assertThat(ts.http.get("/api/v1/services", TestServer.ADMIN).json().path("services").size())
          .isEqualTo(10);
      String line =
          ts.console()
              .lines()
              .filter(l -> l.startsWith("Demo token developer"))
              .findFirst()
              .orElseThrow();
      String developer = line.substring(line.lastIndexOf(' ') + 1);
      var mine = ts.http.get("/api/v1/services", developer).json().path("services");
      assertThat(mine.size()).isEqualTo(3);
      mine.forEach(s -> assertThat(s.path("team").asText()).isEqualTo("shop"));
      // The starter policy bundle is loaded and active.
      var bundles =
          ts.http.get("/api/v1/policies/bundles", TestServer.ADMIN).json().path("bundles");
      assertThat(bundles.size()).isEqualTo(1);
      assertThat(bundles.get(0).path("active").asBoolean()).isTrue();
      assertThat(bundles.get(0).path("policies").asInt()).isEqualTo(3);
      assertThat(ts.console())
          .contains(
              "Demo policy bundle (the starter bundle without provenance and sast): 3 policies");
    }
    try (TestServer again = new TestServer(TestDatabases.Kind.SQLITE, dir, c -> c.withDemo(true))) {
      assertThat(again.console())
          .doesNotContain("Demo token")
          .doesNotContain("Demo policy bundle")
          .doesNotContain("Demo history");
      assertThat(
              again.http.get("/api/v1/services", TestServer.ADMIN).json().path("services").size())
          .isEqualTo(10);
    }
  }

  @Test
  void secretsNeverReachTheLogOrTheConsole() {
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir)) {
      String secret = ts.token("developer", "omega");
      ts.http.get("/api/v1/services", secret);
      ts.http.get("/api/v1/services", secret + "x");
      System.setErr(original);
      String all = log.toString(StandardCharsets.UTF_8) + ts.console();
      assertThat(all).doesNotContain(secret).doesNotContain(TestServer.ADMIN);
      assertThat(ts.console()).contains("from BULWARK_BOOTSTRAP_TOKEN");
    } finally {
      System.setErr(original);
    }
  }
}
