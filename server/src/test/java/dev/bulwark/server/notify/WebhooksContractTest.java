package dev.bulwark.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.net.Cidr;
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
import java.util.concurrent.atomic.AtomicInteger;
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
  final AtomicInteger redirectedTo = new AtomicInteger();

  static ServerConfig.Exposure allowing(String... networks) {
    return new ServerConfig.Exposure(
        java.util.Arrays.stream(networks).map(Cidr::parse).toList(),
        List.of(),
        ServerConfig.Exposure.defaults().tokenMaxLifetime());
  }

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
          if (status != null && status / 100 == 3) {
            ex.getResponseHeaders()
                .add(
                    "Location",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/internal-only");
          }
          ex.sendResponseHeaders(status == null ? 200 : status, -1);
          ex.close();
        });
    receiver.start();
    Path osv = Path.of(WebhooksContractTest.class.getResource("/osv-webhooks").toURI());
    receiver.createContext(
        "/internal-only",
        ex -> {
          redirectedTo.incrementAndGet();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    // The receiver is on loopback, which webhooks may reach only when allowed.
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-webhooks"),
            c -> c.withOsvSources(List.of(osv)).withExposure(allowing("127.0.0.1/32")));
    http = ts.http;
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
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
        () -> deliveries(sec, hook).path(0).path("lastOutcome").asText().equals("5xx"));
    JsonNode first = deliveries(sec, hook).get(0);
    assertThat(first.path("status").asText()).isEqualTo("pending");
    assertThat(first.path("attempts").asInt()).isEqualTo(1);
    assertThat(first.path("event").asText()).isEqualTo("finding.new");
    assertThat(first.has("lastStatus")).isFalse();
    assertThat(first.has("lastError")).isFalse();
    // At rest the secret is encrypted, bound to its webhook.
    String stored = storedSecret(hook);
    assertThat(stored).startsWith("v1:").doesNotContain(secret).doesNotContain("whsec_");

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

  String storedSecret(long hook) {
    return ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT secret FROM webhooks WHERE id = :id")
                    .bind("id", hook)
                    .mapTo(String.class)
                    .one());
  }

  /** Queues one delivery for {@code hook} by hand, due now. */
  static void queue(TestServer server, long hook) {
    server
        .testDb
        .db()
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at) "
                            + "VALUES (:w, 'finding.new', '{}', 'pending', 0, :now, :now)")
                    .bind("w", hook)
                    .bind("now", server.clock.millis())
                    .execute());
  }

  @Test
  void internalDestinationsAreRefusedUnlessAllowedAtCreationAndAtDelivery() throws Exception {
    int port = receiver.getAddress().getPort();
    try (TestServer strict =
        new TestServer(kind(), Files.createTempDirectory("bulwark-webhooks-strict"))) {
      List<String> internal =
          List.of(
              "http://127.0.0.1:" + port + "/hook",
              "http://127.1.2.3:" + port + "/hook",
              "http://[::1]:" + port + "/hook",
              "http://localhost:" + port + "/hook",
              "http://169.254.169.254/latest/meta-data/",
              "http://[fd00:ec2::254]/latest/meta-data/",
              "http://[fe80::1]/",
              "http://10.1.2.3/",
              "http://172.16.0.1/",
              "http://192.168.1.1/",
              "http://100.64.0.1/",
              "http://0.0.0.0:" + port + "/hook",
              "http://[::]:" + port + "/hook",
              "http://[::ffff:127.0.0.1]:" + port + "/hook",
              "http://[::ffff:169.254.169.254]/",
              "https://[fc00::1]/");
      for (String url : internal) {
        Http.Response r =
            strict.http.post(
                "/api/v1/webhooks", ADMIN, Map.of("url", url, "events", List.of("finding.new")));
        assertThat(r.status()).as(url + ": " + r.text()).isEqualTo(422);
        assertThat(r.text()).as(url).contains("webhook.allowedNetworks");
      }
      for (String url :
          List.of("http://2130706433:" + port + "/hook", "http://0x7f.1:" + port + "/hook")) {
        assertThat(
                strict
                    .http
                    .post(
                        "/api/v1/webhooks",
                        ADMIN,
                        Map.of("url", url, "events", List.of("finding.new")))
                    .status())
            .as(url)
            .isEqualTo(422);
      }
      assertThat(strict.http.get("/api/v1/webhooks", ADMIN).json().path("webhooks")).isEmpty();

      // A name that resolved to a public address when the webhook was created and resolves to
      // loopback now (DNS rebinding) is checked again when the delivery connects.
      long rebound =
          strict
              .testDb
              .db()
              .jdbi()
              .withHandle(
                  h ->
                      h.createUpdate(
                              "INSERT INTO webhooks (url, team, events, secret, created_by, created_at) "
                                  + "VALUES (:u, 'ops', 'finding.new', 'whsec_rebound', 'test', 0)")
                          .bind("u", "http://localhost:" + port + "/rebound")
                          .executeAndReturnGeneratedKeys("id")
                          .mapTo(Long.class)
                          .one());
      AtomicInteger reached = new AtomicInteger();
      receiver.createContext(
          "/rebound",
          ex -> {
            reached.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
          });
      queue(strict, rebound);
      await(
          "the refused delivery",
          () ->
              strict
                  .http
                  .get("/api/v1/webhooks/" + rebound + "/deliveries", ADMIN)
                  .json()
                  .path("deliveries")
                  .path(0)
                  .path("lastOutcome")
                  .asText()
                  .equals("refused-destination"));
      assertThat(reached.get()).isZero();
    }
  }

  @Test
  void theDeliveryLogKeepsOutcomeClassesNotProbes() throws Exception {
    receiver.createContext(
        "/deny",
        ex -> {
          ex.sendResponseHeaders(401, -1);
          ex.close();
        });
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    Map<String, String> expected =
        Map.of(
            base + "/deny", "4xx",
            "http://127.0.0.1:" + closedPort + "/hook", "network-error",
            base + "/moved", "3xx");
    receiver.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", base + "/internal-only");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Http.Response created =
          http.post(
              "/api/v1/webhooks",
              ADMIN,
              Map.of("url", e.getKey(), "events", List.of("finding.new"), "team", "ops"));
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      long hook = created.json().path("webhook").path("id").asLong();
      queue(ts, hook);
      await(
          "the outcome of " + e.getKey(),
          () -> !deliveries(ADMIN, hook).path(0).path("lastOutcome").isNull());
      JsonNode d = deliveries(ADMIN, hook).path(0);
      assertThat(d.path("lastOutcome").asText()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(d.toString())
          .doesNotContain("401")
          .doesNotContain("302")
          .doesNotContainIgnoringCase("connect")
          .doesNotContain("Exception");
    }
    assertThat(redirectedTo.get()).as("redirects are not followed").isZero();
  }

  @Test
  void secretsStoredInClearByOlderVersionsAreEncryptedAtStart() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-webhooks-legacy");
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    TestServer first = new TestServer(kind(), dir, c -> c.withExposure(allowing("127.0.0.1/32")));
    try {
      long hook =
          first
              .http
              .post(
                  "/api/v1/webhooks",
                  ADMIN,
                  Map.of("url", url, "events", List.of("finding.new"), "team", "ops"))
              .json()
              .path("webhook")
              .path("id")
              .asLong();
      first
          .testDb
          .db()
          .jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE webhooks SET secret = 'whsec_from-an-older-version'")
                      .execute());
      if (kind() == TestDatabases.Kind.SQLITE) {
        first.close();
        first = new TestServer(kind(), dir, c -> c.withExposure(allowing("127.0.0.1/32")));
      } else {
        // A second node starting on the same database encrypts what it finds in clear.
        dev.bulwark.server.BulwarkServer.start(
                ServerConfig.embeddedDefaults(dir),
                TestDatabases.secondPostgresNode(first.testDb),
                first.clock,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .close();
      }
      TestServer reader = first;
      String now =
          reader
              .testDb
              .db()
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT secret FROM webhooks WHERE id = :id")
                          .bind("id", hook)
                          .mapTo(String.class)
                          .one());
      assertThat(now).startsWith("v1:").doesNotContain("from-an-older-version");
      assertThat(
              WebhookSecrets.loadOrCreate(dir.resolve(WebhookSecrets.KEY_FILE)).decrypt(hook, now))
          .isEqualTo("whsec_from-an-older-version");
      assertThatThrownBy(
              () ->
                  WebhookSecrets.loadOrCreate(dir.resolve(WebhookSecrets.KEY_FILE))
                      .decrypt(hook + 1, now))
          .as("bound to its webhook")
          .isInstanceOf(WebhookSecrets.Unreadable.class);
    } finally {
      first.close();
    }
  }
}
