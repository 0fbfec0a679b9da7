package dev.bulwark.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --demo} on an empty data directory seeds enough history that the dashboard shows real
 * trends at first start (issue 16, item 7), on both databases: services in every area, six weeks of
 * daily snapshots that differ from day to day, findings fixed days after they were first seen, gate
 * decisions in staging and prod, and deployments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DemoContractTest {
  TestServer ts;
  JsonNode dashboard;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    ts = new TestServer(kind(), Files.createTempDirectory("bulwark-demo"), c -> c.withDemo(true));
    var r = ts.http.get("/api/v1/dashboard?days=60", TestServer.ADMIN);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    dashboard = r.json();
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  @Test
  void theHistoryIsSixWeeksOfDailySnapshotsEndingToday() {
    assertThat(ts.console()).containsPattern("Demo history since 2026-10-17: \\d+ releases");
    JsonNode trend = dashboard.path("trend");
    assertThat(trend).hasSize(DemoHistory.DAYS);
    assertThat(trend.get(0).path("day").asText()).isEqualTo("2026-10-17");
    assertThat(trend.get(trend.size() - 1).path("day").asText()).isEqualTo("2026-11-27");
    Set<Long> totals = new HashSet<>();
    long overdueDays = 0;
    for (JsonNode d : trend) {
      totals.add(d.path("open").path("total").asLong());
      overdueDays += d.path("overdue").asLong() > 0 ? 1 : 0;
    }
    assertThat(totals).as("a trend, not a flat line").hasSizeGreaterThan(3);
    assertThat(overdueDays).isPositive();
    assertThat(dashboard.path("open").path("total").asLong()).isPositive();
  }

  @Test
  void everyAreaHasServicesAndFindingsOfSeveralSeverities() {
    Set<String> areas = new HashSet<>();
    for (JsonNode c : dashboard.path("tolerance")) {
      if (c.path("services").asLong() > 0) {
        areas.add(c.path("area").asText());
      }
    }
    assertThat(areas).containsExactlyInAnyOrder("website", "backend", "data");
    assertThat(dashboard.path("teams")).hasSize(4);
    Set<String> severities = new HashSet<>();
    for (JsonNode d : dashboard.path("trend")) {
      for (String s : new String[] {"critical", "high", "medium", "low"}) {
        if (d.path("open").path(s).asLong() > 0) {
          severities.add(s);
        }
      }
    }
    assertThat(severities).containsExactlyInAnyOrder("critical", "high", "medium", "low");
  }

  @Test
  void findingsWereFixedDaysAfterTheyWereSeen() {
    long fixed = 0;
    for (JsonNode r : dashboard.path("remediation")) {
      fixed += r.path("fixed").asLong();
      if (r.path("fixed").asLong() > 0) {
        assertThat(r.path("meanDays").asDouble()).isGreaterThan(1.0);
      }
    }
    assertThat(fixed).isGreaterThan(5);
  }

  @Test
  void gatesDecidedAndReleasesWereDeployed() {
    Set<String> envs = new HashSet<>();
    for (JsonNode g : dashboard.path("gates")) {
      envs.add(g.path("environment").asText());
      assertThat(g.path("allowed").asLong()).isPositive();
    }
    assertThat(envs).containsExactlyInAnyOrder("staging", "prod");
    JsonNode deployments =
        ts.http.get("/api/v1/deployments", TestServer.ADMIN).json().path("deployments");
    assertThat(deployments.size()).isGreaterThan(10);
  }
}
