package dev.bulwark.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestServer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the feature pages' tests run on: the test advisories, three environments, a critical service
 * of team pay with two releases (1.0 with gin and x/sys findings, 1.1 with gin upgraded), a low
 * service of team mail, one person per role, an active bundle whose warn rule sees the findings of
 * unknown severity, and 1.1 allowed and deployed to dev.
 */
final class PagesFixture {
  static final String DIGEST_1 = "sha256:" + "1a".repeat(32);
  static final String DIGEST_2 = "sha256:" + "2b".repeat(32);

  /** An x/sys before the GO-2022-0493 fix. */
  static final String OLD_SYS = "v0.0.0-20220101000000-000000000000";

  private PagesFixture() {}

  /** The people of the fixture, each a token of their own subject. */
  record People(
      String developer,
      String developer2,
      String security,
      String auditor,
      String otherTeam,
      String ci) {}

  static ServerConfig configure(ServerConfig c) {
    Path osv;
    try {
      osv = Path.of(PagesFixture.class.getResource("/osv").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return c.withOsvSources(List.of(osv))
        .withLimits(64 * 1024, 1000)
        .withGates(
            new ServerConfig.GateSettings(List.of("dev", "staging", "prod"), 30, Optional.empty()));
  }

  static String sbom(String gin, String sys) {
    return """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "gin", "type": "library", "name": "gin", "version": "%s", "purl": "pkg:golang/github.com/gin-gonic/gin@%s"},
          {"bom-ref": "sys", "type": "library", "name": "sys", "version": "%s", "purl": "pkg:golang/golang.org/x/sys@%s"}]}
        """
        .formatted(gin, gin, sys, sys);
  }

  static void put(TestServer ts, String name, String team, String criticality) {
    Http.Response r =
        ts.http.put(
            "/api/v1/services/" + name,
            TestServer.ADMIN,
            Map.of("team", team, "area", "backend", "criticality", criticality));
    assertThat(r.status()).as(r.text()).isIn(200, 201);
  }

  static void release(TestServer ts, String service, String version, String digest, String sbom) {
    Http.Response r =
        ts.http.post(
            "/api/v1/services/" + service + "/releases",
            TestServer.ADMIN,
            Map.of("version", version, "digest", digest));
    assertThat(r.status()).as(r.text()).isIn(200, 201);
    Http.Response up =
        ts.http.send(
            "/api/v1/services/" + service + "/releases/" + version + "/sbom",
            TestServer.ADMIN,
            "PUT",
            "application/json",
            sbom.getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
  }

  static People seed(TestServer ts) {
    Http http = ts.http;
    put(ts, "pay-api", "pay", "critical");
    put(ts, "mail-api", "mail", "low");
    release(ts, "pay-api", "1.0", DIGEST_1, sbom("v1.4.0", OLD_SYS));
    release(ts, "pay-api", "1.1", DIGEST_2, sbom("v1.6.0", OLD_SYS));
    People people =
        new People(
            ts.tokenFor("dana", "developer", "pay"),
            ts.tokenFor("dev-two", "developer", "pay"),
            ts.tokenFor("sam", "security", "pay"),
            ts.tokenFor("audrey", "auditor", "pay"),
            ts.tokenFor("mallory", "developer", "mail"),
            ts.tokenFor("ci-bot", "ci", "pay"));
    String lead = ts.tokenFor("lead-1", "security", "*");
    String lead2 = ts.tokenFor("lead-2", "security", "*");
    Http.Response p =
        http.post(
            "/api/v1/policies/bundles",
            lead,
            Map.of(
                "files",
                Map.of(
                    "sbom.yaml",
                    """
                    name: sbom
                    rules:
                      - name: sbom-required
                        expression: release.sbom && release.components > 0
                        message: a release needs an SBOM
                        action: deny
                      - name: no-unknown
                        expression: summary.open.unknown == 0
                        message: findings of unknown severity are open
                        action: warn
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
    Map<String, String> target =
        Map.of("service", "pay-api", "version", "1.1", "environment", "dev");
    Http.Response g = http.post("/api/v1/gates/evaluate", people.ci(), target);
    assertThat(g.status()).as(g.text()).isEqualTo(200);
    Http.Response d = http.post("/api/v1/deployments", people.ci(), target);
    assertThat(d.status()).as(d.text()).isEqualTo(201);
    return people;
  }
}
