package dev.bulwark.server.findings;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The transitions docs/findings.md refuses are refused over HTTP, with a 409 that names the allowed
 * next states, on both databases; and the advisory sync reopens what it closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FindingStatesContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String GIN = "GO-2020-0001";
  static final String SYS = "GO-2022-0493";
  TestServer ts;
  Http http;
  Path osvDir;
  int releases;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-states");
    osvDir = Files.createDirectories(dir.resolve("osv"));
    for (String id : List.of(GIN, SYS)) {
      Files.writeString(osvDir.resolve(id + ".json"), AdvisorySyncContractTest.record(id));
    }
    ts = new TestServer(kind(), dir.resolve("data"), c -> c.withOsvSources(List.of(osvDir)));
    http = ts.http;
    http.put(
        "/api/v1/services/state-api",
        ADMIN,
        Map.of("team", "state", "area", "backend", "criticality", "low"));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  /** A new release of state-api with one finding per advisory; returns its version. */
  String release() {
    String version = "1." + releases++;
    http.post(
        "/api/v1/services/state-api/releases",
        ADMIN,
        Map.of("version", version, "digest", "sha256:" + "b".repeat(64)));
    Http.Response up =
        http.send(
            "/api/v1/services/state-api/releases/" + version + "/sbom",
            ADMIN,
            "PUT",
            "application/json",
            ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    return version;
  }

  JsonNode finding(String version, String vuln) {
    for (JsonNode f :
        http.get("/api/v1/services/state-api/releases/" + version + "/findings", ADMIN)
            .json()
            .path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f;
      }
    }
    throw new AssertionError("no finding " + vuln + " in " + version);
  }

  long id(String version, String vuln) {
    return finding(version, vuln).path("findingId").asLong();
  }

  Http.Response move(long finding, String state) {
    Map<String, String> body =
        state.equals("not_affected")
            ? Map.of("state", state, "reason", "checked", "justification", "code_not_reachable")
            : Map.of("state", state, "reason", "checked");
    return http.post("/api/v1/findings/" + finding + "/transitions", ADMIN, body);
  }

  static void refused(Http.Response r, String detail) {
    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(r.json().path("detail").asText()).isEqualTo(detail);
  }

  @Test
  void aFixedFindingIsNotReopenedByHand() {
    long f = id(release(), GIN);
    assertThat(move(f, "fixed").status()).isEqualTo(200);
    String none =
        "; allowed next states: none (only the advisory sync reopens a fixed finding, when an"
            + " advisory matches it again)";
    refused(move(f, "open"), "a finding in state fixed cannot become open" + none);
    for (String s : List.of("triaged", "affected", "not_affected", "fixed")) {
      refused(move(f, s), "a finding in state fixed cannot become " + s + none);
    }
    JsonNode events = http.get("/api/v1/findings/" + f + "/events", ADMIN).json().path("events");
    assertThat(events).as("a refusal changes nothing").hasSize(1);
  }

  @Test
  void anAffectedFindingIsRevisedNotErased() {
    long f = id(release(), GIN);
    assertThat(move(f, "affected").status()).isEqualTo(200);
    refused(
        move(f, "open"),
        "a finding in state affected cannot become open; allowed next states: fixed, not_affected,"
            + " risk_accepted, triaged");
    assertThat(move(f, "triaged").status()).isEqualTo(200);
    assertThat(move(f, "open").status()).isEqualTo(200);
  }

  @Test
  void aStateDoesNotFollowItself() {
    long f = id(release(), GIN);
    assertThat(move(f, "triaged").status()).isEqualTo(200);
    refused(
        move(f, "triaged"),
        "a finding in state triaged cannot become triaged; allowed next states: affected,"
            + " fixed, not_affected, open, risk_accepted");
    refused(
        move(id(release(), SYS), "open"),
        "a finding in state open cannot become open; allowed next states: affected, fixed,"
            + " not_affected, risk_accepted, triaged");
  }

  Http.Response requestRisk(long finding) {
    return http.post(
        "/api/v1/findings/" + finding + "/risk-acceptance",
        ts.token("developer", "state"),
        Map.of(
            "reason",
            "not reachable here",
            "expiresAt",
            ts.clock.instant().plus(Duration.ofDays(30)).toString()));
  }

  @Test
  void whatDoesNotAffectTheReleaseHasNoRiskToAccept() {
    long f = id(release(), GIN);
    assertThat(move(f, "not_affected").status()).isEqualTo(200);
    refused(
        requestRisk(f),
        "a finding in state not_affected cannot become risk_accepted; allowed next states:"
            + " affected, fixed, open, triaged");
  }

  @Test
  void anApprovalIsCheckedAgainstTheStateItFinds() {
    long f = id(release(), GIN);
    Http.Response req = requestRisk(f);
    assertThat(req.status()).as(req.text()).isEqualTo(201);
    assertThat(move(f, "fixed").status()).isEqualTo(200);
    refused(
        http.post(
            "/api/v1/risk-acceptances/" + req.json().path("request").asLong() + "/approve",
            ts.token("security", "state"),
            Map.of()),
        "a finding in state fixed cannot become risk_accepted; allowed next states: none (only"
            + " the advisory sync reopens a fixed finding, when an advisory matches it again)");
  }

  @Test
  void anExpiredAcceptanceMovesLikeAnOpenFinding() {
    String version = release();
    long f = id(version, SYS);
    Http.Response req = requestRisk(f);
    assertThat(
            http.post(
                    "/api/v1/risk-acceptances/" + req.json().path("request").asLong() + "/approve",
                    ts.token("security", "state"),
                    Map.of())
                .status())
        .isEqualTo(200);
    ts.clock.advance(Duration.ofDays(31));
    try {
      assertThat(finding(version, SYS).path("state").asText()).isEqualTo("open");
      refused(
          move(f, "open"),
          "a finding in state open cannot become open; allowed next states: affected, fixed,"
              + " not_affected, risk_accepted, triaged");
      assertThat(move(f, "triaged").status()).isEqualTo(200);
    } finally {
      ts.clock.advance(Duration.ofDays(-31));
    }
  }

  @Test
  void theSyncReopensWhatItClosedButNotWhatAPersonClosed() throws Exception {
    String byHand = release();
    assertThat(move(id(byHand, SYS), "fixed").status()).isEqualTo(200);
    String bySync = release();
    long closed = id(bySync, SYS);
    String sec = ts.token("security", "state");
    String withdrawn =
        AdvisorySyncContractTest.record(SYS)
            .replaceFirst(
                "\"modified\": \"[^\"]*\"",
                "\"modified\": \"2026-11-20T00:00:00Z\", \"withdrawn\": \"2026-11-20T00:00:00Z\"");
    Files.writeString(osvDir.resolve(SYS + ".json"), withdrawn);
    try {
      assertThat(http.post("/api/v1/advisories/sync", sec, Map.of()).status()).isEqualTo(200);
      assertThat(finding(bySync, SYS).path("state").asText()).isEqualTo("fixed");
    } finally {
      Files.writeString(osvDir.resolve(SYS + ".json"), AdvisorySyncContractTest.record(SYS));
    }
    Http.Response resync = http.post("/api/v1/advisories/sync", sec, Map.of());
    assertThat(resync.status()).as(resync.text()).isEqualTo(200);
    JsonNode reopened = finding(bySync, SYS);
    assertThat(reopened.path("state").asText()).isEqualTo("open");
    assertThat(reopened.path("reason").asText()).contains("matches this component again");
    assertThat(reopened.path("findingId").asLong()).as("the same finding").isEqualTo(closed);
    assertThat(finding(byHand, SYS).path("state").asText())
        .as("closed by a person: stays fixed")
        .isEqualTo("fixed");
    JsonNode events =
        http.get("/api/v1/findings/" + closed + "/events", ADMIN).json().path("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(1).path("from").asText()).isEqualTo("fixed");
    assertThat(events.get(1).path("to").asText()).isEqualTo("open");
    assertThat(events.get(1).path("actor").asText()).isEqualTo("system");
  }
}
