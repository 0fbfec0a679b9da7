package dev.bulwark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route that answers without reading its request body (here a refusal: no such waiver) left the
 * rest of the body on the connection, and Jetty closed it under the client: the client saw a broken
 * pipe instead of the answer, or sent its next request on the closed connection and got none (the
 * fuzz test met both as "request failed"). The server now reads such a body (within the limit,
 * briefly) before it answers, and otherwise says {@code Connection: close}.
 */
class UnreadBodyTest {
  @TempDir Path dir;

  @Test
  void aRefusalThatLeavesTheBodyUnreadClosesItsConnectionAndEveryNextRequestIsAnswered() {
    byte[] body =
        ("{\"reason\":\"" + "\u00e9".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir)) {
      for (int i = 0; i < 200; i++) {
        Http.Response r =
            ts.http.send(
                "/api/v1/waivers/999999/approve",
                TestServer.ADMIN,
                "POST",
                "application/json",
                body);
        assertThat(r.status()).as(r.text()).isBetween(400, 499);
        assertThat(ts.http.get("/api/v1/services", TestServer.ADMIN).status()).isEqualTo(200);
      }
    }
  }
}
