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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** An on-demand advisory sync re-evaluates stored releases, on both databases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdvisorySyncContractTest {
  static final String ADMIN = TestServer.ADMIN;
  TestServer ts;
  Http http;
  Path osvDir;

  abstract TestDatabases.Kind kind();

  static String record(String id) throws Exception {
    return Files.readString(
        Path.of(AdvisorySyncContractTest.class.getResource("/osv/" + id + ".json").toURI()));
  }

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-sync");
    osvDir = Files.createDirectories(dir.resolve("osv"));
    Files.writeString(osvDir.resolve("GO-2020-0001.json"), record("GO-2020-0001"));
    ts = new TestServer(kind(), dir.resolve("data"), c -> c.withOsvSources(List.of(osvDir)));
    http = ts.http;
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  Map<String, String> states() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (JsonNode f :
        http.get("/api/v1/services/sync-api/releases/1.0/findings", ADMIN)
            .json()
            .path("findings")) {
      out.put(f.path("id").asText(), f.path("state").asText() + " " + f.path("reason").asText(""));
    }
    return out;
  }

  @Test
  void changedAdvisoriesAddAndCloseFindingsOfStoredReleases() throws Exception {
    http.put(
        "/api/v1/services/sync-api",
        ADMIN,
        Map.of("team", "sync", "area", "backend", "criticality", "high"));
    http.post(
        "/api/v1/services/sync-api/releases",
        ADMIN,
        Map.of("version", "1.0", "digest", "sha256:" + "a".repeat(64)));
    Http.Response up =
        http.send(
            "/api/v1/services/sync-api/releases/1.0/sbom",
            ADMIN,
            "PUT",
            "application/json",
            ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    assertThat(states()).containsOnlyKeys("GO-2020-0001");

    String sec = ts.token("security", "sync");
    assertThat(
            http.post("/api/v1/advisories/sync", ts.token("developer", "sync"), Map.of()).status())
        .isEqualTo(403);
    JsonNode nothing = http.post("/api/v1/advisories/sync", sec, Map.of()).json();
    assertThat(nothing.path("changed").asInt()).isZero();
    assertThat(nothing.path("releases").asInt()).isZero();

    // Upstream publishes GO-2022-0493 and withdraws GO-2020-0001.
    Files.writeString(osvDir.resolve("GO-2022-0493.json"), record("GO-2022-0493"));
    String withdrawn =
        record("GO-2020-0001")
            .replaceFirst(
                "\"modified\": \"[^\"]*\"",
                "\"modified\": \"2026-11-20T00:00:00Z\", \"withdrawn\": \"2026-11-20T00:00:00Z\"");
    assertThat(withdrawn).contains("withdrawn");
    Files.writeString(osvDir.resolve("GO-2020-0001.json"), withdrawn);

    Http.Response synced = http.post("/api/v1/advisories/sync", sec, Map.of());
    assertThat(synced.status()).as(synced.text()).isEqualTo(200);
    assertThat(synced.json().path("changed").asInt()).isEqualTo(2);
    assertThat(synced.json().path("releases").asInt()).isEqualTo(1);
    assertThat(synced.json().path("added").asInt()).isEqualTo(1);
    assertThat(synced.json().path("closed").asInt()).isEqualTo(1);
    Map<String, String> states = states();
    assertThat(states.get("GO-2022-0493")).startsWith("open");
    assertThat(states.get("GO-2020-0001")).startsWith("fixed").contains("withdrawn");

    JsonNode again = http.post("/api/v1/advisories/sync", sec, Map.of()).json();
    assertThat(again.path("changed").asInt()).isZero();
    assertThat(again.path("added").asInt()).isZero();
    assertThat(again.path("closed").asInt()).isZero();

    // A broken source: refused, and the advisories and findings stay as they were.
    Files.writeString(osvDir.resolve("broken.json"), "{\"id\": ");
    Http.Response broken = http.post("/api/v1/advisories/sync", sec, Map.of());
    assertThat(broken.status()).isEqualTo(422);
    assertThat(broken.text()).contains("broken.json");
    assertThat(states()).isEqualTo(states);
    assertThat(
            http.get("/api/v1/vulnerabilities/CVE-2022-29526/affected", ADMIN)
                .json()
                .path("releases")
                .toString())
        .contains("sync-api");

    // A record removed from the source: only it counts as changed (unchanged files are not read
    // again), and its finding closes.
    Files.delete(osvDir.resolve("broken.json"));
    Files.delete(osvDir.resolve("GO-2022-0493.json"));
    JsonNode removed = http.post("/api/v1/advisories/sync", sec, Map.of()).json();
    assertThat(removed.path("changed").asInt()).as(removed.toString()).isEqualTo(1);
    assertThat(removed.path("closed").asInt()).isEqualTo(1);
    assertThat(removed.path("reevaluateMillis").isIntegralNumber()).isTrue();
    assertThat(states().get("GO-2022-0493")).startsWith("fixed").contains("no longer published");
  }

  @Test
  void theScheduleSyncsOncePerPeriod() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-sync-schedule");
    Path osv = Files.createDirectories(dir.resolve("osv"));
    Files.writeString(osv.resolve("GO-2020-0001.json"), record("GO-2020-0001"));
    try (TestServer s =
        new TestServer(
            kind(),
            dir.resolve("data"),
            c ->
                c.withOsvSources(List.of(osv))
                    .withOsvSyncInterval(java.time.Duration.ofMinutes(1)))) {
      s.http.put(
          "/api/v1/services/cron-api",
          ADMIN,
          Map.of("team", "cron", "area", "backend", "criticality", "high"));
      s.http.post(
          "/api/v1/services/cron-api/releases",
          ADMIN,
          Map.of("version", "1", "digest", "sha256:" + "a".repeat(64)));
      s.http.send(
          "/api/v1/services/cron-api/releases/1/sbom",
          ADMIN,
          "PUT",
          "application/json",
          ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
      Files.writeString(osv.resolve("GO-2022-0493.json"), record("GO-2022-0493"));
      s.clock.advance(java.time.Duration.ofSeconds(61));
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!s.http
          .get("/api/v1/services/cron-api/releases/1/findings", ADMIN)
          .text()
          .contains("GO-2022-0493")) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the scheduled sync did not run");
        }
        Thread.sleep(200);
      }
      String ledger =
          s.http
              .get("/api/v1/ledger/entries?start=0&end=1000", ADMIN)
              .json()
              .path("entries")
              .toString();
      assertThat(ledger).contains("advisories.sync").contains("job:advisory-sync");
    }
  }

  /**
   * GO-2020-0001 carries no severity: its finding is unknown, with the medium row's SLA. Once a
   * record of one of its aliases is loaded (here a CVE record rating it critical, naming no package
   * of the release), a sync gives the stored finding that severity, says which record it came from,
   * and the SLA date follows. The upgrade plan shows the same.
   */
  @Test
  void aFindingTakesItsSeverityFromAnAliasAndItsSlaFollows() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-sync-severity");
    Path osv = Files.createDirectories(dir.resolve("osv"));
    Files.writeString(osv.resolve("GO-2020-0001.json"), record("GO-2020-0001"));
    try (TestServer s =
        new TestServer(kind(), dir.resolve("data"), c -> c.withOsvSources(List.of(osv)))) {
      s.http.put(
          "/api/v1/services/sev-api",
          ADMIN,
          Map.of("team", "sev", "area", "backend", "criticality", "high"));
      s.http.post(
          "/api/v1/services/sev-api/releases",
          ADMIN,
          Map.of("version", "1", "digest", "sha256:" + "a".repeat(64)));
      assertThat(
              s.http
                  .send(
                      "/api/v1/services/sev-api/releases/1/sbom",
                      ADMIN,
                      "PUT",
                      "application/json",
                      ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(200);
      // Only Go advisories are loaded: a Maven component is not covered, and the answer says so.
      s.http.post(
          "/api/v1/services/sev-api/releases",
          ADMIN,
          Map.of("version", "2", "digest", "sha256:" + "b".repeat(64)));
      JsonNode maven =
          s.http
              .send(
                  "/api/v1/services/sev-api/releases/2/sbom",
                  ADMIN,
                  "PUT",
                  "application/json",
                  """
                  {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                    {"bom-ref": "g", "type": "library", "name": "guava", "version": "20.0",
                     "purl": "pkg:maven/com.google.guava/guava@20.0"}]}
                  """
                      .getBytes(StandardCharsets.UTF_8))
              .json();
      assertThat(maven.path("notCovered").asInt()).as(maven.toString()).isEqualTo(1);
      assertThat(maven.path("notCoveredEcosystems").toString()).isEqualTo("[\"Maven\"]");
      JsonNode before = gin(s);
      assertThat(before.path("severity").asText()).isEqualTo("unknown");
      assertThat(before.path("severitySource").isNull()).isTrue();
      java.time.Instant first = java.time.Instant.parse(before.path("firstSeen").asText());
      // Unknown severity takes the medium row: 60 days for a service of high criticality.
      assertThat(java.time.Instant.parse(before.path("due").asText()))
          .isEqualTo(first.plus(java.time.Duration.ofDays(60)));

      Files.writeString(
          osv.resolve("CVE-2020-36567.json"),
          """
          {"id": "CVE-2020-36567", "modified": "2026-11-20T00:00:00Z",
           "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
           "affected": [{"package": {"ecosystem": "npm", "name": "not-in-this-release"},
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
          """);
      Http.Response synced =
          s.http.post("/api/v1/advisories/sync", s.token("security", "sev"), Map.of());
      assertThat(synced.status()).as(synced.text()).isEqualTo(200);
      JsonNode after = gin(s);
      assertThat(after.path("severity").asText()).isEqualTo("critical");
      assertThat(after.path("score").asDouble()).isEqualTo(9.8);
      assertThat(after.at("/severitySource/record").asText()).isEqualTo("CVE-2020-36567");
      assertThat(after.at("/severitySource/alias").asBoolean()).isTrue();
      assertThat(after.at("/severitySource/type").asText()).isEqualTo("CVSS_V3");
      assertThat(after.at("/severitySource/vector").asText()).startsWith("CVSS:3.1/");
      // Critical for a service of high criticality: 14 days from when it was first seen.
      assertThat(java.time.Instant.parse(after.path("due").asText()))
          .isEqualTo(first.plus(java.time.Duration.ofDays(14)));

      JsonNode plan = s.http.get("/api/v1/services/sev-api/releases/1/plan", ADMIN).json();
      JsonNode step = null;
      for (JsonNode st : plan.path("steps")) {
        if (st.path("purl").asText().contains("gin-gonic/gin")) {
          step = st;
        }
      }
      assertThat(step).as(plan.toString()).isNotNull();
      assertThat(step.path("severity").asText()).isEqualTo("critical");
      assertThat(step.at("/severities/0/severitySource/record").asText())
          .isEqualTo("CVE-2020-36567");
    }
  }

  static JsonNode gin(TestServer s) {
    for (JsonNode f :
        s.http.get("/api/v1/services/sev-api/releases/1/findings", ADMIN).json().path("findings")) {
      if (f.path("id").asText().equals("GO-2020-0001")) {
        return f;
      }
    }
    throw new AssertionError("no finding GO-2020-0001");
  }
}
