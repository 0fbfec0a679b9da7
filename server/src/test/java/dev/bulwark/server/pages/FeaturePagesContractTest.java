package dev.bulwark.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.testing.ConsoleHttp;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The feature pages of the console over real HTTP on both databases: the service page (releases,
 * findings with filters, SLA, VEX, upgrade plan, diff), triage and risk acceptance through its
 * forms under the API's rules, gate decisions with their rules, what runs where, waivers requested
 * by one person and approved by another, tokens for admins, the permission of every form, the team
 * scope, and markup in stored fields rendered inert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FeaturePagesContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DIGEST_1 = PagesFixture.DIGEST_1;
  static final String DIGEST_2 = PagesFixture.DIGEST_2;
  static final String HOSTILE = "<script>alert(1)</script>";

  abstract TestDatabases.Kind kind();

  TestServer ts;
  Http http;
  ConsoleHttp web;
  String developer;
  String developer2;
  String security;
  String auditor;
  String otherTeam;
  String ci;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-pages");
    ts = new TestServer(kind(), dir, PagesFixture::configure);
    http = ts.http;
    web = new ConsoleHttp(ts.server.port());
    PagesFixture.People p = PagesFixture.seed(ts);
    developer = p.developer();
    developer2 = p.developer2();
    security = p.security();
    auditor = p.auditor();
    otherTeam = p.otherTeam();
    ci = p.ci();
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  /** The finding id of a vulnerability in a release, from the API. */
  long findingId(String service, String version, String vuln) {
    Http.Response r =
        http.get("/api/v1/services/" + service + "/releases/" + version + "/findings", ADMIN);
    for (JsonNode f : r.json().path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("findingId").asLong();
      }
    }
    throw new AssertionError("no finding " + vuln + " in " + r.text());
  }

  String state(String service, String version, String vuln) {
    Http.Response r =
        http.get("/api/v1/services/" + service + "/releases/" + version + "/findings", ADMIN);
    for (JsonNode f : r.json().path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("state").asText();
      }
    }
    throw new AssertionError("no finding " + vuln);
  }

  @Test
  void theServicePageShowsReleasesFindingsSlaVexPlanAndDiff() {
    ConsoleHttp.Session s = web.signIn(developer);
    ConsoleHttp.Page p = web.get("/services/pay-api?release=1.1&against=1.0", s);
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    String b = p.body();
    assertThat(b).contains("<h1>pay-api</h1>").contains("critical");
    // Both releases, newest first, with their digests.
    assertThat(b.indexOf(DIGEST_2)).isPositive().isLessThan(b.indexOf(DIGEST_1));
    // 1.1 still has the x/sys finding, with its SLA date; gin was upgraded past GO-2020-0001.
    assertThat(section(b, "findings")).contains("GO-2022-0493").doesNotContain("GO-2020-0001");
    assertThat(section(b, "findings")).containsPattern("\\d{4}-\\d{2}-\\d{2}");
    assertThat(section(b, "plan")).contains("golang.org/x/sys");
    assertThat(section(b, "diff"))
        .contains("1.0 → 1.1")
        .contains("v1.4.0 → v1.6.0")
        .contains("GO-2020-0001");
  }

  @Test
  void findingFiltersNarrowTheListAndRefuseUnknownValues() {
    ConsoleHttp.Session s = web.signIn(developer);
    String open = web.get("/services/pay-api?release=1.0&state=open", s).body();
    assertThat(section(open, "findings")).contains("GO-2020-0001");
    String critical = web.get("/services/pay-api?release=1.0&severity=critical", s).body();
    assertThat(section(critical, "findings")).contains("0 of 2 findings");
    ConsoleHttp.Page bad = web.get("/services/pay-api?severity=%3Cb%3E", s);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("severity").doesNotContain("<b>");
  }

  @Test
  void anotherTeamsServiceIsNotFound() {
    ConsoleHttp.Session s = web.signIn(otherTeam);
    assertThat(web.get("/services/pay-api", s).status()).isEqualTo(404);
    assertThat(web.get("/deployments", s).body()).doesNotContain("pay-api");
    assertThat(web.get("/gates", s).body()).doesNotContain("pay-api");
  }

  @Test
  void aDeveloperTriagesAFindingThroughTheFormAndSeesTheResult() {
    long id = findingId("pay-api", "1.0", "GO-2022-0493");
    ConsoleHttp.Session s = web.signIn(developer);
    ConsoleHttp.Page r =
        web.post(
            "/findings/" + id + "/transition",
            s,
            Map.of(
                "state",
                "affected",
                "reason",
                "reachable from the payment path",
                "service",
                "pay-api",
                "release",
                "1.0"));
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    assertThat(r.header("Location"))
        .isEqualTo("/services/pay-api?release=1.0&done=transition#finding-" + id);
    assertThat(state("pay-api", "1.0", "GO-2022-0493")).isEqualTo("affected");
    String page = web.get("/services/pay-api?release=1.0&done=transition", s).body();
    assertThat(page).contains("The finding's state was changed.");
    assertThat(row(page, "finding-" + id)).contains("affected").contains("reachable from");
    // The VEX statement follows the verdict, as the CycloneDX export writes it.
    assertThat(section(page, "vex")).contains("GO-2022-0493").contains("exploitable");
    // The same state table as the API: a confirmed verdict is not erased back to open.
    ConsoleHttp.Page back =
        web.post(
            "/findings/" + id + "/transition",
            s,
            Map.of("state", "open", "reason", "oops", "service", "pay-api", "release", "1.0"));
    assertThat(back.status()).isEqualTo(409);
    assertThat(back.body()).contains("cannot become open");
  }

  @Test
  void aTriageWithoutItsReasonIsRefusedAndNothingChanges() {
    long id = findingId("pay-api", "1.1", "GO-2022-0493");
    String before = state("pay-api", "1.1", "GO-2022-0493");
    ConsoleHttp.Session s = web.signIn(developer);
    ConsoleHttp.Page r =
        web.post(
            "/findings/" + id + "/transition",
            s,
            Map.of("state", "triaged", "reason", " ", "service", "pay-api"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.body()).contains("reason");
    assertThat(state("pay-api", "1.1", "GO-2022-0493")).isEqualTo(before);
  }

  @Test
  void aFormWithoutItsCsrfTokenIsRefused() {
    long id = findingId("pay-api", "1.1", "GO-2022-0493");
    ConsoleHttp.Session s = web.signIn(developer);
    ConsoleHttp.Page r =
        web.post(
            "/findings/" + id + "/transition",
            s.cookieHeader(),
            Map.of("state", "triaged", "reason", "no token", "_csrf", "forged"));
    assertThat(r.status()).isEqualTo(403);
  }

  @Test
  void formsRefuseCallersWithoutTheirPermission() {
    long id = findingId("pay-api", "1.0", "GO-2020-0001");
    ConsoleHttp.Session audit = web.signIn(auditor);
    ConsoleHttp.Page r =
        web.post(
            "/findings/" + id + "/transition",
            audit,
            Map.of("state", "triaged", "reason", "looked", "service", "pay-api"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(state("pay-api", "1.0", "GO-2020-0001")).isNotEqualTo("triaged");
    // The auditor sees the page, without the forms it may not use.
    String page = web.get("/services/pay-api?release=1.0", audit).body();
    assertThat(page).contains("GO-2020-0001").doesNotContain("/transition\"");
    ConsoleHttp.Session dev = web.signIn(developer);
    assertThat(web.get("/tokens", dev).status()).isEqualTo(403);
    assertThat(web.post("/tokens", dev, Map.of("name", "x", "role", "admin")).status())
        .isEqualTo(403);
    assertThat(web.post("/waivers/1/approve", dev, Map.of()).status()).isEqualTo(403);
  }

  @Test
  void aRiskAcceptanceIsRequestedByOneAndApprovedByAnother() {
    long id = findingId("pay-api", "1.0", "GO-2020-0001");
    ConsoleHttp.Session dev = web.signIn(developer);
    ConsoleHttp.Page r =
        web.post(
            "/findings/" + id + "/risk-acceptance",
            dev,
            Map.of(
                "reason",
                "only internal callers",
                "expires",
                "2027-01-15",
                "service",
                "pay-api",
                "release",
                "1.0"));
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    ConsoleHttp.Session sec = web.signIn(security);
    String page = web.get("/services/pay-api?release=1.0", sec).body();
    Matcher m =
        Pattern.compile("id=\"risk-request-(\\d+)\"").matcher(section(page, "risk-requests"));
    assertThat(m.find()).as(page).isTrue();
    String request = m.group(1);
    assertThat(row(page, "risk-request-" + request))
        .contains("only internal callers")
        .contains("dana");
    ConsoleHttp.Page ok =
        web.post(
            "/risk-acceptances/" + request + "/approve",
            sec,
            Map.of("service", "pay-api", "release", "1.0"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(303);
    assertThat(state("pay-api", "1.0", "GO-2020-0001")).isEqualTo("risk_accepted");
  }

  @Test
  void aRiskAcceptanceIsNotApprovedByItsRequester() {
    long id = findingId("pay-api", "1.1", "GO-2022-0493");
    ConsoleHttp.Session sec = web.signIn(security);
    assertThat(
            web.post(
                    "/findings/" + id + "/risk-acceptance",
                    sec,
                    Map.of("reason", "mine", "expires", "2027-01-10", "service", "pay-api"))
                .status())
        .isEqualTo(303);
    String page = web.get("/services/pay-api?release=1.1", sec).body();
    Matcher m = Pattern.compile("id=\"risk-request-(\\d+)\"").matcher(page);
    String request = null;
    while (m.find()) {
      if (row(page, "risk-request-" + m.group(1)).contains("mine")) {
        request = m.group(1);
      }
    }
    assertThat(request).as(page).isNotNull();
    ConsoleHttp.Page self =
        web.post("/risk-acceptances/" + request + "/approve", sec, Map.of("service", "pay-api"));
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.body()).contains("someone other than its requester");
    ConsoleHttp.Page badDate =
        web.post(
            "/findings/" + id + "/risk-acceptance",
            sec,
            Map.of("reason", "x", "expires", "soon", "service", "pay-api"));
    assertThat(badDate.status()).isEqualTo(422);
  }

  @Test
  void aWaiverIsRequestedByOnePersonAndApprovedByAnother() {
    ConsoleHttp.Session dev = web.signIn(developer2);
    ConsoleHttp.Page r =
        web.post(
            "/waivers",
            dev,
            Map.of(
                "service", "pay-api",
                "policy", "sbom",
                "rule", "no-unknown",
                "reason", "tracked in PAY-42",
                "expires", "2026-12-20"));
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    String id = r.header("Location").replaceAll(".*#waiver-", "");
    ConsoleHttp.Session sec = web.signIn(security);
    assertThat(row(web.get("/waivers", sec).body(), "waiver-" + id))
        .contains("requested")
        .contains("dev-two");
    ConsoleHttp.Page ok = web.post("/waivers/" + id + "/approve", sec, Map.of());
    assertThat(ok.status()).as(ok.body()).isEqualTo(303);
    String row = row(web.get("/waivers", dev).body(), "waiver-" + id);
    assertThat(row).contains("approved").contains("sam");
    Http.Response api = http.get("/api/v1/waivers?service=pay-api", ADMIN);
    assertThat(api.text()).contains("\"state\":\"approved\"");
  }

  @Test
  void aWaiverIsNotApprovedByItsRequester() {
    ConsoleHttp.Session sec = web.signIn(security);
    ConsoleHttp.Page r =
        web.post(
            "/waivers",
            sec,
            Map.of(
                "service", "pay-api",
                "policy", "sbom",
                "rule", "sbom-required",
                "reason", "self",
                "expires", "2026-12-20"));
    assertThat(r.status()).isEqualTo(303);
    String id = r.header("Location").replaceAll(".*#waiver-", "");
    ConsoleHttp.Page self = web.post("/waivers/" + id + "/approve", sec, Map.of());
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.body()).contains("someone other than its requester");
    ConsoleHttp.Page missing =
        web.post("/waivers", sec, Map.of("service", "pay-api", "expires", "tomorrow"));
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body()).contains("policy").contains("reason");
  }

  @Test
  void gateDecisionsListAndExplainRuleByRule() {
    ConsoleHttp.Session s = web.signIn(developer);
    String list = web.get("/gates?service=pay-api", s).body();
    Matcher m = Pattern.compile("href=\"/gates/(\\d+)\"").matcher(list);
    assertThat(m.find()).as(list).isTrue();
    ConsoleHttp.Page d = web.get("/gates/" + m.group(1), s);
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.body())
        .contains("allow")
        .contains("sbom-required")
        .contains("no-unknown")
        .contains("findings of unknown severity are open")
        .contains("matches the digest in that entry")
        .contains(DIGEST_2);
    assertThat(web.get("/gates/999999", s).status()).isEqualTo(404);
    assertThat(web.get("/gates/abc", s).status()).isEqualTo(404);
    assertThat(web.get("/gates?environment=nowhere", s).status()).isEqualTo(422);
  }

  @Test
  void whatRunsWhereShowsTheDeployedDigestPerEnvironment() {
    ConsoleHttp.Session s = web.signIn(developer);
    String b = web.get("/deployments", s).body();
    assertThat(b).contains("<th>dev</th>").contains("<th>prod</th>");
    assertThat(row(b, null, "pay-api")).contains("1.1").contains(DIGEST_2.substring(0, 19));
  }

  static final Pattern WIDGET =
      Pattern.compile(
          "<a href=\"/ledger\\?entry=(\\d+)\" class=\"ledger-entry\" data-ledger-entry=\"(\\d+)\""
              + " data-ledger-label=\"([a-z ]+)\">([a-z ]+) is entry (\\d+) of the ledger</a>");

  /** The index of the widget with this label on the page; fails unless it is well formed. */
  static long widget(String body, String label) {
    Matcher m = WIDGET.matcher(body);
    while (m.find()) {
      if (m.group(3).equals(label)) {
        assertThat(m.group(1)).isEqualTo(m.group(2)).isEqualTo(m.group(5));
        assertThat(m.group(4)).isEqualTo(label);
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no widget '" + label + "' in " + body);
  }

  /** The canonical JSON of the ledger entry at an index. */
  String ledgerEntry(long index) {
    return ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT entry FROM ledger_entries WHERE idx = :i")
                    .bind("i", index)
                    .mapTo(String.class)
                    .one());
  }

  /** Sets the ledger index of the deployment row that has {@code from} to {@code to}. */
  int setDeploymentLedgerIndex(Long from, Long to) {
    return ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createUpdate(
                        from == null
                            ? "UPDATE deployments SET ledger_index = :to WHERE ledger_index IS NULL"
                            : "UPDATE deployments SET ledger_index = :to WHERE ledger_index = :from")
                    .bind("from", from)
                    .bind("to", to)
                    .execute());
  }

  @Test
  void ledgeredThingsNameTheirEntryAndLedgerReadersGetItsProof() {
    ConsoleHttp.Session aud = web.signIn(auditor);
    ConsoleHttp.Session dev = web.signIn(developer);
    // The gate decision: the entry is the decision's own.
    String list = web.get("/gates?service=pay-api", aud).body();
    Matcher m = Pattern.compile("href=\"/gates/(\\d+)\"").matcher(list);
    assertThat(m.find()).as(list).isTrue();
    String page = web.get("/gates/" + m.group(1), aud).body();
    long decision = widget(page, "this decision");
    assertThat(page).contains("<script type=\"module\" src=\"/static/ledger-proof.js");
    assertThat(ledgerEntry(decision))
        .contains("\"action\":\"gate.decision\"")
        .contains("\"digest\":\"" + DIGEST_2 + "\"");
    // A reader without LEDGER_READ sees the entry named, with neither a link nor a check.
    String plain = web.get("/gates/" + m.group(1), dev).body();
    assertThat(plain)
        .contains(
            "<span class=\"ledger-entry\">this decision is entry "
                + decision
                + " of the ledger</span>")
        .doesNotContain("data-ledger-entry");
    // The list links each decision's entry to the ledger page, which proves it, for ledger
    // readers only.
    assertThat(row(list, "decision-" + m.group(1)))
        .contains("<a href=\"/ledger?entry=" + decision + "\"");
    assertThat(row(web.get("/gates?service=pay-api", dev).body(), "decision-" + m.group(1)))
        .contains("entry " + decision)
        .doesNotContain("/ledger?entry=");

    // What runs where: the deployment's entry; a row from before V22 without one says so.
    long deployment = widget(web.get("/deployments", aud).body(), "this deployment");
    assertThat(ledgerEntry(deployment))
        .contains("\"action\":\"deployment.record\"")
        .contains("\"environment\":\"dev\"");
    assertThat(setDeploymentLedgerIndex(deployment, null))
        .as("the deployment row of entry " + deployment)
        .isEqualTo(1);
    try {
      String old = web.get("/deployments", aud).body();
      assertThat(row(old, null, "pay-api"))
          .contains("this deployment is not on the ledger")
          .doesNotContain("data-ledger-entry");
    } finally {
      setDeploymentLedgerIndex(null, deployment);
    }

    // A waiver: the entries of its request and of its approval, each by its action.
    ConsoleHttp.Page r =
        web.post(
            "/waivers",
            web.signIn(developer2),
            Map.of(
                "service", "pay-api",
                "policy", "sbom",
                "rule", "no-unknown",
                "reason", "tracked in PAY-77",
                "expires", "2026-12-20"));
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    String id = r.header("Location").replaceAll(".*#waiver-", "");
    String waivers = web.get("/waivers", aud).body();
    assertThat(waivers).contains("<script type=\"module\" src=\"/static/ledger-proof.js");
    String requested = row(waivers, "waiver-" + id);
    long request = widget(requested, "this request");
    assertThat(requested).doesNotContain("this approval");
    assertThat(ledgerEntry(request))
        .contains("\"action\":\"waiver.request\"")
        .contains("\"id\":\"" + id + "\"");
    assertThat(web.post("/waivers/" + id + "/approve", web.signIn(security), Map.of()).status())
        .isEqualTo(303);
    String approved = row(web.get("/waivers", aud).body(), "waiver-" + id);
    assertThat(widget(approved, "this request")).isEqualTo(request);
    long approval = widget(approved, "this approval");
    assertThat(approval).isGreaterThan(request);
    assertThat(ledgerEntry(approval))
        .contains("\"action\":\"waiver.approve\"")
        .contains("\"id\":\"" + id + "\"");

    // A finding: nothing until triaged, then the entry of its last triage. A service of its own,
    // so that no other test has triaged the finding before.
    PagesFixture.put(ts, "refund-api", "pay", "low");
    PagesFixture.release(
        ts,
        "refund-api",
        "1.0",
        "sha256:" + "3c".repeat(32),
        PagesFixture.sbom("v1.4.0", PagesFixture.OLD_SYS));
    long finding = findingId("refund-api", "1.0", "GO-2022-0493");
    String before =
        row(web.get("/services/refund-api?release=1.0", aud).body(), "finding-" + finding);
    assertThat(before).doesNotContain("ledger-entry");
    ConsoleHttp.Page t =
        web.post(
            "/findings/" + finding + "/transition",
            dev,
            Map.of(
                "service", "refund-api",
                "release", "1.0",
                "state", "affected",
                "reason", "checked by hand"));
    assertThat(t.status()).as(t.body()).isEqualTo(303);
    String after =
        row(web.get("/services/refund-api?release=1.0", aud).body(), "finding-" + finding);
    long triage = widget(after, "this triage");
    assertThat(ledgerEntry(triage))
        .contains("\"action\":\"finding.affected\"")
        .contains("\"id\":\"" + finding + "\"");
    // Another team's reader sees neither the finding nor its entry.
    assertThat(web.get("/services/refund-api?release=1.0", web.signIn(otherTeam)).status())
        .isEqualTo(404);
  }

  @Test
  void anAdminCreatesATokenSeesItsSecretOnceAndRevokesIt() {
    ConsoleHttp.Session admin = web.signIn(ADMIN);
    ConsoleHttp.Page created =
        web.post(
            "/tokens",
            admin,
            Map.of("name", "deploy-bot", "subject", "deploy-bot", "role", "ci", "teams", "pay"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    Matcher m = Pattern.compile("<code id=\"secret\">([^<]+)</code>").matcher(created.body());
    assertThat(m.find()).isTrue();
    String secret = m.group(1);
    assertThat(http.get("/api/v1/services/pay-api", secret).status()).isEqualTo(200);
    String list = web.get("/tokens", admin).body();
    assertThat(list).contains("deploy-bot").doesNotContain(secret);
    Matcher id = Pattern.compile("id=\"token-([^\"]+)\"").matcher(list);
    String tokenId = null;
    while (id.find()) {
      if (row(list, "token-" + id.group(1)).contains("deploy-bot")) {
        tokenId = id.group(1);
      }
    }
    assertThat(tokenId).isNotNull();
    assertThat(web.post("/tokens/" + tokenId + "/revoke", admin, Map.of()).status()).isEqualTo(303);
    assertThat(http.get("/api/v1/services/pay-api", secret).status()).isEqualTo(401);
    ConsoleHttp.Page tooLong =
        web.post(
            "/tokens",
            admin,
            Map.of("name", "x", "role", "ci", "teams", "pay", "expires", "2199-01-01"));
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.body()).contains("token.maxDays");
    assertThat(web.post("/tokens", admin, Map.of("name", "x", "role", "root")).status())
        .isEqualTo(422);
  }

  @Test
  void markupInStoredFieldsIsRenderedInert() {
    PagesFixture.put(ts, "legacy-svc", "pay", "high");
    PagesFixture.release(
        ts, "legacy-svc", "1.0", DIGEST_1, PagesFixture.sbom("v1.4.0", PagesFixture.OLD_SYS));
    // A name from before the naming rule, and an advisory title, written as stored data can hold
    // them (the API refuses such a name today).
    ts.server
        .database()
        .jdbi()
        .useHandle(
            h -> {
              h.createUpdate("UPDATE service_records SET name = :n WHERE name = 'legacy-svc'")
                  .bind("n", HOSTILE)
                  .execute();
              h.createUpdate(
                      "UPDATE findings SET summary = :s WHERE release_id IN (SELECT r.id FROM"
                          + " releases r JOIN service_records s ON s.id = r.service_id WHERE"
                          + " s.name = :n)")
                  .bind("s", "<img src=x onerror=alert(2)>")
                  .bind("n", HOSTILE)
                  .execute();
            });
    ConsoleHttp.Session s = web.signIn(developer);
    ConsoleHttp.Page p = web.get("/services/%3Cscript%3Ealert(1)%3C%2Fscript%3E", s);
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(p.body())
        .doesNotContain(HOSTILE)
        .doesNotContain("<img src=x")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(2)&gt;");
    ConsoleHttp.Session admin = web.signIn(ADMIN);
    for (String path : List.of("/catalog", "/waivers", "/gates", "/deployments")) {
      assertThat(web.get(path, admin).body()).as(path).doesNotContain(HOSTILE);
    }
  }

  /** The HTML of a page's section by id. */
  static String section(String body, String id) {
    int start = body.indexOf("<section id=\"" + id + "\"");
    assertThat(start).as("section " + id + " in " + body).isNotNegative();
    int end = body.indexOf("</section>", start);
    return body.substring(start, end);
  }

  /** The HTML of a table row by id. */
  static String row(String body, String id) {
    int start = body.indexOf("id=\"" + id + "\"");
    assertThat(start).as("row " + id + " in " + body).isNotNegative();
    int end = body.indexOf("</tr>", start);
    return body.substring(start, end);
  }

  /** The HTML of the first table row containing {@code text}. */
  static String row(String body, String ignored, String text) {
    int at = body.indexOf(text, body.indexOf("<tbody>"));
    assertThat(at).as(text + " in " + body).isNotNegative();
    return body.substring(body.lastIndexOf("<tr", at), body.indexOf("</tr>", at));
  }
}
