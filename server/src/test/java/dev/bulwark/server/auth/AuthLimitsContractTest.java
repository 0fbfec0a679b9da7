package dev.bulwark.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.net.Cidr;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Authentication limits that do not lock valid users out, X-Forwarded-For only from trusted
 * proxies, HEAD authenticated like GET, and the longest token lifetime; over real HTTP on both
 * databases.
 */
abstract class AuthLimitsContractTest {
  abstract TestDatabases.Kind kind();

  TestServer server(UnaryOperator<ServerConfig> tweak) throws IOException {
    return new TestServer(kind(), Files.createTempDirectory("bulwark-auth"), tweak);
  }

  static Http.Response get(TestServer ts, String token, String forwardedFor) {
    HttpRequest.Builder b = ts.http.builder("/api/v1/services", token).GET();
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return ts.http.send(b);
  }

  @Test
  void aValidTokenIsNeverRefusedForTheFailuresOfItsAddress() throws IOException {
    try (TestServer ts = server(c -> c.withLimits(64 * 1024, 20))) {
      for (int i = 0; i < 20; i++) {
        assertThat(get(ts, "bwk_wrong-" + i, null).status()).isEqualTo(401);
      }
      assertThat(get(ts, "bwk_wrong-again", null).status()).isEqualTo(429);
      assertThat(get(ts, null, null).status())
          .as("no credential at all is a failure too")
          .isEqualTo(429);
      assertThat(get(ts, TestServer.ADMIN, null).status())
          .as("a valid admin token from the same address")
          .isEqualTo(200);
      String dev = ts.token("developer", "pay");
      assertThat(get(ts, dev, null).status()).isEqualTo(200);
      // Successes do not count, and do not clear the failures either.
      for (int i = 0; i < 50; i++) {
        assertThat(get(ts, dev, null).status()).isEqualTo(200);
      }
      assertThat(get(ts, "bwk_wrong-again", null).status()).isEqualTo(429);
      ts.clock.advance(Duration.ofSeconds(61));
      assertThat(get(ts, "bwk_wrong-again", null).status()).isEqualTo(401);
    }
  }

  @Test
  void forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() throws IOException {
    try (TestServer ts = server(c -> c.withLimits(64 * 1024, 5))) {
      // A client cannot spread its failures over forged addresses...
      for (int i = 0; i < 5; i++) {
        assertThat(get(ts, "bwk_wrong", "203.0.113." + i).status()).isEqualTo(401);
      }
      assertThat(get(ts, "bwk_wrong", "203.0.113.99").status()).isEqualTo(429);
      assertThat(get(ts, "bwk_wrong", null).status()).isEqualTo(429);
    }
    try (TestServer ts = server(c -> c.withLimits(64 * 1024, 5))) {
      // ...nor blame another address for them.
      for (int i = 0; i < 5; i++) {
        assertThat(get(ts, "bwk_wrong", "198.51.100.7").status()).isEqualTo(401);
      }
      assertThat(get(ts, "bwk_wrong", "198.51.100.8").status()).isEqualTo(429);
    }
  }

  @Test
  void behindATrustedProxyEachClientHasItsOwnFailures() throws IOException {
    UnaryOperator<ServerConfig> behindProxy =
        c ->
            c.withLimits(64 * 1024, 5)
                .withExposure(
                    new ServerConfig.Exposure(
                        List.of(),
                        List.of(Cidr.parse("127.0.0.1/32")),
                        ServerConfig.Exposure.defaults().tokenMaxLifetime()));
    try (TestServer ts = server(behindProxy)) {
      for (int i = 0; i < 5; i++) {
        assertThat(get(ts, "bwk_wrong", "198.51.100.7").status()).isEqualTo(401);
      }
      assertThat(get(ts, "bwk_wrong", "198.51.100.7").status()).isEqualTo(429);
      assertThat(get(ts, "bwk_wrong", "198.51.100.8").status())
          .as("another client behind the same proxy")
          .isEqualTo(401);
      // The client's own X-Forwarded-For entries (left of what the proxy appended) are not
      // believed: the last hop before the trusted proxy is the client.
      assertThat(get(ts, "bwk_wrong", "192.0.2.1, 198.51.100.7").status()).isEqualTo(429);
      assertThat(get(ts, "bwk_wrong", "198.51.100.7, 127.0.0.1").status())
          .as("trusted proxies in the chain are skipped")
          .isEqualTo(429);
      assertThat(get(ts, TestServer.ADMIN, "198.51.100.7").status()).isEqualTo(200);
    }
  }

  @Test
  void headIsAuthenticatedLikeGetOnEveryGetRoute() throws IOException {
    try (TestServer ts = server(c -> c.withLimits(64 * 1024, 100_000))) {
      int checked = 0;
      for (ApiRoute route : ts.server.routes()) {
        if (route.method() != ApiRoute.Method.GET || route.permission() == Permission.PUBLIC) {
          continue;
        }
        String path = route.path().replaceAll("\\{[^}]+}", "probe");
        Http.Response anonymous =
            ts.http.send(
                ts.http.builder(path, null).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(anonymous.status()).as("anonymous HEAD " + path).isEqualTo(401);
        Http.Response admin =
            ts.http.send(
                ts.http
                    .builder(path, TestServer.ADMIN)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(admin.status())
            .as("admin HEAD " + path)
            .isEqualTo(ts.http.get(path, TestServer.ADMIN).status());
        checked++;
      }
      assertThat(checked).isGreaterThan(20);
    }
  }

  static Http.Response issue(TestServer ts, Object expiresAt) {
    Map<String, Object> body =
        expiresAt == null
            ? Map.of("name", "ci", "role", "ci", "teams", List.of("pay"))
            : Map.of("name", "ci", "role", "ci", "teams", List.of("pay"), "expiresAt", expiresAt);
    return ts.http.post("/api/v1/tokens", TestServer.ADMIN, body);
  }

  @Test
  void tokenExpiryIsAtMostTheConfiguredMaximum() throws IOException {
    try (TestServer ts = server(c -> c.withExposure(ServerConfig.Exposure.defaults()))) {
      Instant now = ts.clock.instant();
      Http.Response huge = issue(ts, "+1000000000-01-01T00:00:00Z");
      assertThat(huge.status()).as(huge.text()).isEqualTo(422);
      assertThat(huge.contentType()).startsWith("application/problem+json");
      assertThat(huge.json().path("detail").asText()).contains("365 days", "token.maxDays");

      Http.Response tooLate = issue(ts, now.plus(Duration.ofDays(366)).toString());
      assertThat(tooLate.status()).isEqualTo(422);
      Http.Response longest = issue(ts, now.plus(Duration.ofDays(365)).toString());
      assertThat(longest.status()).as(longest.text()).isEqualTo(201);
      assertThat(issue(ts, "-1000000000-01-01T00:00:00Z").status()).isEqualTo(422);

      Http.Response unset = issue(ts, null);
      assertThat(unset.status()).isEqualTo(201);
      assertThat(Instant.parse(unset.json().path("expiresAt").asText()))
          .as("a token without an expiry gets the longest lifetime")
          .isEqualTo(now.plus(Duration.ofDays(365)));
      String secret = unset.json().path("token").asText();
      assertThat(ts.http.get("/api/v1/services", secret).status()).isEqualTo(200);
      ts.clock.advance(Duration.ofDays(365));
      assertThat(ts.http.get("/api/v1/services", secret).status()).isEqualTo(401);
    }
    try (TestServer ts =
        server(
            c ->
                c.withExposure(
                    new ServerConfig.Exposure(List.of(), List.of(), Duration.ofDays(30))))) {
      Http.Response r = issue(ts, ts.clock.instant().plus(Duration.ofDays(31)).toString());
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().path("detail").asText()).contains("30 days");
    }
  }
}
