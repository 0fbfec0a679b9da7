package dev.bulwark.server.gates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.policy.provenance.Dsse;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.demo.DemoData;
import dev.bulwark.server.releases.ReleasesContractTestAccess;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.Provenance;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bundles, gates, waivers, attestations and promotion over HTTP, on both databases: one release
 * walked from a denied first gate to a recorded production deployment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GatesContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DIGEST = "sha256:" + "4f".repeat(32);
  TestServer ts;
  Http http;
  KeyPair trusted;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-gates");
    trusted = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path keys = Provenance.trustedKeys(dir, trusted.getPublic());
    Path osv = Path.of(GatesContractTest.class.getResource("/osv").toURI());
    ts =
        new TestServer(
            kind(),
            dir.resolve("data"),
            c ->
                c.withOsvSources(List.of(osv))
                    .withGates(
                        new ServerConfig.GateSettings(
                            List.of("dev", "staging", "prod"), 30, Optional.of(keys))));
    http = ts.http;
    http.put(
        "/api/v1/services/pay-api",
        ADMIN,
        Map.of("team", "pay", "area", "data", "criticality", "critical"));
    http.post(
        "/api/v1/services/pay-api/releases", ADMIN, Map.of("version", "1.0", "digest", DIGEST));
    Http.Response up =
        http.send(
            "/api/v1/services/pay-api/releases/1.0/sbom",
            ADMIN,
            "PUT",
            "application/json",
            ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    lead = ts.tokenFor("lead-1", "security", "*");
    lead2 = ts.tokenFor("lead-2", "security", "*");
  }

  /** Unscoped security engineers: the global bundle's authority. */
  String lead;

  String lead2;

  /** Pushes a global bundle as one unscoped security engineer and approves it as another. */
  String activate(Map<String, String> files) {
    Http.Response p = http.post("/api/v1/policies/bundles", lead, Map.of("files", files));
    assertThat(p.status()).as(p.text()).isIn(200, 201);
    if (p.json().path("status").asText().equals("pending")) {
      Http.Response a =
          http.post(
              "/api/v1/policies/bundles/" + p.json().path("id").asLong() + "/approve",
              lead2,
              Map.of());
      assertThat(a.status()).as(a.text()).isEqualTo(200);
    }
    return p.json().path("digest").asText();
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  JsonNode gate(String token, String env, int status) {
    Http.Response r =
        http.post(
            "/api/v1/gates/evaluate",
            token,
            Map.of("service", "pay-api", "version", "1.0", "environment", env));
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  static List<String> outcomes(JsonNode answer) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : answer.path("results")) {
      out.add(
          r.path("policy").asText()
              + "/"
              + r.path("rule").asText()
              + "="
              + r.path("outcome").asText());
    }
    return out;
  }

  byte[] envelope(PrivateKey key, String digest) {
    return Provenance.envelope(key, digest);
  }

  Http.Response attest(String token, byte[] body) {
    return http.send(
        "/api/v1/services/pay-api/releases/1.0/attestations",
        token,
        "POST",
        "application/json",
        body);
  }

  @Test
  @Order(1)
  void aReleaseWalksFromDeniedToDeployedInProduction() throws Exception {
    String ci = ts.token("ci", "pay");
    String security = ts.token("security", "pay");
    String developer = ts.token("developer", "pay");
    String auditor = ts.token("auditor", "pay");

    // No bundle yet: the gate cannot answer, and says so.
    assertThat(gate(ci, "staging", 409).path("detail").asText())
        .contains("no policy bundle is active");

    // A bundle with an error is refused whole, with the location; developers may not push.
    Map<String, String> starter = DemoData.starterPolicies();
    Map<String, String> broken = new java.util.TreeMap<>(starter);
    broken.put(
        "sbom.yaml", starter.get("sbom.yaml").replace("release.components", "release.componentz"));
    Http.Response bad = http.post("/api/v1/policies/bundles", lead, Map.of("files", broken));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.text()).contains("sbom.yaml:5:").contains("undefined field 'componentz'");
    assertThat(http.post("/api/v1/policies/bundles", developer, Map.of("files", starter)).status())
        .isEqualTo(403);
    for (String hostile : List.of("../escape.yaml", "/etc/passwd.yaml", "a\\b.yaml", " ")) {
      Http.Response r =
          http.post(
              "/api/v1/policies/bundles", security, Map.of("files", Map.of(hostile, "name: x")));
      assertThat(r.status()).as(hostile).isEqualTo(422);
      assertThat(r.text()).contains("not a relative path inside the bundle");
    }
    assertThat(http.post("/api/v1/policies/bundles", security, Map.of("files", Map.of())).status())
        .isEqualTo(422);
    assertThat(http.post("/api/v1/policies/bundles", security, Map.of("files", "x")).status())
        .isEqualTo(422);
    Http.Response pushed = http.post("/api/v1/policies/bundles", lead, Map.of("files", starter));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(201);
    assertThat(pushed.json().path("status").asText()).isEqualTo("pending");
    String bundle = pushed.json().path("digest").asText();
    assertThat(http.post("/api/v1/policies/bundles", lead, Map.of("files", starter)).status())
        .isEqualTo(200);
    // Pending is not active; the pusher cannot approve it, a second person can.
    assertThat(gate(ci, "staging", 409).path("detail").asText())
        .contains("no policy bundle is active");
    String approve = "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve";
    assertThat(http.post(approve, lead, Map.of()).status()).isEqualTo(403);
    assertThat(http.post(approve, lead2, Map.of()).status()).isEqualTo(200);

    // Hostile and wrong gate requests.
    assertThat(
            http.post(
                    "/api/v1/gates/evaluate",
                    ci,
                    Map.of("service", "pay-api", "version", "9.9", "environment", "staging"))
                .status())
        .isEqualTo(404);
    assertThat(
            http.post(
                    "/api/v1/gates/evaluate",
                    ci,
                    Map.of("service", "pay-api", "version", "1.0", "environment", "moon"))
                .text())
        .contains("environment");
    assertThat(
            http.post("/api/v1/gates/evaluate", ci, Map.of("service", "pay-api", "extra", 1))
                .status())
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/gates/evaluate",
                    ts.token("ci", "web"),
                    Map.of("service", "pay-api", "version", "1.0", "environment", "staging"))
                .status())
        .isEqualTo(404);
    assertThat(
            http.post(
                    "/api/v1/gates/evaluate",
                    developer,
                    Map.of("service", "pay-api", "version", "1.0", "environment", "staging"))
                .status())
        .isEqualTo(403);

    // First gate: no SAST results and no provenance for a critical service.
    JsonNode first = gate(ci, "staging", 200);
    assertThat(first.path("decision").asText()).isEqualTo("deny");
    assertThat(first.path("bundle").asText()).isEqualTo(bundle);
    assertThat(outcomes(first))
        .contains(
            "sast/sast-results-present=fail",
            "provenance/provenance-from-allowed-builder=fail",
            "sbom/sbom-required=pass");
    assertThat(first.toString()).contains("\"release.components\":3");
    long index = first.path("ledgerIndex").asLong();
    JsonNode entry =
        http.get("/api/v1/ledger/entries?start=" + index + "&end=" + (index + 1), auditor)
            .json()
            .path("entries")
            .get(0);
    assertThat(entry.toString())
        .contains("gate.decision")
        .contains("pay-api")
        .contains(DIGEST)
        .contains("staging")
        .contains(bundle)
        .contains(first.path("inputDigest").asText());

    // A denied digest cannot be deployed.
    Http.Response refused =
        http.post(
            "/api/v1/deployments",
            ci,
            Map.of("service", "pay-api", "version", "1.0", "environment", "staging"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text()).contains("denied");

    // Evidence arrives: a SAST report and provenance; a forged envelope is kept as failed.
    Http.Response sarif =
        http.send(
            "/api/v1/services/pay-api/releases/1.0/sarif?kind=sast",
            ci,
            "POST",
            "application/json",
            """
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}}, "results": [
              {"ruleId": "r1", "level": "note", "message": {"text": "minor"}}]}]}
            """
                .getBytes(StandardCharsets.UTF_8));
    assertThat(sarif.status()).as(sarif.text()).isEqualTo(200);
    KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Http.Response forged = attest(ci, envelope(stranger.getPrivate(), DIGEST));
    assertThat(forged.status()).as(forged.text()).isEqualTo(201);
    assertThat(forged.json().path("verified").asBoolean()).isFalse();
    assertThat(forged.json().path("reason").asText()).contains("no signature verifies");
    Http.Response other = attest(ci, envelope(trusted.getPrivate(), "sha256:" + "00".repeat(32)));
    assertThat(other.json().path("reason").asText())
        .contains("no subject of the statement has the release digest");
    assertThat(attest(ci, "not json".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(422);
    assertThat(attest(ci, "[1]".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(422);
    byte[] huge = new byte[Dsse.MAX_ENVELOPE_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertThat(attest(ci, huge).status()).isEqualTo(413);
    assertThat(attest(developer, envelope(trusted.getPrivate(), DIGEST)).status()).isEqualTo(403);
    byte[] good = envelope(trusted.getPrivate(), DIGEST);
    Http.Response ok = attest(ci, good);
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    assertThat(ok.json().path("verified").asBoolean()).isTrue();
    assertThat(ok.json().path("key").asText()).isEqualTo("ci-builder");
    assertThat(attest(ci, good).status()).isEqualTo(200);
    assertThat(
            http.get("/api/v1/services/pay-api/releases/1.0/attestations", auditor)
                .json()
                .path("attestations")
                .size())
        .isEqualTo(3);

    // Now staging allows; prod needs the staging pass, which it now has.
    JsonNode staging = gate(ci, "staging", 200);
    assertThat(staging.path("decision").asText()).as(staging.toString()).isEqualTo("allow");
    assertThat(
            http.post(
                    "/api/v1/deployments",
                    ci,
                    Map.of("service", "pay-api", "version", "1.0", "environment", "prod"))
                .status())
        .isEqualTo(409);
    JsonNode prod = gate(ci, "prod", 200);
    assertThat(prod.path("decision").asText()).as(prod.toString()).isEqualTo("allow");
    assertThat(outcomes(prod)).contains("promotion/passed-staging=pass");
    Http.Response deployed =
        http.post(
            "/api/v1/deployments",
            ci,
            Map.of("service", "pay-api", "version", "1.0", "environment", "prod"));
    assertThat(deployed.status()).as(deployed.text()).isEqualTo(201);
    JsonNode where =
        http.get("/api/v1/deployments?environment=prod", auditor).json().path("deployments");
    assertThat(where.size()).isEqualTo(1);
    assertThat(where.get(0).path("digest").asText()).isEqualTo(DIGEST);
    assertThat(http.get("/api/v1/deployments?environment=moon", auditor).status()).isEqualTo(422);

    // An allow decision is good for gate.decisionValidMinutes (default 24 h): a day later the same
    // digest needs a fresh decision before it is deployed again.
    ts.clock.advance(Duration.ofHours(24));
    Http.Response stale =
        http.post(
            "/api/v1/deployments",
            ci,
            Map.of("service", "pay-api", "version", "1.0", "environment", "prod"));
    assertThat(stale.status()).as(stale.text()).isEqualTo(409);
    assertThat(stale.json().path("detail").asText()).contains("gate.decisionValidMinutes");

    // The same inputs and bundle give the same decision (and the same input digest).
    JsonNode again = gate(ci, "prod", 200);
    assertThat(again.path("inputDigest").asText())
        .isNotEqualTo(prod.path("inputDigest").asText()); // promotions grew
    JsonNode third = gate(ci, "prod", 200);
    assertThat(third.path("results")).isEqualTo(again.path("results"));
    assertThat(third.path("inputDigest")).isEqualTo(again.path("inputDigest"));
    assertThat(third.path("ledgerIndex").asLong())
        .isGreaterThan(again.path("ledgerIndex").asLong());

    // Allowing staging again adds no promotion step (history keeps each step's first time), so
    // the prod input stays the same however often CI asks.
    assertThat(gate(ci, "staging", 200).path("decision").asText()).isEqualTo("allow");
    JsonNode fourth = gate(ci, "prod", 200);
    assertThat(fourth.path("inputDigest")).isEqualTo(third.path("inputDigest"));

    // The explanation is stored once, in the decision's ledger entry, byte for byte the answer's,
    // and the entry's after digest covers it.
    long at = fourth.path("ledgerIndex").asLong();
    String payload =
        ts.testDb
            .db()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT payload FROM ledger_entries WHERE idx = :i")
                        .bind("i", at)
                        .mapTo(String.class)
                        .one());
    JsonNode after = dev.bulwark.server.http.Json.MAPPER.readTree(payload);
    assertThat(after.path("results")).isEqualTo(fourth.path("results"));
    assertThat(after.path("decision").asText()).isEqualTo("allow");
    String canonical =
        ts.testDb
            .db()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT entry FROM ledger_entries WHERE idx = :i")
                        .bind("i", at)
                        .mapTo(String.class)
                        .one());
    assertThat(canonical)
        .contains(
            "sha256:"
                + java.util.HexFormat.of()
                    .formatHex(
                        java.security.MessageDigest.getInstance("SHA-256")
                            .digest(payload.getBytes(StandardCharsets.UTF_8))));

    // Auditors read past decisions back, explanation included, within their team scope.
    long id = fourth.path("decisionId").asLong();
    Http.Response past = http.get("/api/v1/gates/decisions/" + id, auditor);
    assertThat(past.status()).as(past.text()).isEqualTo(200);
    assertThat(past.json().path("results")).isEqualTo(fourth.path("results"));
    assertThat(past.json().path("ledgerIndex").asLong()).isEqualTo(at);
    assertThat(past.json().path("decision").asText()).isEqualTo("allow");
    assertThat(past.json().path("inputDigest")).isEqualTo(fourth.path("inputDigest"));
    assertThat(past.json().path("explanationMatchesLedger").asBoolean()).isTrue();
    JsonNode listed =
        http.get("/api/v1/gates/decisions?service=pay-api&environment=prod&limit=2", auditor)
            .json()
            .path("decisions");
    assertThat(listed.size()).isEqualTo(2);
    assertThat(listed.get(0).path("id").asLong()).isEqualTo(id); // newest first
    assertThat(listed.get(0).has("results")).isFalse();
    assertThat(
            http.get("/api/v1/gates/decisions?digest=" + DIGEST + "&limit=500", auditor)
                .json()
                .path("decisions")
                .size())
        .isEqualTo(7); // every gate asked for this digest above
    String otherTeam = ts.token("auditor", "web");
    assertThat(http.get("/api/v1/gates/decisions/" + id, otherTeam).status()).isEqualTo(404);
    assertThat(
            http.get("/api/v1/gates/decisions?service=pay-api", otherTeam)
                .json()
                .path("decisions")
                .size())
        .isZero();
    for (String query : List.of("limit=0", "limit=501", "limit=x", "environment=moon")) {
      assertThat(http.get("/api/v1/gates/decisions?" + query, auditor).status())
          .as(query)
          .isEqualTo(422);
    }
    assertThat(http.get("/api/v1/gates/decisions/abc", auditor).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/gates/decisions/999999", auditor).status()).isEqualTo(404);
    // An explanation altered in the database no longer matches the digest inside the entry.
    ts.testDb
        .db()
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE ledger_entries SET payload = REPLACE(payload, 'allow', 'allow ') WHERE idx = :i")
                    .bind("i", at)
                    .execute());
    Http.Response altered = http.get("/api/v1/gates/decisions/" + id, auditor);
    assertThat(altered.status()).isEqualTo(200);
    assertThat(altered.json().path("explanationMatchesLedger").asBoolean()).isFalse();
    ts.testDb
        .db()
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE ledger_entries SET payload = 'not json' WHERE idx = :i")
                    .bind("i", at)
                    .execute());
    Http.Response unreadable = http.get("/api/v1/gates/decisions/" + id, auditor);
    assertThat(unreadable.status()).as(unreadable.text()).isEqualTo(200);
    assertThat(unreadable.json().path("explanationMatchesLedger").asBoolean()).isFalse();
    assertThat(unreadable.json().path("results").isNull()).isTrue();

    // The staging pass belongs to the digest, not to the service: another build of pay-api has
    // not passed staging, so prod refuses it whatever else holds.
    http.post(
        "/api/v1/services/pay-api/releases",
        ADMIN,
        Map.of("version", "1.1", "digest", "sha256:" + "cd".repeat(32)));
    Http.Response rebuilt =
        http.post(
            "/api/v1/gates/evaluate",
            ci,
            Map.of("service", "pay-api", "version", "1.1", "environment", "prod"));
    assertThat(rebuilt.status()).as(rebuilt.text()).isEqualTo(200);
    assertThat(outcomes(rebuilt.json())).contains("promotion/passed-staging=fail");
    assertThat(rebuilt.json().path("decision").asText()).isEqualTo("deny");
  }

  @Test
  @Order(2)
  void waiversNeedAnotherApproverAReasonAndAnExpiryAndStopApplyingWhenRevokedOrExpired() {
    String security = ts.token("security", "pay");
    String security2 = ts.token("security", "pay");
    String developer = ts.token("developer", "pay");
    String ci = ts.token("ci", "pay");
    // A bundle whose only rule every open finding fails, once it is overdue.
    activate(
        Map.of(
            "overdue.yaml",
            """
            name: overdue
            rules:
              - name: none-overdue
                expression: "!findings.exists(f, f.state == 'open' && f.overdue)"
            """));
    ts.clock.advance(Duration.ofDays(400));
    try {
      JsonNode denied = gate(ci, "dev", 200);
      assertThat(outcomes(denied)).containsExactly("overdue/none-overdue=fail");
      assertThat(denied.path("results").get(0).path("reads").path("findings[].overdue").toString())
          .contains("true");

      String expires = ts.clock.instant().plus(Duration.ofDays(10)).toString();
      Map<String, Object> request =
          new java.util.HashMap<>(
              Map.of(
                  "service",
                  "pay-api",
                  "policy",
                  "overdue",
                  "rule",
                  "none-overdue",
                  "reason",
                  "fix ships next sprint",
                  "expires",
                  expires));
      // Bad waiver requests: no expiry, beyond the maximum, in the past, no reason, unknown field.
      Map<String, Object> noExpiry = new java.util.HashMap<>(request);
      noExpiry.remove("expires");
      assertThat(http.post("/api/v1/waivers", developer, noExpiry).status()).isEqualTo(422);
      Map<String, Object> tooLong = new java.util.HashMap<>(request);
      tooLong.put("expires", ts.clock.instant().plus(Duration.ofDays(31)).toString());
      assertThat(http.post("/api/v1/waivers", developer, tooLong).text())
          .contains("waiver.maxDays");
      Map<String, Object> past = new java.util.HashMap<>(request);
      past.put("expires", ts.clock.instant().minusSeconds(1).toString());
      assertThat(http.post("/api/v1/waivers", developer, past).status()).isEqualTo(422);
      Map<String, Object> noReason = new java.util.HashMap<>(request);
      noReason.remove("reason");
      assertThat(http.post("/api/v1/waivers", developer, noReason).status()).isEqualTo(422);
      Map<String, Object> unknown = new java.util.HashMap<>(request);
      unknown.put("approvedBy", "me");
      assertThat(http.post("/api/v1/waivers", developer, unknown).status()).isEqualTo(422);
      assertThat(http.post("/api/v1/waivers", ci, request).status()).isEqualTo(403);

      Http.Response requested = http.post("/api/v1/waivers", developer, request);
      assertThat(requested.status()).as(requested.text()).isEqualTo(201);
      long id = requested.json().path("id").asLong();
      assertThat(requested.json().path("state").asText()).isEqualTo("requested");
      // Requested is not approved: still denied. A developer cannot approve.
      assertThat(gate(ci, "dev", 200).path("decision").asText()).isEqualTo("deny");
      assertThat(http.post("/api/v1/waivers/" + id + "/approve", developer, Map.of()).status())
          .isEqualTo(403);
      Http.Response approved = http.post("/api/v1/waivers/" + id + "/approve", security, Map.of());
      assertThat(approved.status()).as(approved.text()).isEqualTo(200);
      assertThat(approved.json().path("state").asText()).isEqualTo("approved");

      JsonNode waived = gate(ci, "dev", 200);
      assertThat(waived.path("decision").asText()).isEqualTo("allow");
      assertThat(outcomes(waived)).containsExactly("overdue/none-overdue=waived");
      assertThat(waived.path("waivers").toString()).contains("W-" + id);

      // Separation of duties also for security: no approving one's own request.
      Http.Response own = http.post("/api/v1/waivers", security2, request);
      long ownId = own.json().path("id").asLong();
      assertThat(http.post("/api/v1/waivers/" + ownId + "/approve", security2, Map.of()).status())
          .isEqualTo(403);

      // Revoked: never applies again.
      assertThat(http.post("/api/v1/waivers/" + id + "/revoke", security, Map.of()).status())
          .isEqualTo(422);
      assertThat(
              http.post(
                      "/api/v1/waivers/" + id + "/revoke",
                      security,
                      Map.of("reason", "risk changed"))
                  .status())
          .isEqualTo(200);
      assertThat(gate(ci, "dev", 200).path("decision").asText()).isEqualTo("deny");

      // Expired: a second approved waiver stops applying at its expiry.
      Http.Response second = http.post("/api/v1/waivers", developer, request);
      long secondId = second.json().path("id").asLong();
      http.post("/api/v1/waivers/" + secondId + "/approve", security, Map.of());
      assertThat(gate(ci, "dev", 200).path("decision").asText()).isEqualTo("allow");
      ts.clock.advance(Duration.ofDays(11));
      assertThat(gate(ci, "dev", 200).path("decision").asText()).isEqualTo("deny");
      JsonNode list = http.get("/api/v1/waivers?service=pay-api", developer).json().path("waivers");
      assertThat(list.toString()).contains("\"revoked\"").contains("\"expired\"");
      assertThat(
              http.get("/api/v1/waivers", ts.token("developer", "web"))
                  .json()
                  .path("waivers")
                  .size())
          .isZero();
    } finally {
      ts.clock.advance(Duration.ofDays(-411));
      activate(DemoData.starterPolicies());
    }
  }

  /**
   * A node keeps each release's gate input while its facts are unchanged. After every kind of
   * change a gate reads, the cached answer must equal a fresh one, and differ from the one before.
   */
  @Test
  @Order(3)
  void aCachedGateInputIsNeverStale() throws Exception {
    String ci = ts.token("ci", "pay");
    String security = ts.token("security", "pay");
    gate(ci, "dev", 200);
    String before = gate(ci, "dev", 200).path("inputDigest").asText();
    List<Runnable> changes =
        List.of(
            () -> { // a finding's state (the one GO-2020-0001 finding)
              long id =
                  http.get("/api/v1/services/pay-api/releases/1.0/findings", ADMIN)
                      .json()
                      .path("findings")
                      .get(0)
                      .path("findingId")
                      .asLong();
              Http.Response t =
                  http.post(
                      "/api/v1/findings/" + id + "/transitions",
                      security,
                      Map.of("state", "triaged", "reason", "looking at it"));
              assertThat(t.status()).as(t.text()).isEqualTo(200);
            },
            () -> { // a SAST report
              Http.Response r =
                  http.send(
                      "/api/v1/services/pay-api/releases/1.0/sarif?kind=sast",
                      ci,
                      "POST",
                      "application/json",
                      """
                      {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "codeql"}}, "results": [
                        {"ruleId": "r9", "level": "error", "message": {"text": "sql injection"}}]}]}
                      """
                          .getBytes(StandardCharsets.UTF_8));
              assertThat(r.status()).as(r.text()).isEqualTo(200);
            },
            () -> { // an attestation
              try {
                assertThat(attest(ci, envelope(trusted.getPrivate(), DIGEST).clone()).status())
                    .isIn(200, 201);
                KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                assertThat(attest(ci, envelope(other.getPrivate(), DIGEST)).status())
                    .isEqualTo(201);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            },
            () -> // the service's catalog entry
            assertThat(
                        http.put(
                                "/api/v1/services/pay-api",
                                ADMIN,
                                Map.of("team", "pay", "area", "backend", "criticality", "high"))
                            .status())
                    .isEqualTo(200),
            () -> ts.clock.advance(Duration.ofDays(200)), // SLA due dates pass
            () -> { // the SBOM replaced (admin, forced)
              Http.Response up =
                  http.send(
                      "/api/v1/services/pay-api/releases/1.0/sbom?force=true",
                      ADMIN,
                      "PUT",
                      "application/json",
                      ReleasesContractTestAccess.sbom()
                          .replace("\"vendored\"", "\"vendored2\"")
                          .getBytes(StandardCharsets.UTF_8));
              assertThat(up.status()).as(up.text()).isEqualTo(200);
            });
    try {
      int i = 0;
      for (Runnable change : changes) {
        change.run();
        String cached = gate(ci, "dev", 200).path("inputDigest").asText();
        ts.server.forgetCachedGateInputs();
        String fresh = gate(ci, "dev", 200).path("inputDigest").asText();
        assertThat(cached).as("change %d", i).isEqualTo(fresh);
        assertThat(cached).as("change %d", i).isNotEqualTo(before);
        before = cached;
        i++;
      }
    } finally {
      ts.clock.advance(Duration.ofDays(-200));
    }
  }
}
