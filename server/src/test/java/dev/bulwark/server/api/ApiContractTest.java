package dev.bulwark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP contract of the foundation, over a real socket and a real database. Subclasses run it on
 * SQLite and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContractTest {
  static final String ADMIN = TestServer.ADMIN;

  Path dir;
  TestServer ts;
  Http http;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws java.io.IOException {
    dir = java.nio.file.Files.createTempDirectory("bulwark-api-test");
    ts = new TestServer(kind(), dir);
    http = ts.http;
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  static Map<String, Object> service(String name, String team) {
    return Map.of("name", name, "team", team, "area", "backend", "criticality", "high");
  }

  static void assertProblem(Http.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("detail").asText()).isNotBlank();
    assertThat(p.path("requestId").asText()).isNotBlank().isEqualTo(r.header("X-Request-Id"));
  }

  @Test
  void healthNeedsNoTokenButEverythingElseDoes() {
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(http.get("/healthz", null).json().path("status").asText()).isEqualTo("ok");
    assertProblem(http.get("/api/v1/services", null), 401);
    assertThat(http.get("/api/v1/services", null).header("WWW-Authenticate")).isEqualTo("Bearer");
    assertProblem(http.get("/metrics", null), 401);
    assertProblem(http.get("/api/v1/services", "bwk_not-a-real-token"), 401);
    assertProblem(http.get("/api/v1/services", "a.b.c"), 401);
  }

  @Test
  void metricsArePrometheusText() {
    http.get("/api/v1/services", ADMIN);
    Http.Response r = http.get("/metrics", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    assertThat(r.text())
        .contains(
            "bulwark_http_requests_seconds_count{route=\"GET /api/v1/services\",status=\"200\"}");
    assertThat(r.text()).contains("jvm_memory_used_bytes");
  }

  @Test
  void createReadUpdateDeleteAService() {
    Http.Response created =
        http.post(
            "/api/v1/services",
            ADMIN,
            Map.of(
                "name",
                "crud-svc",
                "team",
                "alpha",
                "area",
                "data",
                "criticality",
                "critical",
                "value",
                12.5));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.json().path("team").asText()).isEqualTo("alpha");
    assertThat(created.json().path("value").asDouble()).isEqualTo(12.5);

    JsonNode read = http.get("/api/v1/services/crud-svc", ADMIN).json();
    assertThat(read.path("area").asText()).isEqualTo("data");
    assertThat(read.path("criticality").asText()).isEqualTo("critical");

    Http.Response updated =
        http.put(
            "/api/v1/services/crud-svc",
            ADMIN,
            Map.of("team", "alpha", "area", "website", "criticality", "low"));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.header("Bulwark-Outcome")).isEqualTo("updated");
    assertThat(updated.json().path("area").asText()).isEqualTo("website");
    assertThat(updated.json().has("value")).isFalse();

    assertThat(http.delete("/api/v1/services/crud-svc", ADMIN).status()).isEqualTo(204);
    assertProblem(http.get("/api/v1/services/crud-svc", ADMIN), 404);
    assertProblem(http.delete("/api/v1/services/crud-svc", ADMIN), 404);
  }

  @Test
  void putIsAnIdempotentUpsert() {
    Map<String, Object> body = Map.of("team", "alpha", "area", "backend", "criticality", "medium");
    Http.Response first = http.put("/api/v1/services/upsert-svc", ADMIN, body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Bulwark-Outcome")).isEqualTo("created");
    int auditBefore = audit("upsert-svc").size();
    Http.Response second = http.put("/api/v1/services/upsert-svc", ADMIN, body);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header("Bulwark-Outcome")).isEqualTo("unchanged");
    assertThat(audit("upsert-svc")).hasSize(auditBefore);
    assertProblem(
        http.put(
            "/api/v1/services/upsert-svc",
            ADMIN,
            Map.of("name", "other", "team", "alpha", "area", "backend", "criticality", "medium")),
        422);
  }

  @Test
  void duplicateCreateIsAConflict() {
    assertThat(http.post("/api/v1/services", ADMIN, service("dup-svc", "alpha")).status())
        .isEqualTo(201);
    assertProblem(http.post("/api/v1/services", ADMIN, service("dup-svc", "alpha")), 409);
  }

  @Test
  void malformedJsonIs400WithItsPosition() {
    Http.Response r =
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/json",
            "{\"name\": \"x\",".getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 400);
    assertThat(r.json().path("detail").asText()).contains("line 1, column");
    assertProblem(
        http.send("/api/v1/services", ADMIN, "POST", "application/json", new byte[0]), 400);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/json",
            "[1,2]".getBytes(StandardCharsets.UTF_8)),
        422);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/json",
            "{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/json",
            "{\"name\":\"a\",\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/json",
            ("[".repeat(5000)).getBytes(StandardCharsets.UTF_8)),
        400);
  }

  @Test
  void everyBadFieldIsReportedWithItsPath() {
    Http.Response r =
        http.post(
            "/api/v1/services",
            ADMIN,
            Map.of(
                "name",
                "fields",
                "team",
                "bad team!",
                "area",
                "moon",
                "criticality",
                7,
                "colour",
                "red"));
    assertProblem(r, 422);
    List<String> fields = new ArrayList<>();
    r.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
    assertThat(fields).contains("area", "criticality", "colour");
    assertThat(r.text()).contains("website, backend, data");

    Http.Response missing = http.post("/api/v1/services", ADMIN, Map.of("team", "bad team!"));
    assertProblem(missing, 422);
    List<String> missingFields = new ArrayList<>();
    missing.json().path("errors").forEach(e -> missingFields.add(e.path("field").asText()));
    assertThat(missingFields).containsExactlyInAnyOrder("name", "team", "area", "criticality");
  }

  @Test
  void wrongContentTypeIs415() {
    assertProblem(
        http.send(
            "/api/v1/services", ADMIN, "POST", "text/plain", "{}".getBytes(StandardCharsets.UTF_8)),
        415);
    assertProblem(
        http.send("/api/v1/services", ADMIN, "POST", null, "{}".getBytes(StandardCharsets.UTF_8)),
        415);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "POST",
            "application/xml",
            "<a/>".getBytes(StandardCharsets.UTF_8)),
        415);
  }

  @Test
  void oversizedBodyIs413AndNothingIsStored() {
    String big = "x".repeat(70 * 1024);
    Http.Response r =
        http.post(
            "/api/v1/services",
            ADMIN,
            Map.of(
                "name", "big", "team", "alpha", "area", "data", "criticality", "low", "pad", big));
    assertProblem(r, 413);
    assertProblem(http.get("/api/v1/services/big", ADMIN), 404);
  }

  @Test
  void unknownRouteIs404AndWrongMethodIs405() {
    assertProblem(http.get("/api/v1/nothing-here", ADMIN), 404);
    assertProblem(
        http.send(
            "/api/v1/services",
            ADMIN,
            "PATCH",
            "application/json",
            "{}".getBytes(StandardCharsets.UTF_8)),
        405);
  }

  @Test
  void unicodeAndSqlMetacharactersInNamesAreRefusedAndLookupsStayLiteral() {
    // Service names are lower-case ASCII (docs/catalog.md): what used to be stored verbatim is
    // refused, and a lookup by any such name is a plain miss.
    List<String> names =
        List.of(
            "café-ñ-服务-🚀",
            "x'; DROP TABLE services; --",
            "a\"b`c%_d",
            "Robert'); DELETE FROM tokens;--",
            "%",
            "_",
            "*");
    for (String name : names) {
      assertProblem(http.post("/api/v1/services", ADMIN, service(name, "alpha")), 422);
      assertProblem(http.get("/api/v1/services/" + Http.segment(name), ADMIN), 404);
    }
    // '_' is allowed inside a name and is no LIKE wildcard: it matches only itself.
    assertThat(http.post("/api/v1/services", ADMIN, service("lit_eral", "alpha")).status())
        .isEqualTo(201);
    assertProblem(http.get("/api/v1/services/litxeral", ADMIN), 404);
    assertThat(http.get("/api/v1/services/lit_eral", ADMIN).json().path("name").asText())
        .isEqualTo("lit_eral");
    assertThat(http.get("/api/v1/services", ADMIN).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/tokens", ADMIN).status()).isEqualTo(200);
  }

  @Test
  void pathTraversalInNamesIsRefused() {
    for (String name :
        List.of(
            "../etc/passwd",
            "..",
            ".",
            "a/b",
            "a\\b",
            " lead",
            "trail ",
            "nul\u0000",
            "bidi\u202e")) {
      assertProblem(http.post("/api/v1/services", ADMIN, service(name, "alpha")), 422);
    }
    Http.Response encoded = http.get("/api/v1/services/..%2F..%2Fetc%2Fpasswd", ADMIN);
    assertThat(encoded.status()).isIn(400, 404);
    assertThat(encoded.contentType()).startsWith("application/problem+json");
    assertThat(encoded.text()).doesNotContain("root:");
  }

  @Test
  void concurrentUpsertsOfOneServiceMakeOneRowAndNo500() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Http.Response>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String crit = i % 2 == 0 ? "high" : "low";
        results.add(
            pool.submit(
                () ->
                    http.put(
                        "/api/v1/services/raced",
                        ADMIN,
                        Map.of("team", "alpha", "area", "backend", "criticality", crit))));
      }
      int created = 0;
      for (Future<Http.Response> f : results) {
        Http.Response r = f.get();
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        if (r.status() == 201) {
          created++;
        }
      }
      assertThat(created).isEqualTo(1);
      long rows =
          ts.testDb
              .db()
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT COUNT(*) FROM services WHERE name = 'raced'")
                          .mapTo(Long.class)
                          .one());
      assertThat(rows).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCreatesOfOneServiceGiveOneCreatedAndConflicts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Http.Response>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(
            pool.submit(
                () -> http.post("/api/v1/services", ADMIN, service("raced-create", "alpha"))));
      }
      Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
      for (Future<Http.Response> f : results) {
        byStatus.merge(f.get().status(), 1, Integer::sum);
      }
      assertThat(byStatus).containsOnlyKeys(201, 409);
      assertThat(byStatus.get(201)).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void teamScopedTokensSeeAndChangeOnlyTheirTeams() {
    http.post("/api/v1/services", ADMIN, service("red-app", "red"));
    http.post("/api/v1/services", ADMIN, service("blue-app", "blue"));
    String red = ts.token("developer", "red");

    List<String> visible = new ArrayList<>();
    http.get("/api/v1/services", red)
        .json()
        .path("services")
        .forEach(s -> visible.add(s.path("name").asText()));
    assertThat(visible).contains("red-app").doesNotContain("blue-app");
    assertThat(http.get("/api/v1/services?team=blue", red).json().path("services").size()).isZero();

    assertProblem(http.get("/api/v1/services/blue-app", red), 404);
    assertProblem(
        http.put(
            "/api/v1/services/blue-app",
            red,
            Map.of("team", "blue", "area", "data", "criticality", "low")),
        403);
    assertProblem(
        http.put(
            "/api/v1/services/blue-app",
            red,
            Map.of("team", "red", "area", "data", "criticality", "low")),
        403);
    assertProblem(http.post("/api/v1/services", red, service("new-blue", "blue")), 403);
    assertProblem(
        http.put(
            "/api/v1/services/red-app",
            red,
            Map.of("team", "blue", "area", "data", "criticality", "low")),
        403);
    assertThat(http.get("/api/v1/services/blue-app", ADMIN).json().path("team").asText())
        .isEqualTo("blue");
    assertThat(http.get("/api/v1/services/blue-app", ADMIN).json().path("area").asText())
        .isEqualTo("backend");

    assertThat(
            http.put(
                    "/api/v1/services/red-app",
                    red,
                    Map.of("team", "red", "area", "data", "criticality", "low"))
                .status())
        .isEqualTo(200);
    assertThat(http.post("/api/v1/services", red, service("red-two", "red")).status())
        .isEqualTo(201);
  }

  @Test
  void rolesLackingAPermissionGet403() {
    String ci = ts.token("ci", "alpha");
    String auditor = ts.token("auditor", "alpha");
    String developer = ts.token("developer", "alpha");
    assertThat(http.get("/api/v1/services", ci).status()).isEqualTo(200);
    assertProblem(http.post("/api/v1/services", ci, service("ci-made", "alpha")), 403);
    assertProblem(
        http.post("/api/v1/tokens", developer, Map.of("name", "x", "role", "admin")), 403);
    assertProblem(http.get("/api/v1/tokens", auditor), 403);
    assertProblem(http.delete("/api/v1/services/anything", developer), 403);
    assertThat(http.get("/api/v1/audit", auditor).status()).isEqualTo(200);
    assertProblem(http.get("/api/v1/audit", developer), 403);
  }

  @Test
  void tokensAreShownOnceStoredHashedAndRevocable() {
    Http.Response created =
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of("name", "ci for alpha", "role", "ci", "teams", List.of("alpha")));
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().path("token").asText();
    String id = created.json().path("id").asText();
    assertThat(secret).startsWith("bwk_").hasSizeGreaterThanOrEqualTo(4 + 43);

    String listed = http.get("/api/v1/tokens", ADMIN).text();
    assertThat(listed).contains(id).doesNotContain(secret).doesNotContain("secret_hash");
    String stored =
        ts.testDb
            .db()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id || name || role || teams || secret_hash FROM tokens WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    assertThat(stored).doesNotContain(secret).doesNotContain(secret.substring(4));

    assertThat(http.get("/api/v1/services", secret).status()).isEqualTo(200);
    JsonNode afterUse = findToken(id);
    assertThat(afterUse.path("lastUsedAt").asText()).isEqualTo(ts.clock.instant().toString());

    assertThat(http.delete("/api/v1/tokens/" + id, ADMIN).status()).isEqualTo(200);
    Http.Response revoked = http.get("/api/v1/services", secret);
    assertProblem(revoked, 401);
    assertThat(revoked.json().path("detail").asText()).contains("revoked");
    assertProblem(http.delete("/api/v1/tokens/tok_nonexistent", ADMIN), 404);
  }

  /** Tokens are case-sensitive, also on a kept-alive connection right after the real one. */
  @Test
  void aTokenThatDiffersOnlyInCaseIsRefusedOnTheSameConnection() {
    String secret =
        http.post(
                "/api/v1/tokens",
                ADMIN,
                Map.of("name", "cased", "role", "auditor", "teams", List.of("alpha")))
            .json()
            .path("token")
            .asText();
    StringBuilder swapped = new StringBuilder();
    for (char c : secret.toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    assertThat(swapped.toString()).isNotEqualTo(secret);
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/api/v1/services", secret).status()).isEqualTo(200);
      assertProblem(http.get("/api/v1/services", swapped.toString()), 401);
    }
  }

  @Test
  void expiredTokensAreRefused() {
    Http.Response created =
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of(
                "name",
                "short",
                "role",
                "auditor",
                "teams",
                List.of("alpha"),
                "expiresAt",
                ts.clock.instant().plus(Duration.ofHours(1)).toString()));
    String secret = created.json().path("token").asText();
    assertThat(http.get("/api/v1/services", secret).status()).isEqualTo(200);
    ts.clock.advance(Duration.ofHours(2));
    try {
      assertProblem(http.get("/api/v1/services", secret), 401);
    } finally {
      ts.clock.advance(Duration.ofMinutes(1));
    }
    assertProblem(
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of(
                "name",
                "past",
                "role",
                "ci",
                "teams",
                List.of("a"),
                "expiresAt",
                "2020-01-01T00:00:00Z")),
        422);
    assertProblem(
        http.post("/api/v1/tokens", ADMIN, Map.of("name", "noteam", "role", "developer")), 422);
    assertProblem(
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of("name", "badrole", "role", "root", "teams", List.of("a"))),
        422);
  }

  @Test
  void everyChangeIsAuditedWithActorRequestIdAndDigests() {
    String dev = ts.token("developer", "gamma");
    var req =
        http.builder("/api/v1/services", dev)
            .header("X-Request-Id", "audit-test-1")
            .header("Content-Type", "application/json")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"audited\",\"team\":\"gamma\",\"area\":\"data\",\"criticality\":\"low\"}"));
    Http.Response r = http.send(req);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("X-Request-Id")).isEqualTo("audit-test-1");
    http.put(
        "/api/v1/services/audited",
        dev,
        Map.of("team", "gamma", "area", "data", "criticality", "high"));
    http.delete("/api/v1/services/audited", ADMIN);

    List<JsonNode> events = audit("audited");
    assertThat(events)
        .extracting(e -> e.path("action").asText())
        .containsExactly("service.delete", "service.update", "service.create");
    JsonNode create = events.get(2);
    assertThat(create.path("actor").asText()).startsWith("token:tok_");
    assertThat(create.path("requestId").asText()).isEqualTo("audit-test-1");
    assertThat(create.path("beforeDigest").isNull() || create.path("beforeDigest").isMissingNode())
        .isTrue();
    assertThat(create.path("afterDigest").asText()).matches("sha256:[0-9a-f]{64}");
    JsonNode update = events.get(1);
    assertThat(update.path("beforeDigest").asText()).isEqualTo(create.path("afterDigest").asText());
    assertThat(update.path("afterDigest").asText())
        .isNotEqualTo(update.path("beforeDigest").asText());
    assertThat(events.get(0).path("beforeDigest").asText())
        .isEqualTo(update.path("afterDigest").asText());
    assertThat(events.get(0).path("actor").asText()).isEqualTo("token:tok_bootstrap");

    // A refused change writes nothing.
    http.post("/api/v1/services", dev, service("audited-denied", "not-gamma"));
    assertThat(audit("audited-denied")).isEmpty();
  }

  @Test
  void catalogImportOfBulwarkYaml() {
    String yaml =
        """
        apiVersion: bulwark/v1
        kind: Catalog
        services:
          - name: imp-web
            team: delta
            area: website
            criticality: low
          - name: imp-db
            team: delta
            area: data
            criticality: critical
            value: 1000
        """;
    Http.Response r =
        http.send(
            "/api/v1/catalog/import?file=catalog.yaml",
            ADMIN,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("created")).hasSize(2);
    Http.Response again =
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(again.json().path("unchanged")).hasSize(2);
    assertThat(http.get("/api/v1/services/imp-db", ADMIN).json().path("value").asDouble())
        .isEqualTo(1000.0);
  }

  @Test
  void catalogImportOfBackstageDescriptors() {
    String yaml =
        """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: bs-payments
          annotations:
            bulwark.dev/area: backend
            bulwark.dev/criticality: critical
            bulwark.dev/value: "500000"
        spec:
          type: service
          owner: group:default/epsilon
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: bs-payments-api
        spec:
          owner: epsilon
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: bs-site
          annotations:
            bulwark.dev/area: website
            bulwark.dev/criticality: low
        spec:
          owner: epsilon
        """;
    Http.Response r =
        http.send(
            "/api/v1/catalog/import?file=catalog-info.yaml",
            ADMIN,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("format").asText()).isEqualTo("backstage");
    assertThat(r.json().path("created")).hasSize(2);
    assertThat(r.json().path("skipped")).hasSize(1);
    assertThat(r.json().path("skipped").get(0).path("where").asText())
        .isEqualTo("catalog-info.yaml:13:1");
    JsonNode payments = http.get("/api/v1/services/bs-payments", ADMIN).json();
    assertThat(payments.path("team").asText()).isEqualTo("epsilon");
    assertThat(payments.path("criticality").asText()).isEqualTo("critical");
    assertThat(payments.path("value").asDouble()).isEqualTo(500000.0);
  }

  @Test
  void aCatalogWithAnyBadEntityImportsNothingAndNamesEveryProblem() {
    String yaml =
        """
        services:
          - name: bad-1-ok
            team: zeta
            area: website
            criticality: low
          - name: bad-2
            team: zeta
            area: moon
            criticality: low
          - name: bad-3
            area: data
            criticality: extreme
        """;
    Http.Response r =
        http.send(
            "/api/v1/catalog/import?file=c.yaml",
            ADMIN,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8));
    assertProblem(r, 422);
    List<String> where = new ArrayList<>();
    r.json()
        .path("errors")
        .forEach(e -> where.add(e.path("field").asText() + " " + e.path("message").asText()));
    assertThat(where).anyMatch(s -> s.startsWith("c.yaml:6:5") && s.contains("area"));
    assertThat(where).anyMatch(s -> s.startsWith("c.yaml:10:5") && s.contains("criticality"));
    assertThat(where).anyMatch(s -> s.startsWith("c.yaml:10:5") && s.contains("team"));
    assertProblem(http.get("/api/v1/services/bad-1-ok", ADMIN), 404);
  }

  @Test
  void catalogImportRefusesAnotherTeamsServicesWhole() {
    String dev = ts.token("developer", "eta");
    String yaml =
        """
        services:
          - {name: eta-1, team: eta, area: website, criticality: low}
          - {name: theta-1, team: theta, area: website, criticality: low}
        """;
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            dev,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8)),
        403);
    assertProblem(http.get("/api/v1/services/eta-1", ADMIN), 404);
  }

  @Test
  void hostileYamlIsRefused() {
    String laughs =
        """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        services: [*e]
        """;
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            laughs.getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}),
        400);
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            "services: [\n  - {name: x".getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            "!!java.lang.Runtime {}".getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            "just: a map".getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "text/plain",
            "services: []".getBytes(StandardCharsets.UTF_8)),
        415);
  }

  @Test
  void catalogDryRunChangesNothing() {
    String yaml = "services:\n  - {name: dry-1, team: iota, area: data, criticality: low}\n";
    Http.Response r =
        http.send(
            "/api/v1/catalog/import?dryRun=true",
            ADMIN,
            "POST",
            "application/yaml",
            yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("valid").asInt()).isEqualTo(1);
    assertProblem(http.get("/api/v1/services/dry-1", ADMIN), 404);
  }

  @Test
  void requestsJettyRejectsAreProblemsToo() throws Exception {
    String bad = raw("GET /api/v1/services/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(bad)
        .startsWith("HTTP/1.1 400")
        .contains("application/problem+json")
        .doesNotContain("<html");
    String big =
        raw(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(big)
        .startsWith("HTTP/1.1 431")
        .contains("application/problem+json")
        .doesNotContain("<html");
  }

  String raw(String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", ts.server.port())) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void openApiDocumentIsServed() {
    Http.Response r = http.get("/api/v1/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("openapi").asText()).isEqualTo("3.1.0");
  }

  List<JsonNode> audit(String subject) {
    List<JsonNode> out = new ArrayList<>();
    http.get("/api/v1/audit?subjectKind=service&subjectId=" + Http.segment(subject), ADMIN)
        .json()
        .path("events")
        .forEach(out::add);
    return out;
  }

  JsonNode findToken(String id) {
    for (JsonNode t : http.get("/api/v1/tokens", ADMIN).json().path("tokens")) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no token " + id);
  }

  static Set<String> names(JsonNode services) {
    Set<String> s = new java.util.HashSet<>();
    services.forEach(n -> s.add(n.path("name").asText()));
    return s;
  }
}
