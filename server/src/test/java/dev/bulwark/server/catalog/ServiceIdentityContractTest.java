package dev.bulwark.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Services are known by a stable id: what refers to a service (releases, findings, carried-over
 * decisions, waivers, gate decisions) stays with the service it was made for, a deleted service is
 * archived with all of it, and a new service with an old name starts clean. Names are NFC, drawn
 * from a documented set, and a lookalike of a live name is refused. On both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceIdentityContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DIGEST = "sha256:" + "c".repeat(64);

  /** gin v1.4.0 (GO-2020-0001) and an x/sys before the GO-2022-0493 fix. */
  static final String SBOM =
      """
      {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
        {"bom-ref": "gin", "type": "library", "name": "gin", "version": "v1.4.0", "purl": "pkg:golang/github.com/gin-gonic/gin@v1.4.0"},
        {"bom-ref": "sys", "type": "library", "name": "sys", "version": "v0.0.0-20220101000000-000000000000", "purl": "pkg:golang/golang.org/x/sys@v0.0.0-20220101000000-000000000000"}]}
      """;

  /** Both findings of {@link #SBOM} not_affected, for every version of the packages. */
  static final String OPENVEX =
      """
      {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/reuse",
       "author": "alpha", "timestamp": "2026-11-01T00:00:00Z", "version": 1,
       "statements": [
        {"vulnerability": {"name": "GO-2020-0001"}, "products": ["pkg:golang/github.com/gin-gonic/gin"],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
        {"vulnerability": {"name": "GO-2022-0493"}, "products": ["pkg:golang/golang.org/x/sys"],
         "status": "not_affected", "justification": "vulnerable_code_not_present"}]}
      """;

  TestServer ts;
  Http http;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path osv = Path.of(ServiceIdentityContractTest.class.getResource("/osv").toURI());
    Path dir = Files.createTempDirectory("bulwark-identity");
    ts = new TestServer(kind(), dir, c -> c.withOsvSources(List.of(osv)));
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

  Http.Response send(String path, String token, String method, String body) {
    return http.send(
        path, token, method, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  /** A release 1.0 of {@code name} with {@link #SBOM}, as {@code token}; the findings. */
  List<JsonNode> release(String name, String version, String token) {
    Http.Response r =
        http.post(
            "/api/v1/services/" + name + "/releases",
            token,
            Map.of("version", version, "digest", DIGEST));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    Http.Response up =
        send("/api/v1/services/" + name + "/releases/" + version + "/sbom", token, "PUT", SBOM);
    assertThat(up.status()).as(up.text()).isIn(200, 201);
    return findings(name, version);
  }

  List<JsonNode> findings(String name, String version) {
    List<JsonNode> out = new ArrayList<>();
    http.get("/api/v1/services/" + name + "/releases/" + version + "/findings", ADMIN)
        .json()
        .path("findings")
        .forEach(out::add);
    return out;
  }

  @Test
  void aNewServiceWithADeletedServicesNameInheritsNoneOfItsVerdicts() {
    // Repro 2 of issue 12.
    String alpha = ts.token("developer", "alpha");
    String bravo = ts.token("developer", "bravo");
    assertThat(http.post("/api/v1/services", alpha, service("reused-name", "alpha")).status())
        .isEqualTo(201);
    assertThat(release("reused-name", "1.0", alpha)).hasSize(2);
    Http.Response vex =
        send("/api/v1/services/reused-name/vex", ts.token("security", "alpha"), "POST", OPENVEX);
    assertThat(vex.status()).as(vex.text()).isEqualTo(200);
    assertThat(vex.json().path("decisions").asInt()).isEqualTo(2);
    assertThat(findings("reused-name", "1.0"))
        .allSatisfy(f -> assertThat(f.path("state").asText()).isEqualTo("not_affected"));
    Http.Response waiver =
        http.post(
            "/api/v1/waivers",
            alpha,
            Map.of(
                "service", "reused-name",
                "policy", "starter",
                "rule", "no-critical",
                "reason", "alpha's exception",
                "expires", "2026-12-20T00:00:00Z"));
    assertThat(waiver.status()).as(waiver.text()).isEqualTo(201);
    assertThat(http.delete("/api/v1/services/reused-name", ADMIN).status()).isEqualTo(204);

    assertThat(http.post("/api/v1/services", bravo, service("reused-name", "bravo")).status())
        .isEqualTo(201);
    assertThat(http.get("/api/v1/services/reused-name/releases/1.0/findings", bravo).status())
        .as("alpha's release went with alpha's service")
        .isEqualTo(404);
    List<JsonNode> fresh = release("reused-name", "1.0", bravo);
    assertThat(fresh).hasSize(2);
    assertThat(fresh)
        .allSatisfy(
            f -> {
              assertThat(f.path("state").asText()).isEqualTo("open");
              assertThat(f.path("reason").asText("")).doesNotContain("carried over");
            });
    assertThat(http.get("/api/v1/waivers?service=reused-name", ADMIN).json().path("waivers"))
        .as("alpha's waiver is not bravo's")
        .isEmpty();

    // Archived, not dropped: alpha's service, release, decisions and waiver are all still kept.
    Map<String, Long> kept = new java.util.HashMap<>();
    ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        """
                            SELECT
                              (SELECT COUNT(*) FROM service_records WHERE name = 'reused-name' AND archived_at IS NOT NULL) AS archived,
                              (SELECT COUNT(*) FROM service_records WHERE name = 'reused-name' AND archived_at IS NULL) AS live,
                              (SELECT COUNT(*) FROM releases r JOIN service_records s ON s.id = r.service_id
                                 WHERE s.name = 'reused-name') AS releases,
                              (SELECT COUNT(*) FROM decisions WHERE scope_value = 'reused-name' AND archived_at IS NOT NULL) AS decisions,
                              (SELECT COUNT(*) FROM waivers w JOIN service_records s ON s.id = w.service_id
                                 WHERE s.name = 'reused-name' AND s.archived_at IS NOT NULL) AS waivers
                            """)
                    .mapToMap()
                    .one())
        .forEach((k, v) -> kept.put(k, ((Number) v).longValue()));
    assertThat(kept)
        .containsEntry("archived", 1L)
        .containsEntry("live", 1L)
        .containsEntry("releases", 2L)
        .containsEntry("decisions", 2L)
        .containsEntry("waivers", 1L);

    // An auditor of alpha reads the archived service; bravo does not see alpha's archive.
    JsonNode archived =
        http.get("/api/v1/services?archived=true", ts.token("auditor", "alpha")).json();
    assertThat(archived.path("services")).hasSize(1);
    assertThat(archived.path("services").get(0).path("name").asText()).isEqualTo("reused-name");
    assertThat(archived.path("services").get(0).path("team").asText()).isEqualTo("alpha");
    assertThat(archived.path("services").get(0).path("archivedBy").asText()).isNotBlank();
    assertThat(http.get("/api/v1/services?archived=true", bravo).json().path("services")).isEmpty();
    assertThat(http.get("/api/v1/services?archived=maybe", ADMIN).status()).isEqualTo(422);

    // The ledger tells the two services apart by their ids.
    List<String> ids = new ArrayList<>();
    http.get("/api/v1/ledger/entries?start=0&end=1000", ADMIN)
        .json()
        .path("entries")
        .forEach(
            e -> {
              JsonNode entry = e.has("entry") ? e.path("entry") : e;
              if (entry.toString().contains("\"service.create\"")
                  && entry.toString().contains("reused-name")) {
                ids.add(entry.path("subject").path("serviceId").asText());
              }
            });
    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void verdictsCarriedOverWithoutAnExpiryShowNone() {
    // Issue 12, 11: carried-over VEX verdicts showed expiresAt 1970-01-01.
    http.post("/api/v1/services", ADMIN, service("carry-api", "carry"));
    release("carry-api", "1.0", ADMIN);
    assertThat(send("/api/v1/services/carry-api/vex", ADMIN, "POST", OPENVEX).status())
        .isEqualTo(200);
    List<JsonNode> later = release("carry-api", "1.1", ADMIN);
    assertThat(later)
        .hasSize(2)
        .allSatisfy(
            f -> {
              assertThat(f.path("state").asText()).isEqualTo("not_affected");
              assertThat(f.path("reason").asText()).startsWith("carried over");
              assertThat(f.path("expiresAt").isMissingNode() || f.path("expiresAt").isNull())
                  .as(f.toString())
                  .isTrue();
            });
    // Still not_affected a year on: no expiry means none.
    ts.clock.advance(java.time.Duration.ofDays(400));
    assertThat(findings("carry-api", "1.1"))
        .allSatisfy(f -> assertThat(f.path("state").asText()).isEqualTo("not_affected"));
  }

  @Test
  void namesOutsideTheDocumentedSetAreRefusedWithTheReason() {
    Map<String, String> refused =
        Map.of(
            "Reused-Name",
            "lower case",
            "r\u0435used-name",
            "U+0435", // Cyrillic e
            "cafe\u0301",
            "U+00E9", // e + combining acute: NFC first, then refused
            "caf\u00e9",
            "U+00E9",
            "-lead",
            "start and end",
            "a..b",
            "start and end",
            "with space",
            "U+0020",
            "x".repeat(64),
            "1 to 63");
    refused.forEach(
        (name, why) -> {
          Http.Response r = http.post("/api/v1/services", ADMIN, service(name, "names"));
          assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(422);
          assertThat(r.contentType()).startsWith("application/problem+json");
          assertThat(r.text()).as(name).contains(why);
        });
    for (String ok : List.of("a", "my_app.v2-x", "x".repeat(63), "9lives")) {
      Http.Response r = http.post("/api/v1/services", ADMIN, service(ok, "names"));
      assertThat(r.status()).as(ok + ": " + r.text()).isEqualTo(201);
    }
    // A name from before the rules (stored by V14 as it was) is still read, updated and deleted;
    // once deleted, it cannot be created again.
    ts.testDb
        .db()
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO service_records (name, name_key, team, area, criticality, created_at, updated_at) VALUES ('Legacy-Name', ?, 'names', 'data', 'low', 1, 1)",
                    ServiceName.key("Legacy-Name")));
    Map<String, String> raise = Map.of("team", "names", "area", "data", "criticality", "high");
    Http.Response legacy = http.put("/api/v1/services/Legacy-Name", ADMIN, raise);
    assertThat(legacy.status()).as(legacy.text()).isEqualTo(200);
    assertThat(legacy.json().path("criticality").asText()).isEqualTo("high");
    assertThat(http.post("/api/v1/services", ADMIN, service("legacy-name", "names")).status())
        .as("its lower-case form is a lookalike")
        .isEqualTo(409);
    assertThat(http.delete("/api/v1/services/Legacy-Name", ADMIN).status()).isEqualTo(204);
    assertThat(http.put("/api/v1/services/Legacy-Name", ADMIN, raise).status()).isEqualTo(422);

    // PUT and catalog import apply the same rule.
    assertThat(
            http.put(
                    "/api/v1/services/" + Http.segment("Upper"),
                    ADMIN,
                    Map.of("team", "names", "area", "data", "criticality", "low"))
                .status())
        .isEqualTo(422);
    Http.Response imported =
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            "services:\n  - {name: \"Ok-Not\", team: names, area: data, criticality: low}\n"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.text()).isEqualTo(422);
    assertThat(imported.text()).contains("lower case");
  }

  @Test
  void aLookalikeOfALiveNameIsRefusedWhateverTheTeam() {
    String bravo = ts.token("developer", "bravo");
    for (String name : List.of("modern-pay", "billing-api", "go-api")) {
      assertThat(http.post("/api/v1/services", ADMIN, service(name, "alpha")).status())
          .isEqualTo(201);
    }
    Map<String, String> lookalikes =
        Map.of("rnodern-pay", "modern-pay", "bi1ling-api", "billing-api", "g0-api", "go-api");
    lookalikes.forEach(
        (name, original) -> {
          Http.Response r = http.post("/api/v1/services", bravo, service(name, "bravo"));
          assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(409);
          assertThat(r.text()).contains("looks like").contains(original);
          Http.Response put =
              http.put(
                  "/api/v1/services/" + name,
                  bravo,
                  Map.of("team", "bravo", "area", "data", "criticality", "low"));
          assertThat(put.status()).as(name + ": " + put.text()).isEqualTo(409);
        });
    Http.Response imported =
        http.send(
            "/api/v1/catalog/import",
            ADMIN,
            "POST",
            "application/yaml",
            ("services:\n"
                    + "  - {name: fine-one, team: bravo, area: data, criticality: low}\n"
                    + "  - {name: rnodern-pay, team: bravo, area: data, criticality: low}\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.text()).isEqualTo(409);
    assertThat(http.get("/api/v1/services/fine-one", ADMIN).status())
        .as("all or nothing")
        .isEqualTo(404);
    Http.Response twins =
        http.send(
            "/api/v1/catalog/import?file=twins.yaml",
            ADMIN,
            "POST",
            "application/yaml",
            ("services:\n"
                    + "  - {name: modern-twin, team: bravo, area: data, criticality: low}\n"
                    + "  - {name: rnodern-twin, team: bravo, area: data, criticality: low}\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(twins.status()).as(twins.text()).isEqualTo(422);
    assertThat(twins.text()).contains("twins.yaml:3").contains("looks like 'modern-twin'");
    // Once the original is archived, its lookalike may be taken.
    assertThat(http.delete("/api/v1/services/go-api", ADMIN).status()).isEqualTo(204);
    assertThat(http.post("/api/v1/services", bravo, service("g0-api", "bravo")).status())
        .isEqualTo(201);
    // Ordinary neighbours are not lookalikes.
    assertThat(http.post("/api/v1/services", ADMIN, service("billing-app", "alpha")).status())
        .isEqualTo(201);
  }
}
