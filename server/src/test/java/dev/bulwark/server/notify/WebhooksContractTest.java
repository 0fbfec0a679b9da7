package dev.bulwark.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Webhooks against a real HTTP receiver on a socket, on both databases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebhooksContractTest {
  static final String ADMIN = TestServer.ADMIN;
  TestServer ts;
  Http http;
  HttpServer receiver;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<Integer> replies = new ConcurrentLinkedQueue<>();

  record Received(Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(body);
    }
  }

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          received.add(
              new Received(Map.copyOf(ex.getRequestHeaders()), ex.getRequestBody().readAllBytes()));
          Integer status = replies.poll();
          ex.sendResponseHeaders(status == null ? 200 : status, -1);
          ex.close();
        });
    receiver.start();
    Path osv = Path.of(WebhooksContractTest.class.getResource("/osv-webhooks").toURI());
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-webhooks"),
            c -> c.withOsvSources(List.of(osv)));
    http = ts.http;
  }

  @AfterAll
  void stop() {
    ts.close();
    receiver.stop(0);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  JsonNode deliveries(String token, long hook) {
    return http.get("/api/v1/webhooks/" + hook + "/deliveries", token).json().path("deliveries");
  }

  long breaches() {
    return received.stream().filter(x -> "sla.breach".equals(x.header("Bulwark-Event"))).count();
  }

  @Test
  void signedDeliveriesWithRetriesAndOneSlaBreachNotice() throws Exception {
    http.put(
        "/api/v1/services/pay-api",
        ADMIN,
        Map.of("team", "pay", "area", "backend", "criticality", "high"));
    String sec = ts.token("security", "pay");
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

    assertThat(
            http.post(
                    "/api/v1/webhooks",
                    sec,
                    Map.of(
                        "url",
                        "ftp://example.com",
                        "events",
                        List.of("finding.new"),
                        "team",
                        "pay"))
                .status())
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/webhooks",
                    sec,
                    Map.of(
                        "url",
                        "https://u:p@example.com/",
                        "events",
                        List.of("finding.new"),
                        "team",
                        "pay"))
                .status())
        .isEqualTo(422);
    Http.Response badEvent =
        http.post(
            "/api/v1/webhooks", sec, Map.of("url", url, "events", List.of("nope"), "team", "pay"));
    assertThat(badEvent.status()).isEqualTo(422);
    assertThat(badEvent.text()).contains("nope");
    assertThat(
            http.post("/api/v1/webhooks", sec, Map.of("url", url, "events", List.of("finding.new")))
                .status())
        .as("a scoped token must name its team")
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/webhooks",
                    sec,
                    Map.of("url", url, "events", List.of("finding.new"), "team", "web"))
                .status())
        .isEqualTo(403);
    assertThat(
            http.post(
                    "/api/v1/webhooks",
                    ts.token("developer", "pay"),
                    Map.of("url", url, "events", List.of("finding.new"), "team", "pay"))
                .status())
        .isEqualTo(403);

    Http.Response created =
        http.post(
            "/api/v1/webhooks",
            sec,
            Map.of("url", url, "events", List.of("finding.new", "sla.breach"), "team", "pay"));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String secret = created.json().path("secret").asText();
    assertThat(secret).startsWith("whsec_");
    long hook = created.json().path("webhook").path("id").asLong();
    String listed = http.get("/api/v1/webhooks", sec).text();
    assertThat(listed).contains(url).doesNotContain(secret).doesNotContain("whsec_");
    assertThat(http.get("/api/v1/webhooks", ts.token("security", "web")).text())
        .doesNotContain(url);
    assertThat(
            http.get("/api/v1/webhooks/" + hook + "/deliveries", ts.token("security", "web"))
                .status())
        .isEqualTo(404);

    // A release with a high finding: the first attempt gets a 500, the retry succeeds.
    replies.add(500);
    http.post(
        "/api/v1/services/pay-api/releases",
        ADMIN,
        Map.of("version", "1.0", "digest", "sha256:" + "a".repeat(64)));
    String sbom =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "lp", "type": "library", "name": "left-pad", "version": "1.1.0", "purl": "pkg:npm/left-pad@1.1.0"}]}
        """;
    Http.Response up =
        http.send(
            "/api/v1/services/pay-api/releases/1.0/sbom",
            ADMIN,
            "PUT",
            "application/json",
            sbom.getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    await("the first attempt", () -> received.size() >= 1);
    await(
        "the failure in the delivery log",
        () -> deliveries(sec, hook).path(0).path("lastStatus").asInt() == 500);
    JsonNode first = deliveries(sec, hook).get(0);
    assertThat(first.path("status").asText()).isEqualTo("pending");
    assertThat(first.path("attempts").asInt()).isEqualTo(1);
    assertThat(first.path("event").asText()).isEqualTo("finding.new");

    Received r = received.get(0);
    assertThat(r.header("Bulwark-Event")).isEqualTo("finding.new");
    String sig = r.header("Bulwark-Signature");
    long t = Long.parseLong(sig.substring(2, sig.indexOf(',')));
    assertThat(t).isEqualTo(ts.clock.instant().getEpochSecond());
    assertThat(sig).isEqualTo(Webhooks.signature(secret, t, r.body()));
    assertThat(sig)
        .as("a signature over another time or with another key does not match")
        .isNotEqualTo(Webhooks.signature(secret, t + 1, r.body()))
        .isNotEqualTo(Webhooks.signature("whsec_other", t, r.body()));
    JsonNode payload = r.json();
    assertThat(payload.path("event").asText()).isEqualTo("finding.new");
    assertThat(payload.path("team").asText()).isEqualTo("pay");
    assertThat(payload.path("data").path("service").asText()).isEqualTo("pay-api");
    assertThat(payload.path("data").path("findings").get(0).path("vulnerability").asText())
        .isEqualTo("BULWARK-TEST-0001");
    assertThat(payload.path("data").path("findings").get(0).path("severity").asText())
        .isEqualTo("high");

    ts.clock.advance(Duration.ofSeconds(31));
    await("the retry", () -> received.size() >= 2);
    await(
        "the delivery to be marked delivered",
        () -> deliveries(sec, hook).path(0).path("status").asText().equals("delivered"));
    assertThat(received.get(1).header("Bulwark-Delivery"))
        .as("the retry carries the same delivery id, so receivers can drop duplicates")
        .isEqualTo(r.header("Bulwark-Delivery"));

    // High on a high-criticality service: 30 days. Past that, one sla.breach notice.
    ts.clock.advance(Duration.ofDays(31));
    await("the SLA breach", () -> breaches() >= 1);
    Received breach =
        received.stream()
            .filter(x -> "sla.breach".equals(x.header("Bulwark-Event")))
            .findFirst()
            .orElseThrow();
    assertThat(breach.json().path("data").path("vulnerability").asText())
        .isEqualTo("BULWARK-TEST-0001");
    assertThat(breach.json().path("data").path("daysOverdue").asLong()).isEqualTo(1);
    await(
        "the breach delivery to be logged",
        () -> deliveries(sec, hook).path(0).path("status").asText().equals("delivered"));
    // Later SLA checks find the same overdue finding and do not notify again.
    ts.clock.advance(Duration.ofMinutes(2));
    Thread.sleep(2500);
    ts.clock.advance(Duration.ofMinutes(2));
    Thread.sleep(2500);
    assertThat(breaches()).isEqualTo(1);
    assertThat(deliveries(sec, hook)).hasSize(2);

    assertThat(http.delete("/api/v1/webhooks/" + hook, ts.token("security", "web")).status())
        .isEqualTo(404);
    assertThat(http.delete("/api/v1/webhooks/" + hook, sec).status()).isEqualTo(204);
    assertThat(http.get("/api/v1/webhooks", sec).text()).doesNotContain(url);
    assertThat(http.delete("/api/v1/webhooks/abc", sec).status()).isEqualTo(404);
  }
}
