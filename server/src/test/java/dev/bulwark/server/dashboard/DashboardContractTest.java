package dev.bulwark.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
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
 * The dashboard over HTTP on both databases, with the server's fake clock moved by days: open
 * findings by severity per team and scoped to the caller's teams, SLA breaches against each
 * service's tolerance, the trend of recorded and backfilled days, the mean time to remediate from
 * the findings' events, and the gate pass rate per environment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DashboardContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final LocalDate DAY0 = LocalDate.parse("2026-11-27");
  TestServer ts;
  Http http;
  Dashboards dashboards;
  String pay;
  String web;
  String ci;

  abstract TestDatabases.Kind kind();

  static String sbom(String... purls) {
    List<String> components = new ArrayList<>();
    for (String p : purls) {
      String name = p.substring(p.indexOf('/') + 1, p.indexOf('@'));
      String version = p.substring(p.indexOf('@') + 1);
      components.add(
          """
          {"bom-ref": "%s", "type": "library", "name": "%s", "version": "%s", "purl": "%s"}"""
              .formatted(name, name, version, p));
    }
    return """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [%s]}
        """
        .formatted(String.join(", ", components));
  }

  @BeforeAll
  void start() throws Exception {
    Path osv =
        Path.of(DashboardContractTest.class.getResource("/dev/bulwark/server/demo/osv").toURI());
    Path dir = Files.createTempDirectory("bulwark-dashboard");
    ts =
        new TestServer(
            kind(),
            dir,
            c ->
                c.withOsvSources(List.of(osv))
                    .withGates(
                        new ServerConfig.GateSettings(
                            List.of("staging", "prod"), 30, Optional.empty())));
    http = ts.http;
    dashboards =
        ts.server.features().stream()
            .filter(DashboardFeature.class::isInstance)
            .map(f -> ((DashboardFeature) f).dashboards())
            .findFirst()
            .orElseThrow();
    // The job records today at start; wait for it so that it cannot race the records below.
    for (int i = 0;
        i < 600 && dashboards.read(dev.bulwark.server.auth.Principal.system(), 1).day() == null;
        i++) {
      Thread.sleep(50);
    }
    service("pay-api", "pay", "backend", "critical");
    service("web-shop", "web", "website", "low");
    pay = ts.token("developer", "pay");
    web = ts.token("developer", "web");
    ci = ts.token("ci", "pay", "web");
    release(
        "pay-api",
        "1.0",
        "pkg:cargo/diesel@1.4.5",
        "pkg:cargo/regex@1.5.4",
        "pkg:cargo/serde@1.0.0");
    release("web-shop", "1.0", "pkg:cargo/hyper@0.14.9", "pkg:cargo/wasmtime@10.0.0");
    String lead = ts.tokenFor("lead-1", "security", "*");
    String lead2 = ts.tokenFor("lead-2", "security", "*");
    Http.Response p =
        http.post(
            "/api/v1/policies/bundles",
            lead,
            Map.of(
                "files",
                Map.of(
                    "critical.yaml",
                    """
                    name: critical
                    rules:
                      - name: no-open-critical
                        expression: summary.open.critical == 0
                        message: critical findings are open
                    """)));
    assertThat(p.status()).as(p.text()).isIn(200, 201);
    if (p.json().path("status").asText().equals("pending")) {
      Http.Response a =
          http.post(
              "/api/v1/policies/bundles/" + p.json().path("id").asLong() + "/approve",
              lead2,
              Map.of());
      assertThat(a.status()).as(a.text()).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  void service(String name, String team, String area, String criticality) {
    Http.Response r =
        http.put(
            "/api/v1/services/" + name,
            ADMIN,
            Map.of("team", team, "area", area, "criticality", criticality));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  void release(String service, String version, String... purls) {
    Http.Response r =
        http.post(
            "/api/v1/services/" + service + "/releases",
            ADMIN,
            Map.of("version", version, "digest", "sha256:" + "c".repeat(64)));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    Http.Response up =
        http.send(
            "/api/v1/services/" + service + "/releases/" + version + "/sbom",
            ADMIN,
            "PUT",
            "application/json",
            sbom(purls).getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
  }

  long findingId(String service, String version, String vuln) {
    for (JsonNode f :
        http.get("/api/v1/services/" + service + "/releases/" + version + "/findings", ADMIN)
            .json()
            .path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("findingId").asLong();
      }
    }
    throw new AssertionError("no finding " + vuln);
  }

  JsonNode dashboard(String token, int days) {
    Http.Response r = http.get("/api/v1/dashboard?days=" + days, token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  static String counts(JsonNode c) {
    return c.path("critical").asLong()
        + "/"
        + c.path("high").asLong()
        + "/"
        + c.path("medium").asLong()
        + "/"
        + c.path("low").asLong()
        + "/"
        + c.path("unknown").asLong()
        + "="
        + c.path("total").asLong();
  }

  static JsonNode cell(JsonNode d, String area, String criticality) {
    for (JsonNode c : d.path("tolerance")) {
      if (c.path("area").asText().equals(area)
          && c.path("criticality").asText().equals(criticality)) {
        return c;
      }
    }
    throw new AssertionError("no cell " + area + "/" + criticality);
  }

  @Test
  @Order(1)
  void openFindingsBySeverityAreScopedToTheCallersTeams() {
    dashboards.recordToday();
    JsonNode all = dashboard(ADMIN, 30);
    assertThat(all.path("day").asText()).isEqualTo("2026-11-27");
    assertThat(all.path("asOf").asText()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(all.path("from").asText()).isEqualTo("2026-10-29");
    assertThat(all.path("to").asText()).isEqualTo("2026-11-27");
    // diesel critical, regex high; hyper medium, wasmtime low.
    assertThat(counts(all.path("open"))).isEqualTo("1/1/1/1/0=4");
    assertThat(all.path("overdue").asLong()).isZero();
    assertThat(all.path("teams")).hasSize(2);
    assertThat(all.path("tolerance")).hasSize(12);
    assertThat(cell(all, "backend", "critical").path("services").asLong()).isEqualTo(1);
    assertThat(cell(all, "backend", "critical").path("within").asLong()).isEqualTo(1);

    JsonNode mine = dashboard(pay, 30);
    assertThat(counts(mine.path("open"))).isEqualTo("1/1/0/0/0=2");
    assertThat(mine.path("teams")).hasSize(1);
    assertThat(mine.path("teams").get(0).path("team").asText()).isEqualTo("pay");
    assertThat(cell(mine, "website", "low").path("services").asLong()).isZero();
    assertThat(mine.path("trend").get(0).path("open").path("total").asLong()).isEqualTo(2);

    JsonNode theirs = dashboard(web, 30);
    assertThat(counts(theirs.path("open"))).isEqualTo("0/0/1/1/0=2");
    assertThat(theirs.path("teams").get(0).path("team").asText()).isEqualTo("web");
  }

  @Test
  @Order(2)
  void recordingADayAgainReplacesItsRows() {
    dashboards.recordToday();
    dashboards.recordToday();
    JsonNode all = dashboard(ADMIN, 30);
    assertThat(all.path("trend")).hasSize(1);
    assertThat(counts(all.path("trend").get(0).path("open"))).isEqualTo("1/1/1/1/0=4");
    assertThat(all.path("teams").get(0).path("services").asLong()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void gateDecisionsGiveThePassRatePerEnvironment() {
    for (String svc : List.of("pay-api", "web-shop")) {
      for (String env : List.of("staging", "prod")) {
        Http.Response g =
            http.post(
                "/api/v1/gates/evaluate",
                ci,
                Map.of("service", svc, "version", "1.0", "environment", env));
        assertThat(g.status()).as(g.text()).isIn(200, 201);
      }
    }
    dashboards.recordToday();
    JsonNode all = dashboard(ADMIN, 30);
    assertThat(all.path("gates")).hasSize(2);
    for (JsonNode g : all.path("gates")) {
      // pay-api has an open critical finding: denied; web-shop allowed.
      assertThat(g.path("allowed").asLong()).as(g.toString()).isEqualTo(1);
      assertThat(g.path("denied").asLong()).as(g.toString()).isEqualTo(1);
      assertThat(g.path("passRate").asDouble()).isEqualTo(0.5);
    }
    JsonNode mine = dashboard(pay, 30);
    for (JsonNode g : mine.path("gates")) {
      assertThat(g.path("allowed").asLong()).isZero();
      assertThat(g.path("passRate").asDouble()).isZero();
    }
  }

  @Test
  @Order(4)
  void findingsPastTheirSlaBreachTheServicesTolerance() {
    // The critical finding of a critical backend service is due in 7 days (the SLA defaults).
    ts.clock.advance(Duration.ofDays(10));
    // A low-criticality service: a by-hand fix needs no second person.
    long hyper = findingId("web-shop", "1.0", "RUSTSEC-2021-0078");
    Http.Response t =
        http.post(
            "/api/v1/findings/" + hyper + "/transitions",
            ADMIN,
            Map.of("state", "fixed", "reason", "hyper upgraded"));
    assertThat(t.status()).as(t.text()).isEqualTo(200);
    dashboards.recordToday();
    JsonNode all = dashboard(ADMIN, 30);
    assertThat(all.path("day").asText()).isEqualTo("2026-12-07");
    assertThat(counts(all.path("open"))).isEqualTo("1/1/0/1/0=3");
    assertThat(all.path("overdue").asLong()).isEqualTo(1);
    JsonNode backend = cell(all, "backend", "critical");
    assertThat(backend.path("breaching").asLong()).isEqualTo(1);
    assertThat(backend.path("within").asLong()).isZero();
    JsonNode payTeam = all.path("teams").get(0);
    assertThat(payTeam.path("team").asText()).isEqualTo("pay");
    assertThat(payTeam.path("overdue").asLong()).isEqualTo(1);
    assertThat(payTeam.path("breaching").asLong()).isEqualTo(1);
    assertThat(dashboard(web, 30).path("overdue").asLong()).isZero();
  }

  @Test
  @Order(5)
  void theMeanTimeToRemediateComesFromTheFindingsEvents() {
    JsonNode all = dashboard(ADMIN, 30);
    JsonNode medium = null;
    for (JsonNode r : all.path("remediation")) {
      if (r.path("severity").asText().equals("medium")) {
        medium = r;
      } else {
        assertThat(r.path("fixed").asLong()).as(r.toString()).isZero();
        assertThat(r.path("meanDays").isNull()).isTrue();
      }
    }
    assertThat(medium.path("fixed").asLong()).isEqualTo(1);
    assertThat(medium.path("meanDays").asDouble()).isEqualTo(10.0);
    assertThat(dashboard(web, 30).path("remediation").get(2).path("fixed").asLong()).isEqualTo(1);
    assertThat(dashboard(pay, 30).path("remediation").get(2).path("fixed").asLong()).isZero();
    // The period of today alone still holds the fix, made today.
    assertThat(dashboard(ADMIN, 1).path("remediation").get(2).path("fixed").asLong()).isEqualTo(1);
  }

  @Test
  @Order(6)
  void aBackfillRebuildsPastDaysFromTheEvents() {
    int recorded = dashboards.backfill(DAY0.minusDays(2), DAY0.plusDays(10));
    // Day 0 and day 10 were recorded; the days between (and the two before) were not.
    assertThat(recorded).isEqualTo(11);
    assertThat(dashboards.backfill(DAY0.minusDays(2), DAY0.plusDays(10))).isZero();
    JsonNode all = dashboard(ADMIN, 30);
    assertThat(all.path("trend")).hasSize(13);
    Map<String, JsonNode> byDay = new java.util.HashMap<>();
    for (JsonNode d : all.path("trend")) {
      byDay.put(d.path("day").asText(), d);
    }
    // Before the services existed.
    assertThat(byDay.get("2026-11-25").path("open").path("total").asLong()).isZero();
    // Day 5: everything open, the critical finding not yet due.
    assertThat(counts(byDay.get("2026-12-02").path("open"))).isEqualTo("1/1/1/1/0=4");
    assertThat(byDay.get("2026-12-02").path("overdue").asLong()).isZero();
    // Day 8: the critical finding is past its 7 days; hyper was fixed only on day 10.
    assertThat(counts(byDay.get("2026-12-05").path("open"))).isEqualTo("1/1/1/1/0=4");
    assertThat(byDay.get("2026-12-05").path("overdue").asLong()).isEqualTo(1);
    assertThat(counts(byDay.get("2026-12-07").path("open"))).isEqualTo("1/1/0/1/0=3");
    // The trend of one team only shows its own findings.
    for (JsonNode d : dashboard(web, 30).path("trend")) {
      assertThat(d.path("open").path("critical").asLong()).isZero();
    }
  }

  @Test
  @Order(7)
  void badInputIsRefused() {
    assertThat(http.get("/api/v1/dashboard", null).status()).isEqualTo(401);
    for (String days : List.of("0", "367", "-1", "x", "1e3", "99999999999999999999")) {
      Http.Response r = http.get("/api/v1/dashboard?days=" + days, ADMIN);
      assertThat(r.status()).as(days).isEqualTo(422);
      assertThat(r.text()).contains("days");
    }
    assertThat(http.get("/api/v1/dashboard", ADMIN).json().path("from").asText())
        .isEqualTo("2026-11-08");
  }
}
