package dev.bulwark.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.releases.ReleasesContractTestAccess;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Who may decide what, on both databases: the global policy bundle (admin or unscoped security,
 * activated by a second person), team bundles layered under it, and separation of duties by subject
 * (the person), not by token, for waivers, risk acceptances, bundles and by-hand verdicts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuthorityContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String ALLOW_ALL =
      "name: allow-all\nrules:\n  - name: r\n    expression: 'true'\n"; // repro 1's bundle
  static final String STRICT =
      "name: strict\nrules:\n  - name: no-open\n    expression: \"!findings.exists(f, f.state == 'open')\"\n";

  TestServer ts;
  Http http;
  String leadA; // unscoped security, subject lead-a
  String leadB; // unscoped security, subject lead-b
  String alice; // security of alpha
  String aliceAgain; // alice's second token
  String amy; // security of alpha
  String bob; // security of bravo
  String root2; // a second admin
  String dave; // developer of alpha

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-authority");
    Path osv = Path.of(AuthorityContractTest.class.getResource("/osv").toURI());
    ts = new TestServer(kind(), dir.resolve("data"), c -> c.withOsvSources(List.of(osv)));
    http = ts.http;
    service("alpha-api", "alpha", "low", true);
    service("bravo-api", "bravo", "critical", true);
    service("alpha-clean", "alpha", "low", false);
    service("bravo-clean", "bravo", "low", false);
    leadA = ts.tokenFor("lead-a", "security", "*");
    leadB = ts.tokenFor("lead-b", "security", "*");
    alice = ts.tokenFor("alice", "security", "alpha");
    aliceAgain = ts.tokenFor("alice", "security", "alpha");
    amy = ts.tokenFor("amy", "security", "alpha");
    bob = ts.tokenFor("bob", "security", "bravo");
    root2 = ts.tokenFor("root2", "admin");
    dave = ts.tokenFor("dave", "developer", "alpha");
  }

  @AfterAll
  void stop() {
    if (ts != null) { // null when PostgreSQL is absent and the class was skipped
      ts.close();
    }
  }

  void service(String name, String team, String criticality, boolean sbom) {
    assertThat(
            http.put(
                    "/api/v1/services/" + name,
                    ADMIN,
                    Map.of("team", team, "area", "backend", "criticality", criticality))
                .status())
        .isIn(200, 201);
    http.post(
        "/api/v1/services/" + name + "/releases",
        ADMIN,
        Map.of("version", "1.0", "digest", "sha256:" + "5e".repeat(32)));
    if (sbom) {
      Http.Response up =
          http.send(
              "/api/v1/services/" + name + "/releases/1.0/sbom",
              ADMIN,
              "PUT",
              "application/json",
              ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
      assertThat(up.status()).as(up.text()).isEqualTo(200);
    }
  }

  Http.Response push(String token, String file, String yaml, String team) {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("files", Map.of(file, yaml));
    if (team != null) {
      body.put("team", team);
    }
    return http.post("/api/v1/policies/bundles", token, body);
  }

  static String noProdBravo() {
    return "name: bravo-rules\nrules:\n  - name: no-prod\n    expression: environment != 'prod'\n";
  }

  Http.Response approve(String token, long bundle) {
    return http.post("/api/v1/policies/bundles/" + bundle + "/approve", token, Map.of());
  }

  long pending(Http.Response pushed) {
    assertThat(pushed.status()).as(pushed.text()).isIn(200, 201);
    assertThat(pushed.json().path("status").asText()).isEqualTo("pending");
    return pushed.json().path("id").asLong();
  }

  JsonNode gate(String service, String env) {
    Http.Response r =
        http.post(
            "/api/v1/gates/evaluate",
            ADMIN,
            Map.of("service", service, "version", "1.0", "environment", env));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
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

  /** The after states of the ledger entries of an action, oldest first. */
  List<String> ledgerAfter(String action) {
    return ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT payload FROM ledger_entries WHERE entry LIKE :a ORDER BY idx")
                    .bind("a", "%\"action\":\"" + action + "\"%")
                    .mapTo(String.class)
                    .list());
  }

  long findingId(String service, String vuln) {
    for (JsonNode f :
        http.get("/api/v1/services/" + service + "/releases/1.0/findings", ADMIN)
            .json()
            .path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("findingId").asLong();
      }
    }
    throw new AssertionError("no finding " + vuln + " in " + service);
  }

  String state(String service, String vuln) {
    for (JsonNode f :
        http.get("/api/v1/services/" + service + "/releases/1.0/findings", ADMIN)
            .json()
            .path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("state").asText();
      }
    }
    throw new AssertionError("no finding " + vuln + " in " + service);
  }

  /**
   * Repro 1: alpha's security token pushed an allow-all bundle as the global bundle (201), and
   * bravo's prod gate for a release with open findings then answered allow, and the deployment was
   * recorded. Now a team-scoped principal cannot push the global bundle, and nothing is active
   * until a second person with authority approves it.
   */
  @Test
  @Order(1)
  void theGlobalBundleIsPushedByGlobalAuthorityAndActivatedByASecondPerson() {
    long strict = pending(push(leadA, "strict.yaml", STRICT, null));
    assertThat(
            http.post(
                    "/api/v1/gates/evaluate",
                    ADMIN,
                    Map.of("service", "bravo-api", "version", "1.0", "environment", "prod"))
                .status())
        .as("pending is not active")
        .isEqualTo(409);
    // Approvers: not the pusher, not the pusher's other token, not the admin that minted the
    // pusher's token, not a team-scoped security principal; another unscoped lead may.
    assertThat(approve(leadA, strict).status()).isEqualTo(403);
    assertThat(approve(ts.tokenFor("lead-a", "security", "*"), strict).text())
        .contains("someone other than its pusher");
    assertThat(approve(ADMIN, strict).status()).as("the pusher's token's minter").isEqualTo(403);
    assertThat(approve(alice, strict).status()).isEqualTo(403);
    assertThat(approve(dave, strict).status()).isEqualTo(403);
    Http.Response ok = approve(leadB, strict);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().path("status").asText()).isEqualTo("active");
    assertThat(ok.json().path("pushedSubject").asText()).isEqualTo("lead-a");
    assertThat(ok.json().path("decidedSubject").asText()).isEqualTo("lead-b");
    assertThat(approve(root2, strict).status()).as("active already").isEqualTo(409);
    assertThat(ledgerAfter("policy.activate").get(0))
        .contains("\"pushedSubject\":\"lead-a\"")
        .contains("\"approvedSubject\":\"lead-b\"");

    assertThat(gate("bravo-api", "prod").path("decision").asText()).isEqualTo("deny");

    // The repro: alpha's security pushes allow-all as the global bundle.
    Http.Response repro =
        http.post("/api/v1/policies/bundles", alice, Map.of("files", Map.of("a.yaml", ALLOW_ALL)));
    assertThat(repro.status()).as(repro.text()).isEqualTo(403);
    assertThat(repro.text()).contains("admin or unscoped security");
    JsonNode bravo = gate("bravo-api", "prod");
    assertThat(bravo.path("decision").asText()).isEqualTo("deny");
    assertThat(
            http.post(
                    "/api/v1/deployments",
                    ts.token("ci", "bravo"),
                    Map.of("service", "bravo-api", "version", "1.0", "environment", "prod"))
                .status())
        .isEqualTo(409);

    // Who may push the global bundle: admin and unscoped security; nobody else.
    assertThat(push(dave, "a.yaml", ALLOW_ALL, null).status()).isEqualTo(403);
    assertThat(push(ts.token("ci", "alpha"), "a.yaml", ALLOW_ALL, null).status()).isEqualTo(403);
    assertThat(push(bob, "a.yaml", ALLOW_ALL, null).status()).isEqualTo(403);
    long byAdmin = pending(push(ADMIN, "a.yaml", ALLOW_ALL, null));
    assertThat(approve(alice, byAdmin).status()).isEqualTo(403);
    assertThat(approve(ts.tokenFor("admin", "security", "*"), byAdmin).status())
        .as("the admin's own subject through another token")
        .isEqualTo(403);
    assertThat(approve(leadA, byAdmin).status())
        .as("the admin minted lead-a's token")
        .isEqualTo(403);
    // A rejection needs a reason and ends the request; the gate is unchanged.
    assertThat(
            http.post("/api/v1/policies/bundles/" + byAdmin + "/reject", root2, Map.of()).status())
        .isEqualTo(422);
    Http.Response rejected =
        http.post(
            "/api/v1/policies/bundles/" + byAdmin + "/reject",
            root2,
            Map.of("reason", "allows everything"));
    assertThat(rejected.status()).as(rejected.text()).isEqualTo(200);
    assertThat(rejected.json().path("status").asText()).isEqualTo("rejected");
    assertThat(approve(root2, byAdmin).status())
        .as("every token here was minted by the admin that pushed it")
        .isEqualTo(403);
    assertThat(gate("bravo-api", "prod").path("decision").asText()).isEqualTo("deny");
    assertThat(ledgerAfter("policy.reject").get(0)).contains("\"rejectedSubject\":\"root2\"");

    // A second admin (another subject, not the pusher's minter) may approve an unscoped lead's.
    long byLead = pending(push(leadB, "strict.yaml", STRICT + "# v2\n", null));
    Http.Response second = approve(root2, byLead);
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    JsonNode listed = http.get("/api/v1/policies/bundles", alice).json().path("bundles");
    assertThat(listed.toString())
        .contains("\"status\":\"superseded\"")
        .contains("\"status\":\"rejected\"")
        .contains("\"pushedSubject\":\"lead-b\"");
  }

  /**
   * Team bundles: pushed by the team's security, approved by another of the team's (or global
   * authority), applied to the team's services only, and layered under the global bundle: a team
   * rule that shadows a global one by name never turns its failure into a pass.
   */
  @Test
  @Order(2)
  void teamBundlesApplyToTheirTeamOnlyAndNeverWaiveAGlobalRule() {
    String shadow = "name: strict\nrules:\n  - name: no-open\n    expression: 'true'\n";
    assertThat(push(alice, "s.yaml", shadow, "bravo").status()).isEqualTo(403);
    assertThat(push(dave, "s.yaml", shadow, "alpha").status()).isEqualTo(403);
    assertThat(push(alice, "s.yaml", shadow, "Not A Team").status()).isEqualTo(422);
    long team = pending(push(alice, "s.yaml", shadow, "alpha"));
    assertThat(approve(alice, team).status()).isEqualTo(403);
    assertThat(approve(aliceAgain, team).status()).as("alice's second token").isEqualTo(403);
    assertThat(approve(bob, team).status()).as("bravo does not see it").isEqualTo(404);
    Http.Response ok = approve(amy, team);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().path("team").asText()).isEqualTo("alpha");

    JsonNode alpha = gate("alpha-api", "prod");
    assertThat(alpha.path("decision").asText()).isEqualTo("deny");
    assertThat(outcomes(alpha)).contains("strict/no-open=fail", "alpha:strict/no-open=pass");
    assertThat(alpha.path("teamBundle").asText()).startsWith("sha256:");
    JsonNode bravo = gate("bravo-api", "prod");
    assertThat(outcomes(bravo)).containsExactly("strict/no-open=fail");
    assertThat(bravo.has("teamBundle")).isFalse();

    // Global authority may push a team's bundle too; the team's security (another person) or an
    // admin that did not mint the pusher's token decides it.
    long forBravo = pending(push(leadA, "b.yaml", noProdBravo(), "bravo"));
    assertThat(approve(alice, forBravo).status()).as("alpha does not see it").isEqualTo(404);
    assertThat(approve(ADMIN, forBravo).status()).as("minted lead-a's token").isEqualTo(403);
    Http.Response no =
        http.post(
            "/api/v1/policies/bundles/" + forBravo + "/reject", bob, Map.of("reason", "not now"));
    assertThat(no.status()).as(no.text()).isEqualTo(200);
    long byRoot = pending(push(root2, "b.yaml", noProdBravo(), "bravo"));
    assertThat(approve(ts.tokenFor("root2", "security", "bravo"), byRoot).status()).isEqualTo(403);
    assertThat(
            http.post(
                    "/api/v1/policies/bundles/" + byRoot + "/reject",
                    root2,
                    Map.of("reason", "withdrawn"))
                .status())
        .as("a pusher may withdraw its own")
        .isEqualTo(200);
    assertThat(gate("bravo-clean", "prod").path("decision").asText()).isEqualTo("allow");

    // A team bundle adds rules: alpha's services are held to them, bravo's are not.
    assertThat(gate("alpha-clean", "prod").path("decision").asText()).isEqualTo("allow");
    String noProd =
        "name: alpha-rules\nrules:\n  - name: no-prod\n    expression: environment != 'prod'\n";
    long rules = pending(push(amy, "r.yaml", noProd, "alpha"));
    assertThat(approve(leadA, rules).status()).as("global authority may approve").isEqualTo(200);
    JsonNode clean = gate("alpha-clean", "prod");
    assertThat(clean.path("decision").asText()).isEqualTo("deny");
    assertThat(outcomes(clean)).contains("alpha:alpha-rules/no-prod=fail");
    assertThat(gate("alpha-clean", "staging").path("decision").asText()).isEqualTo("allow");
    assertThat(gate("bravo-clean", "prod").path("decision").asText()).isEqualTo("allow");

    // A waiver of the team rule names it with its team; it waives that rule and nothing else.
    String expires = ts.clock.instant().plus(Duration.ofDays(5)).toString();
    Http.Response w =
        http.post(
            "/api/v1/waivers",
            dave,
            Map.of(
                "service", "alpha-clean",
                "policy", "alpha:alpha-rules",
                "rule", "no-prod",
                "reason", "launch",
                "expires", expires));
    assertThat(w.status()).as(w.text()).isEqualTo(201);
    assertThat(
            http.post("/api/v1/waivers/" + w.json().path("id").asLong() + "/approve", amy, Map.of())
                .status())
        .isEqualTo(200);
    JsonNode waived = gate("alpha-clean", "prod");
    assertThat(waived.path("decision").asText()).isEqualTo("allow");
    assertThat(outcomes(waived)).contains("alpha:alpha-rules/no-prod=waived");
    Http.Response other =
        http.post(
            "/api/v1/waivers",
            dave,
            Map.of(
                "service", "alpha-api",
                "policy", "alpha:strict",
                "rule", "no-open",
                "reason", "a team waiver aimed at the global rule",
                "expires", expires));
    http.post("/api/v1/waivers/" + other.json().path("id").asLong() + "/approve", amy, Map.of());
    assertThat(
            http.post(
                    "/api/v1/waivers",
                    dave,
                    Map.of(
                        "service", "alpha-api",
                        "policy", "bravo:strict",
                        "rule", "no-open",
                        "reason", "another team's layer",
                        "expires", expires))
                .status())
        .isEqualTo(422);
    assertThat(outcomes(gate("alpha-api", "prod"))).contains("strict/no-open=fail");
    assertThat(ledgerAfter("gate.decision").get(ledgerAfter("gate.decision").size() - 1))
        .contains("strict/no-open");
  }

  /**
   * Repro 5: separation of duties was per token. A requester approved their own waiver and risk
   * acceptance with a second token of their own, and an admin approved its own waiver through a
   * security token it minted itself.
   */
  @Test
  @Order(3)
  void separationOfDutiesComparesPeopleNotTokens() {
    String expires = ts.clock.instant().plus(Duration.ofDays(5)).toString();
    Map<String, Object> waiver =
        Map.of(
            "service", "alpha-api",
            "policy", "strict",
            "rule", "no-open",
            "reason", "fix ships friday",
            "expires", expires);
    Http.Response requested = http.post("/api/v1/waivers", alice, waiver);
    assertThat(requested.status()).as(requested.text()).isEqualTo(201);
    assertThat(requested.json().path("requestedSubject").asText()).isEqualTo("alice");
    String path = "/api/v1/waivers/" + requested.json().path("id").asLong() + "/approve";
    Http.Response own = http.post(path, aliceAgain, Map.of());
    assertThat(own.status()).as(own.text()).isEqualTo(403);
    assertThat(own.text()).contains("someone other than its requester");
    Http.Response byAmy = http.post(path, amy, Map.of());
    assertThat(byAmy.status()).as(byAmy.text()).isEqualTo(200);
    assertThat(byAmy.json().path("approvedSubject").asText()).isEqualTo("amy");

    long finding = findingId("alpha-api", "GO-2022-0493");
    Http.Response risk =
        http.post(
            "/api/v1/findings/" + finding + "/risk-acceptance",
            aliceAgain,
            Map.of(
                "reason",
                "not reachable",
                "expiresAt",
                ts.clock.instant().plus(Duration.ofDays(30)).toString()));
    assertThat(risk.status()).as(risk.text()).isEqualTo(201);
    String riskPath =
        "/api/v1/risk-acceptances/" + risk.json().path("request").asLong() + "/approve";
    assertThat(http.post(riskPath, alice, Map.of()).status()).isEqualTo(403);
    assertThat(http.post(riskPath, amy, Map.of()).status()).isEqualTo(200);
    assertThat(ledgerAfter("finding.risk_accepted").get(0))
        .contains("\"requestedSubject\":\"alice\"")
        .contains("\"approvedSubject\":\"amy\"");

    // An admin mints itself a security token: by default it stands for the admin.
    Http.Response minted =
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of("name", "my sec", "role", "security", "teams", List.of("alpha")));
    assertThat(minted.status()).as(minted.text()).isEqualTo(201);
    assertThat(minted.json().path("subject").asText()).isEqualTo("admin");
    String mine = minted.json().path("token").asText();
    Http.Response adminWaiver = http.post("/api/v1/waivers", ADMIN, waiver);
    assertThat(adminWaiver.status()).as(adminWaiver.text()).isEqualTo(201);
    assertThat(
            http.post(
                    "/api/v1/waivers/" + adminWaiver.json().path("id").asLong() + "/approve",
                    mine,
                    Map.of())
                .status())
        .isEqualTo(403);
    // Nor for a subject it names: whoever minted a token does not approve what it requests.
    String mallory = ts.tokenFor("mallory", "security", "alpha");
    Http.Response viaMallory = http.post("/api/v1/waivers", mallory, waiver);
    String malloryPath = "/api/v1/waivers/" + viaMallory.json().path("id").asLong() + "/approve";
    assertThat(http.post(malloryPath, ADMIN, Map.of()).status()).isEqualTo(403);
    assertThat(http.post(malloryPath, amy, Map.of()).status()).isEqualTo(200);

    // Subjects are shown in listings, compared case-folded, and the server's names are reserved.
    JsonNode tokens = http.get("/api/v1/tokens", ADMIN).json().path("tokens");
    assertThat(tokens.toString())
        .contains("\"subject\":\"admin\"")
        .contains("\"subject\":\"mallory\"")
        .contains("\"mintedBy\":\"admin\"");
    String amyUpper = ts.tokenFor("AMY", "security", "alpha");
    Http.Response third = http.post("/api/v1/waivers", amy, waiver);
    assertThat(
            http.post(
                    "/api/v1/waivers/" + third.json().path("id").asLong() + "/approve",
                    amyUpper,
                    Map.of())
                .status())
        .isEqualTo(403);
    // Organization-wide security is explicit: "*" alone, on a security token only.
    for (Map<String, Object> bad :
        List.<Map<String, Object>>of(
            Map.of("name", "n", "role", "security", "teams", List.of()),
            Map.of("name", "n", "role", "security"),
            Map.of("name", "n", "role", "ci", "teams", List.of("*")),
            Map.of("name", "n", "role", "security", "teams", List.of("*", "alpha")))) {
      assertThat(http.post("/api/v1/tokens", ADMIN, bad).status()).as("%s", bad).isEqualTo(422);
    }
    for (String reserved : List.of("token:tok_bootstrap", "system", " ", "x".repeat(201))) {
      assertThat(
              http.post(
                      "/api/v1/tokens",
                      ADMIN,
                      Map.of(
                          "name",
                          "n",
                          "role",
                          "ci",
                          "teams",
                          List.of("alpha"),
                          "subject",
                          reserved))
                  .status())
          .as(reserved)
          .isEqualTo(422);
    }
  }

  /**
   * From repro 11: one developer alone marked a finding not_affected team-wide. A team-wide
   * verdict, and not_affected or fixed by hand on a high or critical service, wait for a second
   * person.
   */
  @Test
  @Order(4)
  void byHandVerdictsThatReachFarNeedASecondPerson() {
    long gin = findingId("alpha-api", "GO-2020-0001");
    Http.Response teamWide =
        http.post(
            "/api/v1/findings/" + gin + "/transitions",
            dave,
            Map.of(
                "state", "not_affected",
                "reason", "we never use the logger",
                "justification", "code_not_reachable",
                "scope", "team"));
    assertThat(teamWide.status()).as(teamWide.text()).isEqualTo(202);
    assertThat(teamWide.json().path("status").asText()).isEqualTo("pending");
    assertThat(state("alpha-api", "GO-2020-0001")).as("pending is not a verdict").isEqualTo("open");
    String approvePath =
        "/api/v1/transition-requests/" + teamWide.json().path("request").asLong() + "/approve";
    assertThat(http.post(approvePath, dave, Map.of()).status())
        .as("a developer approves nothing")
        .isEqualTo(403);
    assertThat(http.post(approvePath, ts.tokenFor("dave", "security", "alpha"), Map.of()).status())
        .as("dave's own security token")
        .isEqualTo(403);
    assertThat(http.post(approvePath, bob, Map.of()).status()).isEqualTo(404);
    Http.Response ok = http.post(approvePath, amy, Map.of());
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(state("alpha-api", "GO-2020-0001")).isEqualTo("not_affected");
    assertThat(http.post(approvePath, alice, Map.of()).status()).isEqualTo(409);
    assertThat(ledgerAfter("finding.not_affected").get(0))
        .contains("\"requestedSubject\":\"dave\"")
        .contains("\"approvedSubject\":\"amy\"");

    // On a low service, a release-scoped verdict by one person stands at once.
    long sys = findingId("alpha-api", "GO-2022-0493");
    Http.Response direct =
        http.post(
            "/api/v1/findings/" + sys + "/transitions",
            dave,
            Map.of("state", "fixed", "reason", "patched in place"));
    assertThat(direct.status()).as(direct.text()).isEqualTo(200);

    // On a critical service, fixed and not_affected by hand wait; a rejection leaves it open.
    String bert = ts.tokenFor("bert", "developer", "bravo");
    long bravoGin = findingId("bravo-api", "GO-2020-0001");
    Http.Response fixed =
        http.post(
            "/api/v1/findings/" + bravoGin + "/transitions",
            bert,
            Map.of("state", "fixed", "reason", "upgraded"));
    assertThat(fixed.status()).as(fixed.text()).isEqualTo(202);
    String rejectPath =
        "/api/v1/transition-requests/" + fixed.json().path("request").asLong() + "/reject";
    assertThat(http.post(rejectPath, bob, Map.of()).status()).isEqualTo(422);
    assertThat(http.post(rejectPath, bob, Map.of("reason", "still in the SBOM")).status())
        .isEqualTo(200);
    assertThat(state("bravo-api", "GO-2020-0001")).isEqualTo("open");
    Http.Response again =
        http.post(
            "/api/v1/findings/" + bravoGin + "/transitions",
            bert,
            Map.of(
                "state",
                "not_affected",
                "reason",
                "logger unused",
                "justification",
                "code_not_reachable"));
    assertThat(again.status()).isEqualTo(202);
    // Reviewers find what waits for them, in their scope only.
    JsonNode waiting =
        http.get("/api/v1/transition-requests?status=pending", bob).json().path("requests");
    assertThat(waiting).hasSize(1);
    assertThat(waiting.get(0).path("id").asLong()).isEqualTo(again.json().path("request").asLong());
    assertThat(waiting.get(0).path("requestedSubject").asText()).isEqualTo("bert");
    assertThat(waiting.get(0).path("service").asText()).isEqualTo("bravo-api");
    assertThat(
            http.get("/api/v1/transition-requests?status=pending", alice)
                .json()
                .path("requests")
                .size())
        .isZero();
    assertThat(http.get("/api/v1/transition-requests?status=maybe", bob).status()).isEqualTo(422);
    String againPath =
        "/api/v1/transition-requests/" + again.json().path("request").asLong() + "/approve";
    assertThat(http.post(againPath, ts.tokenFor("bert", "security", "bravo"), Map.of()).status())
        .isEqualTo(403);
    assertThat(http.post(againPath, bob, Map.of()).status()).isEqualTo(200);
    assertThat(state("bravo-api", "GO-2020-0001")).isEqualTo("not_affected");
    assertThat(http.post("/api/v1/transition-requests/999999/approve", bob, Map.of()).status())
        .isEqualTo(404);

    // VEX on a critical service comes from security, not from one developer.
    String vex =
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/9",
         "author": "bravo", "timestamp": "2026-11-01T00:00:00Z", "version": 1,
         "statements": [{"vulnerability": "GO-2022-0493", "products": ["pkg:golang/golang.org/x/sys"],
           "status": "not_affected", "justification": "vulnerable_code_not_present"}]}
        """;
    Http.Response byDev =
        http.send(
            "/api/v1/services/bravo-api/vex",
            bert,
            "POST",
            "application/json",
            vex.getBytes(StandardCharsets.UTF_8));
    assertThat(byDev.status()).as(byDev.text()).isEqualTo(403);
    assertThat(state("bravo-api", "GO-2022-0493")).isEqualTo("open");
    Http.Response bySec =
        http.send(
            "/api/v1/services/bravo-api/vex",
            bob,
            "POST",
            "application/json",
            vex.getBytes(StandardCharsets.UTF_8));
    assertThat(bySec.status()).as(bySec.text()).isEqualTo(200);
  }

  /** findings.secondPersonCriticalities = none: one person's verdicts stand, as before. */
  @Test
  @Order(5)
  void theSecondPersonRuleCanBeTurnedOff() throws Exception {
    Path osv = Path.of(AuthorityContractTest.class.getResource("/osv").toURI());
    try (TestServer off =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-authority-off").resolve("data"),
            c -> c.withOsvSources(List.of(osv)).withSecondPersonCriticalities(List.of()))) {
      TestServer main = ts;
      ts = off;
      http = off.http;
      try {
        service("crit-api", "crit", "critical", true);
        long gin = findingId("crit-api", "GO-2020-0001");
        Http.Response r =
            http.post(
                "/api/v1/findings/" + gin + "/transitions",
                ts.token("developer", "crit"),
                Map.of(
                    "state", "not_affected",
                    "reason", "logger unused",
                    "justification", "code_not_reachable",
                    "scope", "team"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(state("crit-api", "GO-2020-0001")).isEqualTo("not_affected");
      } finally {
        ts = main;
        http = main.http;
      }
    }
  }
}
