package dev.bulwark.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.Provenance;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Evidence reports over HTTP on both databases: a week of production deployments of two services of
 * two teams (one through a waiver), and the report an auditor draws from them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EvidenceReportContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String PAY_DIGEST = "sha256:" + "5a".repeat(32);
  static final String WEB_DIGEST = "sha256:" + "6b".repeat(32);
  static final int DAYS = 6;
  TestServer ts;
  Http http;
  String auditor;
  String webAuditor;
  long waiverId;
  String from;
  String to;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-reports");
    KeyPair trusted = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path keys = Provenance.trustedKeys(dir, trusted.getPublic());
    ts =
        new TestServer(
            kind(),
            dir.resolve("data"),
            c ->
                c.withGates(
                        new ServerConfig.GateSettings(
                            List.of("dev", "staging", "prod"), 30, Optional.of(keys)))
                    .withReportMaxPeriodDays(31));
    http = ts.http;
    for (String[] s : new String[][] {{"pay-api", "pay"}, {"web-app", "web"}}) {
      assertThat(
              http.put(
                      "/api/v1/services/" + s[0],
                      ADMIN,
                      Map.of("team", s[1], "area", "backend", "criticality", "high"))
                  .status())
          .isIn(200, 201);
    }
    http.post(
        "/api/v1/services/pay-api/releases", ADMIN, Map.of("version", "1.0", "digest", PAY_DIGEST));
    http.post(
        "/api/v1/services/web-app/releases", ADMIN, Map.of("version", "2.0", "digest", WEB_DIGEST));
    String lead = ts.tokenFor("lead-1", "security", "*");
    String lead2 = ts.tokenFor("lead-2", "security", "*");
    Http.Response pushed =
        http.post(
            "/api/v1/policies/bundles",
            lead,
            Map.of(
                "files",
                Map.of(
                    "evidence.yaml",
                    """
                    name: evidence
                    rules:
                      - name: tested
                        expression: "tests.exists(t, t.kind == 'sast')"
                    """)));
    assertThat(pushed.status()).as(pushed.text()).isIn(200, 201);
    assertThat(
            http.post(
                    "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve",
                    lead2,
                    Map.of())
                .status())
        .isEqualTo(200);
    String ciPay = ts.tokenFor("ci-pay", "ci", "pay");
    String ciWeb = ts.tokenFor("ci-web", "ci", "web");
    Http.Response sarif =
        http.send(
            "/api/v1/services/pay-api/releases/1.0/sarif?kind=sast",
            ciPay,
            "POST",
            "application/json",
            """
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}}, "results": [
              {"ruleId": "r1", "level": "note", "message": {"text": "minor"}}]}]}
            """
                .getBytes(StandardCharsets.UTF_8));
    assertThat(sarif.status()).as(sarif.text()).isEqualTo(200);
    Http.Response att =
        http.send(
            "/api/v1/services/pay-api/releases/1.0/attestations",
            ciPay,
            "POST",
            "application/json",
            Provenance.envelope(trusted.getPrivate(), PAY_DIGEST));
    assertThat(att.status()).as(att.text()).isIn(200, 201);
    // web-app has no test report: its gate passes only through a waiver, asked by a developer
    // and approved by a security engineer of its team.
    String dev = ts.tokenFor("dev-wendy", "developer", "web");
    String sec = ts.tokenFor("sec-walter", "security", "web");
    Map<String, Object> ask = new HashMap<>();
    ask.put("service", "web-app");
    ask.put("policy", "evidence");
    ask.put("rule", "tested");
    ask.put("reason", "DAST only <script>alert(1)</script>");
    ask.put("expires", ts.clock.instant().plus(Duration.ofDays(25)).toString());
    Http.Response w = http.post("/api/v1/waivers", dev, ask);
    assertThat(w.status()).as(w.text()).isEqualTo(201);
    waiverId = w.json().path("id").asLong();
    assertThat(http.post("/api/v1/waivers/" + waiverId + "/approve", sec, Map.of()).status())
        .isEqualTo(200);

    from = ts.clock.instant().toString().substring(0, 10);
    for (int day = 0; day < DAYS; day++) {
      for (String[] s : new String[][] {{"pay-api", "1.0", ciPay}, {"web-app", "2.0", ciWeb}}) {
        for (String env : List.of("staging", "prod")) {
          Map<String, String> body = Map.of("service", s[0], "version", s[1], "environment", env);
          Http.Response g = http.post("/api/v1/gates/evaluate", s[2], body);
          assertThat(g.json().path("decision").asText()).as(g.text()).isEqualTo("allow");
          Http.Response d = http.post("/api/v1/deployments", s[2], body);
          assertThat(d.status()).as(d.text()).isEqualTo(201);
        }
      }
      to = ts.clock.instant().toString().substring(0, 10);
      ts.clock.advance(Duration.ofDays(1));
    }
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    auditor = ts.tokenFor("auditor-carol", "auditor", "pay", "web");
    webAuditor = ts.tokenFor("auditor-dan", "auditor", "web");
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  String url(String extra) {
    return "/api/v1/reports/evidence?from=" + from + "&to=" + to + extra;
  }

  JsonNode report(String token, String extra) {
    Http.Response r = http.get(url(extra), token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  static List<Long> ids(JsonNode sample) {
    List<Long> out = new ArrayList<>();
    for (JsonNode c : sample) {
      out.add(c.path("deployment").path("id").asLong());
    }
    return out;
  }

  @Test
  void thePopulationIsEveryProductionDeploymentOfThePeriodInScope() {
    JsonNode r = report(auditor, "");
    assertThat(r.path("environment").asText()).isEqualTo("prod");
    assertThat(r.path("population").path("count").asLong()).isEqualTo(2L * DAYS);
    long[] ids = new long[2 * DAYS];
    int i = 0;
    for (JsonNode d : r.path("population").path("deployments")) {
      assertThat(d.path("environment").asText()).isEqualTo("prod");
      ids[i++] = d.path("id").asLong();
    }
    assertThat(r.path("population").path("digest").asText())
        .isEqualTo(Sampling.populationDigest(ids));
    assertThat(r.path("sample")).isEmpty();
    assertThat(r.path("scope").path("allTeams").asBoolean()).isFalse();
    // An auditor of one team sees that team's deployments only.
    JsonNode web = report(webAuditor, "");
    assertThat(web.path("population").path("count").asLong()).isEqualTo(DAYS);
    for (JsonNode d : web.path("population").path("deployments")) {
      assertThat(d.path("service").asText()).isEqualTo("web-app");
    }
    // A period before the deployments is empty, not an error.
    Http.Response empty =
        http.get("/api/v1/reports/evidence?from=2020-01-01&to=2020-01-31", auditor);
    assertThat(empty.json().path("population").path("count").asLong()).isZero();
    assertThat(report(auditor, "&environment=staging").path("population").path("count").asLong())
        .isEqualTo(2L * DAYS);
  }

  @Test
  void theSampleIsReproducibleAndTheAuditorsSeedDecidesIt() {
    JsonNode a = report(auditor, "&sample=5&seed=carol-2026");
    JsonNode again = report(auditor, "&sample=5&seed=carol-2026");
    JsonNode other = report(auditor, "&sample=5&seed=carol-2027");
    assertThat(ids(a.path("sample"))).hasSize(5).isEqualTo(ids(again.path("sample")));
    assertThat(ids(other.path("sample"))).isNotEqualTo(ids(a.path("sample")));
    // Drawn again from the population as the report documents it.
    long[] population = new long[2 * DAYS];
    int i = 0;
    for (JsonNode d : a.path("population").path("deployments")) {
      population[i++] = d.path("id").asLong();
    }
    List<Long> expected = new ArrayList<>();
    for (Sampling.Drawn d : Sampling.draw("carol-2026", population, 5)) {
      expected.add(d.id());
    }
    assertThat(ids(a.path("sample"))).isEqualTo(expected);
    assertThat(a.path("sampling").path("method").asText()).isEqualTo("sha256-rank/v1");
    assertThat(a.path("sampling").path("drawn").asInt()).isEqualTo(5);
    for (JsonNode c : a.path("sample")) {
      assertThat(c.path("sampleKey").asText())
          .isEqualTo(Sampling.key("carol-2026", c.path("deployment").path("id").asLong()));
    }
  }

  @Test
  void eachSampledChangeCarriesItsEvidenceAndItsProofsVerifyIndependently() throws Exception {
    JsonNode r = report(auditor, "&sample=12&seed=everything");
    assertThat(r.path("sample")).hasSize(2 * DAYS);
    // The key and the checkpoint are fetched from the ledger API, not taken from the report.
    NoteKey.Verifier key =
        NoteKey.Verifier.parse(http.get("/api/v1/ledger/public-key", auditor).text());
    var cp =
        ((SignedNote.Result.Valid)
                SignedNote.verify(r.path("checkpoint").path("note").asText(), key))
            .checkpoint();
    assertThat(r.path("checkpoint").path("signatureVerified").asBoolean()).isTrue();
    boolean sawWaiver = false;
    for (JsonNode c : r.path("sample")) {
      JsonNode d = c.path("deployment");
      JsonNode g = c.path("gate");
      assertThat(g.path("decision").asText()).isEqualTo("allow");
      assertThat(g.path("explanationMatchesLedger").asBoolean()).isTrue();
      assertThat(g.path("rules").get(0).path("rule").asText()).isEqualTo("tested");
      assertThat(c.path("policyBundles").get(0).path("pushedBy").asText()).isEqualTo("lead-1");
      assertThat(c.path("policyBundles").get(0).path("approvedBy").asText()).isEqualTo("lead-2");
      assertThat(c.path("separationOfDuties").path("holds").asBoolean()).isTrue();
      if (d.path("service").asText().equals("pay-api")) {
        assertThat(d.path("deployedBy").path("subject").asText()).isEqualTo("ci-pay");
        assertThat(c.path("tests").get(0).path("tool").asText()).isEqualTo("semgrep");
        assertThat(c.path("provenance").get(0).path("verified").asBoolean()).isTrue();
        assertThat(c.path("waivers")).isEmpty();
      } else {
        sawWaiver = true;
        assertThat(c.path("tests")).isEmpty();
        assertThat(g.path("rules").get(0).path("outcome").asText()).isEqualTo("waived");
        JsonNode w = c.path("waivers").get(0);
        assertThat(w.path("id").asText()).isEqualTo("W-" + waiverId);
        assertThat(w.path("requestedBy").asText()).isEqualTo("dev-wendy");
        assertThat(w.path("approvedBy").asText()).isEqualTo("sec-walter");
      }
      assertThat(c.path("ledger")).hasSize(2);
      for (JsonNode p : c.path("ledger")) {
        assertThat(p.path("verified").asBoolean()).as(p.toString()).isTrue();
        byte[] leaf = Hashes.leaf(p.path("entry").asText().getBytes(StandardCharsets.UTF_8));
        List<byte[]> proof = new ArrayList<>();
        p.path("proof").forEach(h -> proof.add(Hashes.fromHex(h.asText())));
        assertThat(
                MerkleTree.verifyInclusion(
                    leaf, p.path("index").asLong(), cp.size(), proof, cp.root()))
            .isTrue();
      }
      JsonNode entry =
          dev.bulwark.server.http.Json.MAPPER.readTree(
              c.path("ledger").get(1).path("entry").asText());
      assertThat(entry.path("action").asText()).isEqualTo("deployment.record");
      assertThat(entry.path("index").asLong()).isEqualTo(d.path("ledgerIndex").asLong());
      assertThat(entry.path("subject").path("digest").asText())
          .isEqualTo(d.path("digest").asText());
    }
    assertThat(sawWaiver).isTrue();
  }

  @Test
  void thePdfAndTheHtmlSayWhatTheJsonSays() throws Exception {
    Http.Response pdf = http.get(url("&sample=3&seed=carol&format=pdf"), auditor);
    assertThat(pdf.status()).as(pdf.text()).isEqualTo(200);
    assertThat(pdf.contentType()).startsWith("application/pdf");
    Http.Response html = http.get(url("&sample=3&seed=carol&format=html"), auditor);
    assertThat(html.contentType()).startsWith("text/html");
    assertThat(html.header("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(html.text())
        .doesNotContain("<script")
        .contains("&lt;script&gt;")
        .contains("W-" + waiverId);
    // Generated at the same instant (the fake clock), so both say exactly the same.
    assertThat(
            EvidenceDocumentGoldenTest.squeeze(
                EvidenceDocumentGoldenTest.pdfText(pdf.raw().body())))
        .isEqualTo(
            EvidenceDocumentGoldenTest.squeeze(EvidenceDocumentGoldenTest.htmlText(html.text())));
    JsonNode json = report(auditor, "&sample=3&seed=carol");
    for (JsonNode c : json.path("sample")) {
      assertThat(html.text()).contains(c.path("sampleKey").asText());
    }
  }

  @Test
  void badQueriesAnswer422NamingEveryFieldAndAPeriodOverTheMaximumToo() {
    Http.Response tooLong =
        http.get("/api/v1/reports/evidence?from=2026-01-01&to=2026-03-01", auditor);
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.text()).contains("report.maxPeriodDays").contains("60 days");
    Http.Response reversed =
        http.get("/api/v1/reports/evidence?from=2026-03-01&to=2026-02-01", auditor);
    assertThat(reversed.status()).isEqualTo(422);
    assertThat(reversed.text()).contains("must not be before from");
    Http.Response many =
        http.get(
            "/api/v1/reports/evidence?from=2026-02-30&to=yesterday&environment=moon"
                + "&sample=x&format=docx",
            auditor);
    assertThat(many.status()).isEqualTo(422);
    assertThat(many.text())
        .contains("\"from\"")
        .contains("\"to\"")
        .contains("environment")
        .contains("sample")
        .contains("format")
        .doesNotContain("Exception");
    Http.Response missing = http.get("/api/v1/reports/evidence", auditor);
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.text()).contains("from").contains("to");
    assertThat(http.get(url("&sample=3"), auditor).text()).contains("seed");
    assertThat(http.get(url("&sample=501&seed=s"), auditor).status()).isEqualTo(422);
    assertThat(http.get(url("&sample=-1&seed=s"), auditor).status()).isEqualTo(422);
    assertThat(http.get(url("&sample=1&seed=" + "s".repeat(201)), auditor).status()).isEqualTo(422);
    assertThat(http.get(url("&sample=1&seed=a%0Ab"), auditor).status()).isEqualTo(422);
    assertThat(http.get(url("&sample=99999999999&seed=s"), auditor).status()).isEqualTo(422);
  }

  @Test
  void theConsolePageShowsTheSameReportAndOffersThePdf() {
    var console = new dev.bulwark.server.testing.ConsoleHttp(ts.server.port());
    var session = console.signIn(auditor);
    var form = console.get("/reports/evidence", session);
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("id=\"evidence-form\"").doesNotContain("evidence-report");
    var page =
        console.get("/reports/evidence?" + url("&sample=3&seed=carol").split("\\?")[1], session);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.body()).contains("&lt;script&gt;").doesNotContain("<script>alert");
    for (JsonNode c : report(auditor, "&sample=3&seed=carol").path("sample")) {
      assertThat(page.body()).contains(c.path("sampleKey").asText());
    }
    var pdf =
        console.get(
            "/reports/evidence.pdf?" + url("&sample=3&seed=carol").split("\\?")[1], session);
    assertThat(pdf.status()).isEqualTo(200);
    assertThat(pdf.header("Content-Type")).startsWith("application/pdf");
    var bad = console.get("/reports/evidence?from=2026-01-01&to=2026-12-31", session);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("report.maxPeriodDays");
    var developer = console.signIn(ts.token("developer", "pay"));
    assertThat(console.get("/reports/evidence", developer).status()).isEqualTo(403);
  }

  @Test
  void onlyAuditReadersMayAsk() {
    assertThat(http.get(url(""), null).status()).isEqualTo(401);
    assertThat(http.get(url(""), ts.token("developer", "pay")).status()).isEqualTo(403);
    assertThat(http.get(url(""), ts.token("ci", "pay")).status()).isEqualTo(403);
    assertThat(http.get(url(""), ts.token("security", "pay")).status()).isEqualTo(200);
    assertThat(report(ADMIN, "").path("scope").path("allTeams").asBoolean()).isTrue();
  }
}
