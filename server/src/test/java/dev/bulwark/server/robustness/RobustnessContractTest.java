package dev.bulwark.server.robustness;

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

/**
 * Issue 12's unhandled 500s in parsing and matching, the audit listing's team scope, and advisory
 * sync errors that named server paths: each reproduction, over HTTP, on both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RobustnessContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DIGEST = "sha256:" + "b".repeat(64);

  /** An x/sys before the GO-2022-0493 fix; a gin before the GO-2020-0001 fix. */
  static final String OLD_SYS = "v0.0.0-20220101000000-000000000000";

  static final String OLD_GIN = "v1.5.0";

  TestServer ts;
  Http http;
  Path osvDir;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-robustness");
    osvDir = Files.createDirectories(dir.resolve("osv-sources"));
    for (String id : List.of("GO-2020-0001", "GO-2022-0493")) {
      Files.copy(
          Path.of(RobustnessContractTest.class.getResource("/osv/" + id + ".json").toURI()),
          osvDir.resolve(id + ".json"));
    }
    // A body limit above 100,000 bytes, so the hostile VEX reaches its parser.
    ts =
        new TestServer(
            kind(),
            dir.resolve("data"),
            c -> c.withOsvSources(List.of(osvDir)).withLimits(1024 * 1024, 1000));
    http = ts.http;
    for (String[] s : new String[][] {{"alpha-api", "alpha"}, {"bravo-api", "bravo"}}) {
      assertThat(
              http.put(
                      "/api/v1/services/" + s[0],
                      ADMIN,
                      Map.of("team", s[1], "area", "backend", "criticality", "high"))
                  .status())
          .isEqualTo(201);
    }
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  void release(String service, String version) {
    assertThat(
            http.post(
                    "/api/v1/services/" + service + "/releases",
                    ADMIN,
                    Map.of("version", version, "digest", DIGEST))
                .status())
        .isEqualTo(201);
  }

  Http.Response upload(String service, String version, String sbom) {
    return http.send(
        "/api/v1/services/" + service + "/releases/" + version + "/sbom",
        ADMIN,
        "PUT",
        "application/vnd.cyclonedx+json",
        sbom.getBytes(StandardCharsets.UTF_8));
  }

  static void assertProblem(Http.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().path("detail").asText()).isNotBlank();
  }

  @Test
  void aVexOfOneHundredThousandOpeningBracketsIsAProblemNotA500() {
    byte[] body = "[".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    for (String type : List.of("application/json", "application/openvex+json")) {
      Http.Response r = http.send("/api/v1/services/alpha-api/vex", ADMIN, "POST", type, body);
      assertProblem(r, 422);
      assertThat(r.text()).contains("not JSON").containsIgnoringCase("nesting depth");
    }
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
  }

  @Test
  void aGoVersionWithFiveThousandDigitsIsOneUnmatchedComponentAndTheRestIsAnalysed() {
    String huge = "v1." + "9".repeat(5000) + ".0";
    release("alpha-api", "huge-go");
    Http.Response r =
        upload(
            "alpha-api",
            "huge-go",
            """
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
              {"bom-ref": "gin", "name": "gin", "purl": "pkg:golang/github.com/gin-gonic/gin@%s"},
              {"bom-ref": "sys", "name": "sys", "purl": "pkg:golang/golang.org/x/sys@%s"}]}
            """
                .formatted(huge, OLD_SYS));
    assertThat(r.status()).as(r.text()).isBetween(200, 201);
    JsonNode unmatched = r.json().path("unmatched");
    assertThat(unmatched.size()).isEqualTo(1);
    assertThat(unmatched.get(0).path("component").asText()).contains("gin-gonic/gin");
    assertThat(unmatched.get(0).path("reason").asText())
        .contains("is not a valid go version")
        .contains("larger than 2147483647")
        .hasSizeLessThan(400);
    List<String> found = new ArrayList<>();
    http.get("/api/v1/services/alpha-api/releases/huge-go/findings", ADMIN)
        .json()
        .path("findings")
        .forEach(f -> found.add(f.path("id").asText()));
    assertThat(found).containsExactly("GO-2022-0493");
  }

  @Test
  void aRepeatedBomRefOnAVulnerablePurlKeepsBothComponentsAndTheirFindings() {
    release("alpha-api", "dup-ref");
    Http.Response r =
        upload(
            "alpha-api",
            "dup-ref",
            """
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
              {"bom-ref": "x", "name": "sys", "purl": "pkg:golang/golang.org/x/sys@%s"},
              {"bom-ref": "x", "name": "sys", "purl": "pkg:golang/golang.org/x/sys@%s"},
              {"bom-ref": "x", "name": "gin", "purl": "pkg:golang/github.com/gin-gonic/gin@%s"}]}
            """
                .formatted(OLD_SYS, OLD_SYS, OLD_GIN));
    assertThat(r.status()).as(r.text()).isBetween(200, 201);
    List<String> found = new ArrayList<>();
    http.get("/api/v1/services/alpha-api/releases/dup-ref/findings", ADMIN)
        .json()
        .path("findings")
        .forEach(f -> found.add(f.path("id").asText() + " " + f.path("component").asText()));
    assertThat(found)
        .containsExactlyInAnyOrder("GO-2022-0493 x", "GO-2022-0493 x#2", "GO-2020-0001 x#3");
    List<String> refs = new ArrayList<>();
    http.get("/api/v1/services/alpha-api/releases/dup-ref/components", ADMIN)
        .json()
        .path("components")
        .forEach(c -> refs.add(c.path("ref").asText()));
    assertThat(refs).containsExactlyInAnyOrder("x", "x#2", "x#3");
  }

  @Test
  void theAuditListingOfATeamScopedTokenShowsOnlyItsTeams() {
    // The name is reused: alpha's history of it stays alpha's after bravo creates it anew.
    http.put(
        "/api/v1/services/reused-audit",
        ADMIN,
        Map.of("team", "alpha", "area", "backend", "criticality", "low"));
    release("reused-audit", "1.0-alpha");
    assertThat(http.delete("/api/v1/services/reused-audit", ADMIN).status()).isEqualTo(204);
    http.put(
        "/api/v1/services/reused-audit",
        ADMIN,
        Map.of("team", "bravo", "area", "backend", "criticality", "low"));
    release("reused-audit", "1.0-bravo");
    release("bravo-api", "audit-1");
    release("alpha-api", "audit-1");
    assertThat(
            upload(
                    "bravo-api",
                    "audit-1",
                    """
                    {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                      {"bom-ref": "sys", "purl": "pkg:golang/golang.org/x/sys@%s"}]}
                    """
                        .formatted(OLD_SYS))
                .status())
        .isBetween(200, 201);
    long finding =
        http.get("/api/v1/services/bravo-api/releases/audit-1/findings", ADMIN)
            .json()
            .path("findings")
            .get(0)
            .path("findingId")
            .asLong();
    assertThat(
            http.post(
                    "/api/v1/findings/" + finding + "/transitions",
                    ADMIN,
                    Map.of("state", "triaged", "reason", "looking"))
                .status())
        .isEqualTo(200);

    String alphaSecurity = ts.token("security", "alpha");
    String alphaAuditor = ts.token("auditor", "alpha");
    String bravoSecurity = ts.token("security", "bravo");
    for (String alpha : List.of(alphaSecurity, alphaAuditor)) {
      List<JsonNode> seen = events(alpha, "");
      assertThat(seen).isNotEmpty();
      for (JsonNode e : seen) {
        assertThat(e.toString()).doesNotContain("bravo");
        assertThat(e.path("subject").path("kind").asText()).isNotIn("token", "advisories");
      }
      assertThat(subjectIds(seen))
          .contains("alpha-api", "alpha-api@audit-1", "reused-audit@1.0-alpha")
          .doesNotContain("reused-audit@1.0-bravo", "bravo-api@audit-1");
      assertThat(events(alpha, "?subjectKind=finding")).isEmpty();
      assertThat(events(alpha, "?subjectKind=release&subjectId=bravo-api@audit-1")).isEmpty();
    }
    List<JsonNode> bravo = events(bravoSecurity, "");
    assertThat(subjectIds(bravo))
        .contains("bravo-api", "bravo-api@audit-1", "reused-audit@1.0-bravo", "" + finding)
        .doesNotContain("alpha-api", "alpha-api@audit-1", "reused-audit@1.0-alpha");
    assertThat(subjectIds(events(ADMIN, "")))
        .contains("alpha-api@audit-1", "bravo-api@audit-1", "reused-audit@1.0-alpha");
  }

  List<JsonNode> events(String token, String query) {
    Http.Response r =
        http.get("/api/v1/audit" + (query.isEmpty() ? "?" : query + "&") + "limit=1000", token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().path("events").forEach(out::add);
    return out;
  }

  static List<String> subjectIds(List<JsonNode> events) {
    return events.stream().map(e -> e.path("subject").path("id").asText()).toList();
  }

  @Test
  void aFailedAdvisorySyncNamesTheSourceNotTheServersPath() throws Exception {
    Path broken = osvDir.resolve("nested").resolve("GO-BROKEN.json");
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, "{\"id\": \"GO-BROKEN\", \"affected\": 7}");
    try {
      Http.Response r = http.post("/api/v1/advisories/sync", ADMIN, Map.of());
      assertProblem(r, 422);
      String text = r.text();
      assertThat(text)
          .doesNotContain(osvDir.toString())
          .doesNotContain(osvDir.getParent().toString())
          .doesNotContain("/tmp")
          .contains("source 1")
          .contains("nested/GO-BROKEN.json")
          .contains("'affected' must be an array");
    } finally {
      Files.delete(broken);
    }
    assertThat(http.post("/api/v1/advisories/sync", ADMIN, Map.of()).status()).isEqualTo(200);
  }

  /** Found by the fuzz test: bodies that reached a 500 before the HTTP edge refused them. */
  @Test
  void nullElementsAndNulCharactersInJsonAreProblems() {
    Http.Response nullEvent =
        http.send(
            "/api/v1/webhooks",
            ADMIN,
            "POST",
            "application/json",
            "{\"url\": \"https://hooks.example.com/x\", \"events\": [null]}"
                .getBytes(StandardCharsets.UTF_8));
    assertProblem(nullEvent, 422);
    assertThat(nullEvent.json().path("errors").get(0).path("field").asText())
        .isEqualTo("events[0]");
    Http.Response nul =
        http.send(
            "/api/v1/tokens",
            ADMIN,
            "POST",
            "application/json",
            "{\"name\": \"a\\u0000b\", \"role\": \"developer\", \"teams\": [\"alpha\"]}"
                .getBytes(StandardCharsets.UTF_8));
    assertProblem(nul, 422);
    assertThat(nul.json().path("detail").asText()).contains("name").contains("U+0000");
    release("alpha-api", "nul-name");
    Http.Response sbom =
        upload(
            "alpha-api",
            "nul-name",
            """
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
              {"bom-ref": "a", "name": "a\\u0000b", "purl": "pkg:npm/a@1.0.0"}]}
            """);
    assertThat(sbom.status()).as(sbom.text()).isLessThan(500);
  }

  /** Found by the fuzz test: an object where VEX has an array was read as a list of nulls. */
  @Test
  void aVexWithObjectsWhereArraysBelongIsAProblem() {
    String openvex =
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "GO-2022-0493"}, "status": "fixed",
           "products": {"@id": "pkg:golang/golang.org/x/sys@v0.1.0"}}]}
        """;
    String cyclonedx =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "vulnerabilities": {"id": "GO-2022-0493", "analysis": {"state": "resolved"}}}
        """;
    String affects =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [
          {"id": "GO-2022-0493", "analysis": {"state": "resolved"}, "affects": {"ref": "x"}}]}
        """;
    for (String[] c :
        new String[][] {
          {openvex, "statements[0].products"},
          {cyclonedx, "vulnerabilities"},
          {affects, "vulnerabilities[0].affects"}
        }) {
      Http.Response r =
          http.send(
              "/api/v1/services/alpha-api/vex",
              ADMIN,
              "POST",
              "application/json",
              c[0].getBytes(StandardCharsets.UTF_8));
      assertProblem(r, 422);
      assertThat(r.text()).contains(c[1]).contains("must be an array");
    }
  }
}
