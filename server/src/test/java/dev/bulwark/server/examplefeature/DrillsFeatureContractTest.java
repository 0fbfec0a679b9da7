package dev.bulwark.server.examplefeature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.OpenApiDocument;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * docs/adding-a-feature.md followed by a feature that lives in the test sources only: registered
 * through {@code BulwarkServer}'s extra features, its route answers over HTTP with its permission
 * and the team scope enforced, its change is a verifiable ledger entry, its OpenAPI part is served,
 * and its policy input reaches a gate policy. On both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DrillsFeatureContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DRILLS = "/api/v1/services/drill-api/drills";
  TestServer ts;
  Http http;
  String developer;
  String auditor;
  String otherTeam;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-drills"),
            c -> c,
            List.of(DrillsFeature::new));
    http = ts.http;
    assertThat(
            http.put(
                    "/api/v1/services/drill-api",
                    ADMIN,
                    Map.of("team", "pay", "area", "backend", "criticality", "high"))
                .status())
        .isEqualTo(201);
    developer = ts.token("developer", "pay");
    auditor = ts.token("auditor", "pay");
    otherTeam = ts.token("developer", "web");
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  @Test
  @Order(1)
  void theRouteRecordsADrill() {
    Http.Response r =
        http.post(DRILLS, developer, Map.of("scenario", "database failover", "outcome", "passed"));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode drill = r.json().path("drill");
    assertThat(drill.path("service").asText()).isEqualTo("drill-api");
    assertThat(drill.path("scenario").asText()).isEqualTo("database failover");
    assertThat(drill.path("outcome").asText()).isEqualTo("passed");
    assertThat(drill.path("performedAt").asText()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(r.json().path("ledgerIndex").asLong()).isPositive();

    JsonNode list = http.get(DRILLS, auditor).json().path("drills");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).path("id").asLong()).isEqualTo(drill.path("id").asLong());
  }

  @Test
  @Order(2)
  void thePermissionAndTheTeamScopeAreEnforced() {
    Map<String, String> body = Map.of("scenario", "region loss", "outcome", "failed");
    assertThat(http.post(DRILLS, null, body).status()).isEqualTo(401);
    // An auditor may read (SERVICE_READ) but not record (SERVICE_WRITE).
    assertThat(http.post(DRILLS, auditor, body).status()).isEqualTo(403);
    assertThat(http.get(DRILLS, auditor).status()).isEqualTo(200);
    // Another team's service looks like no service at all.
    assertThat(http.post(DRILLS, otherTeam, body).status()).isEqualTo(404);
    assertThat(http.get(DRILLS, otherTeam).status()).isEqualTo(404);
    assertThat(http.post("/api/v1/services/nothing/drills", ADMIN, body).status()).isEqualTo(404);
    assertThat(http.get(DRILLS, ADMIN).json().path("drills")).hasSize(1);
  }

  @Test
  @Order(3)
  void hostileInputIsRefusedWithTheFieldsNamed() {
    assertThat(fields(http.post(DRILLS, developer, Map.of())))
        .containsExactly("scenario", "outcome");
    assertThat(fields(http.post(DRILLS, developer, Map.of("scenario", " ", "outcome", "passed"))))
        .containsExactly("scenario");
    assertThat(
            fields(
                http.post(
                    DRILLS,
                    developer,
                    Map.of(
                        "scenario",
                        "x".repeat(DrillRequest.MAX_SCENARIO + 1),
                        "outcome",
                        "passed"))))
        .containsExactly("scenario");
    assertThat(
            fields(
                http.post(DRILLS, developer, Map.of("scenario", "a\u0000b", "outcome", "passed"))))
        .containsExactly("scenario");
    assertThat(http.post(DRILLS, developer, Map.of("scenario", "s", "outcome", "maybe")).status())
        .isEqualTo(422);
    assertThat(
            http.post(DRILLS, developer, Map.of("scenario", "s", "outcome", "passed", "by", "x"))
                .status())
        .isEqualTo(422);
    assertThat(
            http.send(
                    DRILLS, developer, "POST", "text/plain", "hi".getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(415);
    assertThat(
            http.send(
                    DRILLS,
                    developer,
                    "POST",
                    "application/json",
                    "{\"scenario\":".getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(400);
    assertThat(http.get(DRILLS, ADMIN).json().path("drills")).hasSize(1);
  }

  @Test
  @Order(4)
  void theDrillIsALedgerEntryThatVerifies() throws InterruptedException {
    Http.Response r =
        http.post(DRILLS, developer, Map.of("scenario", "restore a backup", "outcome", "passed"));
    long index = r.json().path("ledgerIndex").asLong();
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    NoteKey.Verifier key =
        NoteKey.Verifier.parse(http.get("/api/v1/ledger/public-key", auditor).text());
    SignedNote.Result note =
        SignedNote.verify(http.get("/api/v1/ledger/checkpoint", auditor).text(), key);
    assertThat(note).isInstanceOf(SignedNote.Result.Valid.class);
    Checkpoint cp = ((SignedNote.Result.Valid) note).checkpoint();
    assertThat(cp.size()).isGreaterThan(index);

    JsonNode entry =
        http.get("/api/v1/ledger/entries?start=" + index + "&end=" + (index + 1), auditor)
            .json()
            .path("entries")
            .get(0);
    JsonNode fields = entry.path("entry");
    assertThat(fields.path("action").asText()).isEqualTo("drill.record");
    assertThat(fields.path("subject").path("kind").asText()).isEqualTo("drill");
    assertThat(fields.path("subject").path("service").asText()).isEqualTo("drill-api");
    assertThat(fields.path("subject").path("id").asText())
        .isEqualTo(r.json().path("drill").path("id").asText());
    assertThat(fields.path("after").asText()).startsWith("sha256:");
    List<byte[]> proof = new ArrayList<>();
    http.get("/api/v1/ledger/proofs/inclusion?index=" + index + "&size=" + cp.size(), auditor)
        .json()
        .path("hashes")
        .forEach(h -> proof.add(Hashes.fromHex(h.asText())));
    assertThat(
            MerkleTree.verifyInclusion(
                Hashes.fromHex(entry.path("leafHash").asText()),
                index,
                cp.size(),
                proof,
                cp.root()))
        .isTrue();
  }

  @Test
  @Order(5)
  void itsOpenApiPartIsServedAndDocumentsExactlyItsRoutes() {
    JsonNode doc = http.get("/api/v1/openapi.json", null).json();
    Map<String, String> served = OpenApiDocument.operations(doc);
    assertThat(served)
        .containsEntry("POST " + "/api/v1/services/{name}/drills", "SERVICE_WRITE")
        .containsEntry("GET " + "/api/v1/services/{name}/drills", "SERVICE_READ");
    assertThat(doc.path("components").path("schemas").has("Drill")).isTrue();

    Feature drills =
        ts.server.features().stream()
            .filter(f -> f.name().equals("drills"))
            .findFirst()
            .orElseThrow();
    Map<String, String> routes = new HashMap<>();
    drills
        .routes()
        .forEach(r -> routes.put(r.method().name() + " " + r.path(), r.permission().name()));
    assertThat(OpenApiDocument.operations(OpenApiDocument.read(drills.openApi().orElseThrow())))
        .isEqualTo(routes);
  }

  // The policy input: the last step of docs/adding-a-feature.md, isolated in this one test.
  @Test
  @Order(6)
  void itsPolicyInputReachesAGatePolicyAndADrillInvalidatesTheCachedInput() {
    String lead = ts.tokenFor("drill-lead-1", "security", "*");
    String lead2 = ts.tokenFor("drill-lead-2", "security", "*");
    String ci = ts.token("ci", "pay");
    assertThat(
            http.post(
                    "/api/v1/services/drill-api/releases",
                    ADMIN,
                    Map.of("version", "1.0", "digest", "sha256:" + "d1".repeat(32)))
                .status())
        .isEqualTo(201);
    Http.Response pushed =
        http.post(
            "/api/v1/policies/bundles",
            lead,
            Map.of(
                "files",
                Map.of(
                    "drills.yaml",
                    """
                    name: drills
                    rules:
                      - name: three-passed
                        expression: drills.passed >= 3
                    """)));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(201);
    assertThat(
            http.post(
                    "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve",
                    lead2,
                    Map.of())
                .status())
        .isEqualTo(200);

    // Two drills passed so far: the rule fails.
    assertThat(gate(ci)).isEqualTo("fail");
    // A third one: the drill's Affects.service raised the facts revision of the service's
    // releases, so the cached input is rebuilt, and the answer equals a fresh computation.
    assertThat(
            http.post(DRILLS, developer, Map.of("scenario", "cold start", "outcome", "passed"))
                .status())
        .isEqualTo(201);
    assertThat(gate(ci)).isEqualTo("pass");
    ts.server.forgetCachedGateInputs();
    assertThat(gate(ci)).isEqualTo("pass");
  }

  private String gate(String token) {
    Http.Response r =
        http.post(
            "/api/v1/gates/evaluate",
            token,
            Map.of("service", "drill-api", "version", "1.0", "environment", "prod"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode result = r.json().path("results").get(0);
    assertThat(result.path("policy").asText() + "/" + result.path("rule").asText())
        .isEqualTo("drills/three-passed");
    return result.path("outcome").asText();
  }

  private static List<String> fields(Http.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    List<String> out = new ArrayList<>();
    r.json().path("errors").forEach(e -> out.add(e.path("field").asText()));
    return out;
  }
}
