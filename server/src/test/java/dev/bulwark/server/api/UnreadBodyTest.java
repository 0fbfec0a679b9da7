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
 * A route that answers without reading its request body (here a refusal: no such waiver) leaves the
 * rest of the body on the connection, and Jetty then closes it. The answer must say so, or a
 * keep-alive client sends its next request on a closed connection and gets no answer (the fuzz test
 * met this as "request failed").
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
