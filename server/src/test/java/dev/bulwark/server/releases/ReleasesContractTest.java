package dev.bulwark.server.releases;

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

/** Releases, SBOM intake, findings and portfolio queries over HTTP, on both databases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReleasesContractTest {
  static final String ADMIN = TestServer.ADMIN;

  /** An x/sys before the GO-2022-0493 fix. */
  static final String OLD_SYS = "v0.0.0-20220101000000-000000000000";

  static final String DIGEST = "sha256:" + "a".repeat(64);
  TestServer ts;
  Http http;

  abstract TestDatabases.Kind kind();

  static String sbom(String ginVersion, String sysVersion) {
    return """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "gin", "type": "library", "name": "gin", "version": "%s", "purl": "pkg:golang/github.com/gin-gonic/gin@%s"},
          {"bom-ref": "sys", "type": "library", "name": "sys", "version": "%s", "purl": "pkg:golang/golang.org/x/sys@%s"},
          {"bom-ref": "local", "type": "library", "name": "vendored", "version": "1"}]}
        """
        .formatted(ginVersion, ginVersion, sysVersion, sysVersion);
  }

  @BeforeAll
  void start() throws Exception {
    Path osv = Path.of(ReleasesContractTest.class.getResource("/osv").toURI());
    Path dir = Files.createTempDirectory("bulwark-releases");
    Path sla = dir.resolve("sla.yaml");
    Files.writeString(sla, "areas:\n  website:\n    medium: {high: 21}\n");
    ts = new TestServer(kind(), dir, c -> c.withOsvSources(List.of(osv)).withSlaFile(sla));
    http = ts.http;
    for (String s : List.of("mail-api", "web-shop")) {
      http.put(
          "/api/v1/services/" + s,
          ADMIN,
          Map.of(
              "team",
              s.startsWith("mail") ? "mail" : "web",
              "area",
              "backend",
              "criticality",
              "high"));
    }
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  Http.Response upload(
      String service, String version, String token, String contentType, String body) {
    return http.send(
        "/api/v1/services/" + service + "/releases/" + version + "/sbom",
        token,
        "PUT",
        contentType,
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void releasesAreRegisteredOnceWithTheirDigest() {
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "1.0.0", "digest", DIGEST))
                .status())
        .isEqualTo(201);
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "1.0.0", "digest", DIGEST))
                .status())
        .isEqualTo(200);
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "1.0.0", "digest", "sha256:" + "b".repeat(64)))
                .status())
        .isEqualTo(409);
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "1.0.1", "digest", "md5:abc"))
                .status())
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "../x", "digest", DIGEST))
                .status())
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    ADMIN,
                    Map.of("version", "1.0.2", "digest", DIGEST, "extra", 1))
                .status())
        .isEqualTo(422);
    assertThat(
            http.post(
                    "/api/v1/services/nope/releases",
                    ADMIN,
                    Map.of("version", "1", "digest", DIGEST))
                .status())
        .isEqualTo(404);
    String web = ts.token("developer", "web");
    assertThat(
            http.post(
                    "/api/v1/services/mail-api/releases",
                    web,
                    Map.of("version", "9", "digest", DIGEST))
                .status())
        .isEqualTo(404);
  }

  @Test
  void anSbomBecomesFindingsWithEveryAlias() {
    http.post(
        "/api/v1/services/mail-api/releases", ADMIN, Map.of("version", "2.0.0", "digest", DIGEST));
    Http.Response r =
        upload(
            "mail-api",
            "2.0.0",
            ADMIN,
            "application/vnd.cyclonedx+json",
            sbom("v1.4.0", "v0.0.0-20220101000000-000000000000"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("outcome").asText()).isEqualTo("stored");
    assertThat(r.json().path("components").asInt()).isEqualTo(3);
    assertThat(r.json().path("findings").asInt()).isEqualTo(2);
    assertThat(r.json().path("unmatched")).hasSize(1);
    assertThat(r.json().path("notCovered").asInt()).isZero();
    JsonNode findings =
        http.get("/api/v1/services/mail-api/releases/2.0.0/findings", ADMIN)
            .json()
            .path("findings");
    List<String> ids = new ArrayList<>();
    findings.forEach(
        f ->
            ids.add(
                f.path("id").asText()
                    + " "
                    + f.path("fixed").asText()
                    + " "
                    + f.path("state").asText()));
    assertThat(ids)
        .containsExactly(
            "GO-2020-0001 1.6.0 open", "GO-2022-0493 0.0.0-20220412211240-33da011f77ad open");
    assertThat(findings.get(0).path("aliases").toString()).contains("CVE-2020-36567");

    Http.Response again =
        upload(
            "mail-api",
            "2.0.0",
            ADMIN,
            "application/json",
            sbom("v1.4.0", "v0.0.0-20220101000000-000000000000"));
    assertThat(again.json().path("outcome").asText()).isEqualTo("unchanged");
    assertThat(
            upload("mail-api", "2.0.0", ADMIN, "application/json", sbom("v1.6.0", "v0.1.0"))
                .status())
        .isEqualTo(409);
    String mailDev = ts.token("developer", "mail");
    assertThat(
            http.send(
                    "/api/v1/services/mail-api/releases/2.0.0/sbom?force=true",
                    mailDev,
                    "PUT",
                    "application/json",
                    sbom("v1.6.0", "v0.1.0").getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(403);
    Http.Response forced =
        http.send(
            "/api/v1/services/mail-api/releases/2.0.0/sbom?force=true",
            ADMIN,
            "PUT",
            "application/json",
            sbom("v1.6.0", "v0.1.0").getBytes(StandardCharsets.UTF_8));
    assertThat(forced.json().path("outcome").asText()).isEqualTo("replaced");
    assertThat(
            http.get("/api/v1/services/mail-api/releases/2.0.0/findings", ADMIN)
                .json()
                .path("findings"))
        .isEmpty();
    JsonNode audit =
        http.get("/api/v1/audit?subjectKind=release&subjectId=mail-api@2.0.0", ADMIN)
            .json()
            .path("events");
    List<String> actions = new ArrayList<>();
    audit.forEach(e -> actions.add(e.path("action").asText()));
    assertThat(actions).containsExactly("release.sbom.replace", "release.sbom", "release.create");
    assertThat(audit.get(0).path("subject").path("digest").asText()).isEqualTo(DIGEST);
  }

  @Test
  void findingsCarryTheirSlaAndOverdueOnesAreListedPerTeam() {
    http.post(
        "/api/v1/services/web-shop/releases", ADMIN, Map.of("version", "5.0", "digest", DIGEST));
    upload("web-shop", "5.0", ADMIN, "application/json", sbom("v1.4.0", "v0.1.0"));
    JsonNode f =
        http.get("/api/v1/services/web-shop/releases/5.0/findings", ADMIN)
            .json()
            .path("findings")
            .get(0);
    // GO-2020-0001 has no severity (unknown: the medium row); web-shop is a high-criticality
    // service: 60 days.
    assertThat(
            java.time.Duration.between(
                    java.time.Instant.parse(f.path("firstSeen").asText()),
                    java.time.Instant.parse(f.path("due").asText()))
                .toDays())
        .isEqualTo(60);
    assertThat(
            http.get("/api/v1/findings/overdue?team=web", ADMIN).json().path("overdue").toString())
        .doesNotContain("5.0");
    ts.clock.advance(java.time.Duration.ofDays(61));
    JsonNode overdue = http.get("/api/v1/findings/overdue?team=web", ADMIN).json().path("overdue");
    assertThat(overdue.toString()).contains("web-shop").contains("GO-2020-0001");
    String mail = ts.token("developer", "mail");
    assertThat(http.get("/api/v1/findings/overdue", mail).json().path("overdue").toString())
        .doesNotContain("web-shop");
  }

  @Test
  void aReleaseKeepsItsDependencyGraph() {
    http.put(
        "/api/v1/services/dep-api",
        ADMIN,
        Map.of("team", "dep", "area", "backend", "criticality", "low"));
    http.post("/api/v1/services/dep-api/releases", ADMIN, Map.of("version", "1", "digest", DIGEST));
    String withGraph =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "app", "type": "application", "name": "app", "version": "1"},
          {"bom-ref": "gin", "type": "library", "name": "gin", "version": "v1.4.0", "purl": "pkg:golang/github.com/gin-gonic/gin@v1.4.0"},
          {"bom-ref": "sys", "type": "library", "name": "sys", "version": "v0.1.0", "purl": "pkg:golang/golang.org/x/sys@v0.1.0"}],
         "dependencies": [{"ref": "app", "dependsOn": ["gin", "sys"]}, {"ref": "gin", "dependsOn": ["sys"]}, {"ref": "sys"}]}
        """;
    assertThat(upload("dep-api", "1", ADMIN, "application/json", withGraph).status())
        .isEqualTo(200);
    JsonNode comps =
        http.get("/api/v1/services/dep-api/releases/1/components", ts.token("auditor", "dep"))
            .json()
            .path("components");
    Map<String, String> graph = new java.util.TreeMap<>();
    comps.forEach(c -> graph.put(c.path("ref").asText(), c.path("dependsOn").toString()));
    assertThat(graph)
        .containsEntry("app", "[\"gin\",\"sys\"]")
        .containsEntry("gin", "[\"sys\"]")
        .containsEntry("sys", "[]");
    assertThat(
            http.get("/api/v1/services/dep-api/releases/1/components", ts.token("auditor", "web"))
                .status())
        .isEqualTo(404);
    assertThat(http.get("/api/v1/services/dep-api/releases/2/components", ADMIN).status())
        .isEqualTo(404);

    // An admin's forced replacement replaces the graph too.
    Http.Response forced =
        http.send(
            "/api/v1/services/dep-api/releases/1/sbom?force=true",
            ADMIN,
            "PUT",
            "application/json",
            sbom("v1.6.0", "v0.1.0").getBytes(StandardCharsets.UTF_8));
    assertThat(forced.status()).as(forced.text()).isEqualTo(200);
    http.get("/api/v1/services/dep-api/releases/1/components", ADMIN)
        .json()
        .path("components")
        .forEach(c -> assertThat(c.path("dependsOn")).isEmpty());
  }

  @Test
  void theConfiguredSlaMatrixSetsDueDatesByArea() {
    http.put(
        "/api/v1/services/shop-site",
        ADMIN,
        Map.of("team", "web", "area", "website", "criticality", "high"));
    http.post(
        "/api/v1/services/shop-site/releases", ADMIN, Map.of("version", "1", "digest", DIGEST));
    upload("shop-site", "1", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    JsonNode f = finding("shop-site", "1", "GO-2020-0001");
    // Unknown severity takes the medium row; the file sets website x high to 21 days.
    assertThat(
            java.time.Duration.between(
                    java.time.Instant.parse(f.path("firstSeen").asText()),
                    java.time.Instant.parse(f.path("due").asText()))
                .toDays())
        .isEqualTo(21);
    JsonNode days = http.get("/api/v1/sla", ts.token("auditor", "web")).json().path("days");
    assertThat(days.path("website").path("medium").path("high").asInt()).isEqualTo(21);
    assertThat(days.path("backend").path("medium").path("high").asInt()).isEqualTo(60);
    assertThat(days.path("data").path("critical").path("critical").asInt()).isEqualTo(7);
    assertThat(http.get("/api/v1/sla", null).status()).isEqualTo(401);
  }

  @Test
  void anUpgradePlanAndADiffBetweenReleases() {
    http.post(
        "/api/v1/services/mail-api/releases", ADMIN, Map.of("version", "6.0", "digest", DIGEST));
    upload(
        "mail-api",
        "6.0",
        ADMIN,
        "application/json",
        sbom("v1.4.0", "v0.0.0-20220101000000-000000000000"));
    http.post(
        "/api/v1/services/mail-api/releases", ADMIN, Map.of("version", "6.1", "digest", DIGEST));
    upload(
        "mail-api",
        "6.1",
        ADMIN,
        "application/json",
        sbom("v1.6.0", "v0.0.0-20220101000000-000000000000"));
    JsonNode steps =
        http.get("/api/v1/services/mail-api/releases/6.0/plan", ADMIN).json().path("steps");
    assertThat(steps).hasSize(2);
    List<String> plan = new ArrayList<>();
    steps.forEach(
        s ->
            plan.add(
                s.path("purl").asText()
                    + " -> "
                    + s.path("upgradeTo").asText()
                    + " "
                    + s.path("clears").asInt()
                    + "/"
                    + s.path("of").asInt()));
    assertThat(plan)
        .containsExactlyInAnyOrder(
            "pkg:golang/github.com/gin-gonic/gin@v1.4.0 -> 1.6.0 1/1",
            "pkg:golang/golang.org/x/sys@v0.0.0-20220101000000-000000000000 -> 0.0.0-20220412211240-33da011f77ad 1/1");
    assertThat(steps.get(0).path("riskCleared").asDouble()).isPositive();
    JsonNode diff =
        http.get("/api/v1/services/mail-api/releases/6.1/diff?against=6.0", ADMIN).json();
    assertThat(diff.path("changed").toString()).contains("v1.4.0").contains("v1.6.0");
    assertThat(diff.path("findingsResolved").toString()).contains("GO-2020-0001");
    assertThat(diff.path("findingsIntroduced")).isEmpty();
    assertThat(diff.path("added")).isEmpty();
    assertThat(http.get("/api/v1/services/mail-api/releases/6.1/diff", ADMIN).status())
        .isEqualTo(422);
    assertThat(http.get("/api/v1/services/mail-api/releases/6.1/diff?against=0.1", ADMIN).status())
        .isEqualTo(404);
  }

  static String sarif(int line) {
    return """
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}}, "results": [
          {"ruleId": "sql-injection", "level": "error", "message": {"text": "user input reaches a query"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/Repo.java"}, "region": {"startLine": %d}}}],
           "partialFingerprints": {"primaryLocationLineHash": "abc123"}},
          {"ruleId": "weak-hash", "message": {"text": "MD5 used at line %d"},
           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/Hash.java"}, "region": {"startLine": %d}}}]}]}]}
        """
        .formatted(line, line, line);
  }

  @Test
  void sarifResultsBecomeCodeFindingsOncePerFingerprint() {
    http.post(
        "/api/v1/services/web-shop/releases", ADMIN, Map.of("version", "7.0", "digest", DIGEST));
    String path = "/api/v1/services/web-shop/releases/7.0/sarif";
    Http.Response first =
        http.send(
            path,
            ADMIN,
            "POST",
            "application/sarif+json",
            sarif(10).getBytes(StandardCharsets.UTF_8));
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().path("added").asInt()).isEqualTo(2);
    Http.Response moved =
        http.send(
            path, ADMIN, "POST", "application/json", sarif(42).getBytes(StandardCharsets.UTF_8));
    assertThat(moved.json().path("added").asInt()).isZero();
    assertThat(moved.json().path("known").asInt()).isEqualTo(2);
    JsonNode findings =
        http.get("/api/v1/services/web-shop/releases/7.0/code-findings", ADMIN)
            .json()
            .path("findings");
    assertThat(findings).hasSize(2);
    assertThat(findings.toString())
        .contains("sql-injection")
        .contains("\"level\":\"error\"")
        .contains("weak-hash")
        .contains("\"level\":\"warning\"");
    assertThat(
            http.send(
                    path,
                    ADMIN,
                    "POST",
                    "application/json",
                    "{\"version\": \"2.0.0\", \"runs\": []}".getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(422);
    Http.Response broken =
        http.send(
            path,
            ADMIN,
            "POST",
            "application/json",
            "{\"version\": \"2.1.0\",\n \"runs\": [".getBytes(StandardCharsets.UTF_8));
    assertThat(broken.status()).isEqualTo(422);
    assertThat(broken.json().path("detail").asText()).contains("line 2");
    assertThat(
            http.send(
                    path,
                    ADMIN,
                    "POST",
                    "application/json",
                    "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"x\"}}, \"results\": [{\"message\": {\"text\": \"m\"}}]}]}"
                        .getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(422);
    assertThat(
            http.send(path, ADMIN, "POST", "text/plain", sarif(1).getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(415);
  }

  @Test
  void badSbomsAreRefusedWithTheirPosition() {
    http.post(
        "/api/v1/services/web-shop/releases", ADMIN, Map.of("version", "3.0", "digest", DIGEST));
    Http.Response truncated =
        upload(
            "web-shop",
            "3.0",
            ADMIN,
            "application/json",
            "{\"bomFormat\": \"CycloneDX\", \"components\": [\n{\"name\": ");
    assertThat(truncated.status()).isEqualTo(422);
    assertThat(truncated.json().path("detail").asText()).contains("line 2");
    Http.Response dtd =
        upload(
            "web-shop",
            "3.0",
            ADMIN,
            "application/xml",
            "<?xml version=\"1.0\"?><!DOCTYPE bom [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"/>");
    assertThat(dtd.status()).isEqualTo(422);
    assertThat(dtd.json().path("detail").asText()).contains("DTD");
    assertThat(upload("web-shop", "3.0", ADMIN, "text/plain", sbom("v1.4.0", "v0.1.0")).status())
        .isEqualTo(415);
    assertThat(
            upload("web-shop", "3.0", ADMIN, "application/spdx+json", sbom("v1.4.0", "v0.1.0"))
                .status())
        .isEqualTo(422);
    assertThat(
            upload("web-shop", "9.9", ADMIN, "application/json", sbom("v1.4.0", "v0.1.0")).status())
        .isEqualTo(404);
    assertThat(upload("nope", "1", ADMIN, "application/json", sbom("v1.4.0", "v0.1.0")).status())
        .isEqualTo(404);
    assertThat(
            upload(
                    "web-shop",
                    "3.0",
                    ADMIN,
                    "application/json",
                    "{\"x\": \"" + "a".repeat(70 * 1024) + "\"}")
                .status())
        .isEqualTo(413);
  }

  @Test
  void portfolioQueriesAreScopedToTheCallersTeams() {
    http.post(
        "/api/v1/services/web-shop/releases", ADMIN, Map.of("version", "4.0", "digest", DIGEST));
    upload("web-shop", "4.0", ADMIN, "application/json", sbom("v1.5.0", "v0.1.0"));
    JsonNode all =
        http.get("/api/v1/components?purl=pkg:golang/github.com/gin-gonic/gin", ADMIN)
            .json()
            .path("releases");
    assertThat(all.toString()).contains("web-shop");
    JsonNode inRange =
        http.get(
                "/api/v1/components?purl=pkg:golang/github.com/gin-gonic/gin&range="
                    + Http.segment("vers:golang/>=1.5.0|<1.6.0"),
                ADMIN)
            .json()
            .path("releases");
    inRange.forEach(h -> assertThat(h.path("componentVersion").asText()).isEqualTo("v1.5.0"));
    assertThat(inRange.size()).isGreaterThanOrEqualTo(1);
    JsonNode affected =
        http.get("/api/v1/vulnerabilities/GHSA-6vm3-jj99-7229/affected", ADMIN)
            .json()
            .path("releases");
    assertThat(affected.toString()).contains("web-shop").contains("4.0");
    String mail = ts.token("auditor", "mail");
    assertThat(
            http.get("/api/v1/vulnerabilities/GHSA-6vm3-jj99-7229/affected", mail)
                .json()
                .path("releases")
                .toString())
        .doesNotContain("web-shop");
    assertThat(
            http.get("/api/v1/components?purl=pkg:golang/github.com/gin-gonic/gin", mail)
                .json()
                .path("releases")
                .toString())
        .doesNotContain("web-shop");
    assertThat(http.get("/api/v1/components?purl=not-a-purl", ADMIN).status()).isEqualTo(422);
    assertThat(http.get("/api/v1/components?purl=pkg:golang/x&range=vers:nonsense", ADMIN).status())
        .isEqualTo(422);
    assertThat(http.get("/api/v1/components", ADMIN).status()).isEqualTo(422);
  }

  long findingId(String service, String version, String vuln) {
    return finding(service, version, vuln).path("findingId").asLong();
  }

  JsonNode finding(String service, String version, String vuln) {
    for (JsonNode f :
        http.get("/api/v1/services/" + service + "/releases/" + version + "/findings", ADMIN)
            .json()
            .path("findings")) {
      if (f.path("id").asText().equals(vuln)) {
        return f;
      }
    }
    throw new AssertionError("no finding " + vuln + " in " + service + " " + version);
  }

  @Test
  void verdictsNeedAReasonAndCarryOverToLaterReleases() {
    http.put(
        "/api/v1/services/pay-api",
        ADMIN,
        Map.of("team", "pay", "area", "backend", "criticality", "high"));
    http.post(
        "/api/v1/services/pay-api/releases", ADMIN, Map.of("version", "1.0", "digest", DIGEST));
    upload("pay-api", "1.0", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    long gin = findingId("pay-api", "1.0", "GO-2020-0001");
    String dev = ts.token("developer", "pay");
    String path = "/api/v1/findings/" + gin + "/transitions";

    assertThat(http.post(path, dev, Map.of("state", "not_affected", "reason", "x")).status())
        .as("not_affected needs a justification")
        .isEqualTo(422);
    assertThat(
            http.post(
                    path,
                    dev,
                    Map.of("state", "not_affected", "reason", "x", "justification", "trust me"))
                .status())
        .isEqualTo(422);
    assertThat(http.post(path, dev, Map.of("state", "risk_accepted", "reason", "x")).status())
        .as("risk acceptance has its own approval flow")
        .isEqualTo(422);
    assertThat(http.post(path, dev, Map.of("state", "triaged", "reason", " ")).status())
        .isEqualTo(422);
    assertThat(http.post(path, dev, Map.of("state", "triaged")).status()).isEqualTo(422);
    assertThat(
            http.send(
                    path,
                    dev,
                    "POST",
                    "application/json",
                    "{\"state\":".getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(400);
    assertThat(
            http.post(
                    "/api/v1/findings/not-a-number/transitions",
                    dev,
                    Map.of("state", "triaged", "reason", "x"))
                .status())
        .isEqualTo(404);
    assertThat(
            http.post(
                    "/api/v1/findings/" + gin + "/transitions",
                    ts.token("developer", "web"),
                    Map.of("state", "triaged", "reason", "x"))
                .status())
        .as("another team's finding does not exist for the caller")
        .isEqualTo(404);
    assertThat(
            http.post(path, ts.token("auditor", "pay"), Map.of("state", "triaged", "reason", "x"))
                .status())
        .isEqualTo(403);

    assertThat(
            http.post(path, dev, Map.of("state", "triaged", "reason", "looking into it")).status())
        .isEqualTo(200);
    Http.Response verdict =
        http.post(
            path,
            dev,
            Map.of(
                "state",
                "not_affected",
                "reason",
                "the router is only used for health checks",
                "justification",
                "vulnerable_code_not_in_execute_path",
                "scope",
                "service"));
    // pay-api is a high service: a by-hand not_affected waits for a second person.
    assertThat(verdict.status()).as(verdict.text()).isEqualTo(202);
    assertThat(finding("pay-api", "1.0", "GO-2020-0001").path("state").asText())
        .isEqualTo("triaged");
    Http.Response approved =
        http.post(
            "/api/v1/transition-requests/" + verdict.json().path("request").asLong() + "/approve",
            ts.token("security", "pay"),
            Map.of());
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    JsonNode f = finding("pay-api", "1.0", "GO-2020-0001");
    assertThat(f.path("state").asText()).isEqualTo("not_affected");
    assertThat(f.path("justification").asText()).isEqualTo("vulnerable_code_not_in_execute_path");
    JsonNode events = http.get("/api/v1/findings/" + gin + "/events", dev).json().path("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).path("from").asText()).isEqualTo("open");
    assertThat(events.get(0).path("to").asText()).isEqualTo("triaged");
    assertThat(events.get(1).path("to").asText()).isEqualTo("not_affected");
    assertThat(events.get(1).path("actor").asText()).isNotBlank();
    assertThat(events.get(1).path("reason").asText()).contains("health checks");
    assertThat(http.get("/api/v1/findings/" + gin + "/events", ts.token("auditor", "web")).status())
        .isEqualTo(404);

    // The next release with the same router: the verdict holds; the other finding stays open.
    http.post(
        "/api/v1/services/pay-api/releases", ADMIN, Map.of("version", "1.1", "digest", DIGEST));
    upload("pay-api", "1.1", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    JsonNode carried = finding("pay-api", "1.1", "GO-2020-0001");
    assertThat(carried.path("state").asText()).isEqualTo("not_affected");
    assertThat(carried.path("reason").asText()).startsWith("carried over:");
    assertThat(finding("pay-api", "1.1", "GO-2022-0493").path("state").asText()).isEqualTo("open");
    // Another team's service with the same package is untouched by a service-scoped verdict.
    http.post(
        "/api/v1/services/web-shop/releases", ADMIN, Map.of("version", "7.0", "digest", DIGEST));
    upload("web-shop", "7.0", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    assertThat(finding("web-shop", "7.0", "GO-2020-0001").path("state").asText()).isEqualTo("open");

    // Every decision is on the ledger.
    String ledger =
        http.get("/api/v1/ledger/entries?start=0&end=1000", ADMIN)
            .json()
            .path("entries")
            .toString();
    assertThat(ledger).contains("finding.not_affected").contains("finding.triaged");
  }

  @Test
  void riskIsAcceptedBySomeoneElseUntilItExpires() {
    http.put(
        "/api/v1/services/bank-api",
        ADMIN,
        Map.of("team", "bank", "area", "backend", "criticality", "high"));
    http.post(
        "/api/v1/services/bank-api/releases", ADMIN, Map.of("version", "1.0", "digest", DIGEST));
    upload("bank-api", "1.0", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    long sys = findingId("bank-api", "1.0", "GO-2022-0493");
    String dev = ts.token("developer", "bank");
    String sec = ts.token("security", "bank");
    String path = "/api/v1/findings/" + sys + "/risk-acceptance";
    java.time.Instant now = ts.clock.instant();

    assertThat(
            http.post(
                    path, dev, Map.of("reason", "x", "expiresAt", now.minusSeconds(60).toString()))
                .status())
        .as("expiry in the past")
        .isEqualTo(422);
    assertThat(
            http.post(
                    path,
                    dev,
                    Map.of(
                        "reason",
                        "x",
                        "expiresAt",
                        now.plus(java.time.Duration.ofDays(400)).toString()))
                .status())
        .as("longer than a year")
        .isEqualTo(422);
    assertThat(http.post(path, dev, Map.of("reason", "x")).status()).isEqualTo(422);
    assertThat(http.post(path, dev, Map.of("reason", "x", "expiresAt", "next tuesday")).status())
        .isIn(400, 422);

    String until = now.plus(java.time.Duration.ofDays(30)).toString();
    Http.Response req =
        http.post(
            path,
            dev,
            Map.of("reason", "no untrusted input reaches the syscall wrapper", "expiresAt", until));
    assertThat(req.status()).as(req.text()).isEqualTo(201);
    long id = req.json().path("request").asLong();
    String approve = "/api/v1/risk-acceptances/" + id + "/approve";
    assertThat(http.post(approve, dev, Map.of()).status())
        .as("a developer cannot approve")
        .isEqualTo(403);
    assertThat(finding("bank-api", "1.0", "GO-2022-0493").path("state").asText())
        .as("pending is not accepted")
        .isEqualTo("open");

    Http.Response self =
        http.post(path, sec, Map.of("reason", "the reviewer asks for it", "expiresAt", until));
    assertThat(
            http.post(
                    "/api/v1/risk-acceptances/" + self.json().path("request").asLong() + "/approve",
                    sec,
                    Map.of())
                .status())
        .as("nobody approves their own request")
        .isEqualTo(403);
    assertThat(http.post(approve, ts.token("security", "web"), Map.of()).status())
        .as("a reviewer of another team does not see the finding")
        .isEqualTo(404);

    Http.Response ok = http.post(approve, sec, Map.of());
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(http.post(approve, ts.token("security", "bank"), Map.of()).status()).isEqualTo(409);
    assertThat(http.post("/api/v1/risk-acceptances/999999/approve", sec, Map.of()).status())
        .isEqualTo(404);
    JsonNode accepted = finding("bank-api", "1.0", "GO-2022-0493");
    assertThat(accepted.path("state").asText()).isEqualTo("risk_accepted");
    assertThat(accepted.path("expiresAt").asText()).isEqualTo(until);

    ts.clock.advance(java.time.Duration.ofDays(31));
    JsonNode expired = finding("bank-api", "1.0", "GO-2022-0493");
    assertThat(expired.path("state").asText()).isEqualTo("open");
    assertThat(expired.path("note").asText()).contains("expired");
  }

  Http.Response importVex(String token, String body) {
    return http.send(
        "/api/v1/services/imp-api/vex",
        token,
        "POST",
        "application/json",
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void vexStatementsApplyToReleasesNowAndLater() {
    http.put(
        "/api/v1/services/imp-api",
        ADMIN,
        Map.of("team", "imp", "area", "backend", "criticality", "high"));
    for (String v : List.of("1.0", "1.1", "1.2")) {
      http.post("/api/v1/services/imp-api/releases", ADMIN, Map.of("version", v, "digest", DIGEST));
    }
    upload("imp-api", "1.0", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    String dev = ts.token("developer", "imp");
    String openVex =
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
         "author": "imp team", "timestamp": "2026-11-01T00:00:00Z", "version": 1,
         "statements": [
          {"vulnerability": {"name": "CVE-2020-36567"},
           "products": [{"@id": "pkg:oci/imp-api", "subcomponents": [{"@id": "pkg:golang/github.com/gin-gonic/gin@v1.4.0"}]}],
           "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
           "impact_statement": "the logger middleware is not installed"},
          {"vulnerability": "GO-2022-0493", "products": ["pkg:golang/golang.org/x/sys"],
           "status": "under_investigation"}]}
        """;

    // A document with one bad statement is refused whole, with the statement's position.
    Http.Response bad =
        importVex(dev, openVex.replace("\"vulnerable_code_not_in_execute_path\"", "\"because\""));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.text()).contains("statements[0].justification");
    assertThat(finding("imp-api", "1.0", "GO-2022-0493").path("state").asText())
        .as("nothing half-applied")
        .isEqualTo("open");
    assertThat(importVex(dev, "{\"statements\": [").status()).isEqualTo(422);
    assertThat(importVex(dev, "[1, 2]").status()).isEqualTo(422);
    assertThat(importVex(dev, "{\"hello\": \"world\"}").text()).contains("OpenVEX");
    assertThat(importVex(dev, openVex.replace("pkg:golang/golang.org/x/sys", "pkg:")).status())
        .isEqualTo(422);
    assertThat(importVex(dev, openVex.replace("under_investigation", "maybe")).text())
        .contains("statements[1].status");
    assertThat(importVex(ts.token("auditor", "imp"), openVex).status()).isEqualTo(403);
    assertThat(importVex(ts.token("developer", "web"), openVex).status()).isEqualTo(404);

    // imp-api is a high service: its VEX comes from security, not from one developer.
    assertThat(importVex(dev, openVex).status()).isEqualTo(403);
    String sec = ts.token("security", "imp");
    Http.Response ok = importVex(sec, openVex);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().path("statements").asInt()).isEqualTo(2);
    assertThat(ok.json().path("applied").asInt()).isEqualTo(2);
    assertThat(ok.json().path("decisions").asInt()).isEqualTo(1);
    JsonNode gin = finding("imp-api", "1.0", "GO-2020-0001");
    assertThat(gin.path("state").asText()).isEqualTo("not_affected");
    assertThat(gin.path("justification").asText()).isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(gin.path("reason").asText()).contains("logger middleware");
    assertThat(finding("imp-api", "1.0", "GO-2022-0493").path("state").asText())
        .isEqualTo("triaged");

    // Later releases: the same gin version inherits the verdict; another version does not.
    upload("imp-api", "1.1", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    upload("imp-api", "1.2", ADMIN, "application/json", sbom("v1.5.0", OLD_SYS));
    assertThat(finding("imp-api", "1.1", "GO-2020-0001").path("state").asText())
        .isEqualTo("not_affected");
    assertThat(finding("imp-api", "1.2", "GO-2020-0001").path("state").asText()).isEqualTo("open");
    assertThat(finding("imp-api", "1.1", "GO-2022-0493").path("state").asText())
        .as("under_investigation is about the releases analysed then")
        .isEqualTo("open");

    // CycloneDX VEX, by bom-ref; a human verdict already made stands.
    http.post(
        "/api/v1/findings/" + findingId("imp-api", "1.2", "GO-2022-0493") + "/transitions",
        dev,
        Map.of("state", "affected", "reason", "reachable from the upload handler"));
    String cdx =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
         "components": [{"type": "library", "bom-ref": "sys", "name": "sys", "purl": "pkg:golang/golang.org/x/sys"}],
         "vulnerabilities": [
          {"id": "GO-2022-0493", "analysis": {"state": "resolved", "detail": "patched in our fork"},
           "affects": [{"ref": "sys"}]},
          {"id": "GO-2020-0001", "affects": [{"ref": "sys"}]}]}
        """;
    Http.Response cdxOk = importVex(sec, cdx);
    assertThat(cdxOk.status()).as(cdxOk.text()).isEqualTo(200);
    assertThat(cdxOk.json().path("statements").asInt())
        .as("a vulnerability without analysis is no statement")
        .isEqualTo(1);
    assertThat(cdxOk.json().path("kept").asInt()).isEqualTo(1);
    assertThat(finding("imp-api", "1.1", "GO-2022-0493").path("state").asText()).isEqualTo("fixed");
    assertThat(finding("imp-api", "1.2", "GO-2022-0493").path("state").asText())
        .isEqualTo("affected");
    assertThat(
            importVex(sec, cdx.replace("\"ref\": \"sys\"}]},", "\"ref\": \"nowhere\"}]},")).text())
        .contains("vulnerabilities[0].affects[0].ref");
  }

  @Test
  void vexCarriesEachFindingsAnalysisAndValidatesAgainstCycloneDx16() throws Exception {
    http.put(
        "/api/v1/services/vex-api",
        ADMIN,
        Map.of("team", "vex", "area", "backend", "criticality", "low"));
    http.post(
        "/api/v1/services/vex-api/releases", ADMIN, Map.of("version", "3.0", "digest", DIGEST));
    upload("vex-api", "3.0", ADMIN, "application/json", sbom("v1.4.0", OLD_SYS));
    http.post(
        "/api/v1/findings/" + findingId("vex-api", "3.0", "GO-2020-0001") + "/transitions",
        ADMIN,
        Map.of(
            "state",
            "not_affected",
            "reason",
            "only health checks use the router",
            "justification",
            "vulnerable_code_not_in_execute_path"));
    Http.Response r = http.get("/api/v1/services/vex-api/releases/3.0/vex", ADMIN);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode vulns = r.json().path("vulnerabilities");
    assertThat(vulns).hasSize(2);
    JsonNode gin = vulns.get(0);
    assertThat(gin.path("id").asText()).isEqualTo("GO-2020-0001");
    assertThat(gin.path("analysis").path("state").asText()).isEqualTo("not_affected");
    assertThat(gin.path("analysis").path("justification").asText())
        .as("the OpenVEX justification maps to CycloneDX's nearest")
        .isEqualTo("code_not_reachable");
    assertThat(gin.path("analysis").path("detail").asText())
        .contains("health checks")
        .contains("vulnerable_code_not_in_execute_path");
    assertThat(gin.path("affects").get(0).path("ref").asText()).isEqualTo("gin");
    assertThat(vulns.get(1).has("analysis")).as("nobody analysed the open one").isFalse();
    assertThat(r.json().path("metadata").path("component").path("name").asText())
        .isEqualTo("vex-api");

    byte[] doc = r.text().getBytes(StandardCharsets.UTF_8);
    var errors =
        new org.cyclonedx.parsers.JsonParser().validate(doc, org.cyclonedx.Version.VERSION_16);
    assertThat(errors).as("%s", errors).isEmpty();
    var broken =
        new org.cyclonedx.parsers.JsonParser()
            .validate(
                r.text()
                    .replace("\"code_not_reachable\"", "\"trust_me\"")
                    .getBytes(StandardCharsets.UTF_8),
                org.cyclonedx.Version.VERSION_16);
    assertThat(broken).as("the validator rejects a justification outside the enum").isNotEmpty();

    assertThat(
            http.get("/api/v1/services/vex-api/releases/3.0/vex", ts.token("auditor", "web"))
                .status())
        .isEqualTo(404);
    assertThat(http.get("/api/v1/services/vex-api/releases/9.9/vex", ADMIN).status())
        .isEqualTo(404);
  }
}
