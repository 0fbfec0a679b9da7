package dev.bulwark.server.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomParser;
import dev.bulwark.vuln.version.Ecosystem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Image SBOMs as releases (issue 15, item 4): components keep their origin (source package, package
 * type, layers and paths), findings show it, OS-package findings get SLA dates from the service's
 * tolerance, and portfolio queries find OS packages; on both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ImageSbomContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final String DIGEST = "sha256:" + "c".repeat(64);
  static final String BASE = "sha256:base-layer";
  static final String APP = "sha256:app-layer";
  static final String DPKG = "/var/lib/dpkg/status";

  TestServer ts;
  Http http;
  Releases releases;
  Path osv;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-image-sbom");
    // A copy, so that a test can publish a record and sync.
    osv = Files.createDirectories(dir.resolve("osv"));
    try (var records =
        Files.list(Path.of(ImageSbomContractTest.class.getResource("/osv-os").toURI()))) {
      for (Path p : records.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.copy(p, osv.resolve(p.getFileName()));
      }
    }
    ts = new TestServer(kind(), dir, c -> c.withOsvSources(List.of(osv)));
    http = ts.http;
    releases =
        ts.server.features().stream()
            .filter(ReleasesFeature.class::isInstance)
            .map(f -> ((ReleasesFeature) f).releases())
            .findFirst()
            .orElseThrow();
    http.put(
        "/api/v1/services/shop",
        ADMIN,
        Map.of("team", "web", "area", "backend", "criticality", "high"));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  static Component.Origin deb(String source, String layer) {
    return new Component.Origin(
        source, null, "deb", true, List.of(new Component.Location(layer, DPKG)));
  }

  static Component debian(String name, String version, Component.Origin origin) {
    return new Component(
        name,
        name,
        version,
        "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12",
        origin);
  }

  /** An image: openssl and libssl3 (built from openssl) and bash in the base layer, npm on top. */
  static Sbom image() {
    return new Sbom(
        "CycloneDX",
        "1.6",
        List.of(
            debian("openssl", "3.0.11-1~deb12u1", deb(null, BASE)),
            debian("libssl3", "3.0.11-1~deb12u1", deb("openssl", BASE)),
            debian("bash", "5.2.15-2+b2", deb("bash", BASE)),
            new Component(
                "left-pad",
                "left-pad",
                "1.3.0",
                "pkg:npm/left-pad@1.3.0",
                new Component.Origin(
                    null,
                    null,
                    "npm",
                    false,
                    List.of(
                        new Component.Location(APP, "/app/node_modules/left-pad/package.json"),
                        new Component.Location(null, "/app/package-lock.json"))))),
        Map.of());
  }

  void store(String version, Sbom sbom) {
    http.post(
        "/api/v1/services/shop/releases", ADMIN, Map.of("version", version, "digest", DIGEST));
    Releases.Ready ready = (Releases.Ready) releases.intake(sbom);
    releases.uploadSbom(
        Principal.system(),
        "test",
        "shop",
        version,
        ("image " + version).getBytes(StandardCharsets.UTF_8),
        ready,
        false);
  }

  JsonNode byField(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + field + " " + value + " in " + array);
  }

  JsonNode finding(JsonNode findings, String id, String component) {
    for (JsonNode f : findings) {
      if (f.path("id").asText().equals(id) && f.path("component").asText().equals(component)) {
        return f;
      }
    }
    throw new AssertionError("no finding " + id + " of " + component + " in " + findings);
  }

  @Test
  void componentsKeepTheirOriginAndFindingsShowLayerAndPath() {
    store("1.0", image());
    JsonNode components =
        http.get("/api/v1/services/shop/releases/1.0/components", ADMIN).json().path("components");
    JsonNode libssl = byField(components, "ref", "libssl3");
    assertThat(libssl.path("origin").path("sourceName").asText()).isEqualTo("openssl");
    assertThat(libssl.path("origin").path("packageType").asText()).isEqualTo("deb");
    assertThat(libssl.path("origin").path("sourceRecorded").asBoolean()).isTrue();
    assertThat(libssl.path("origin").path("locations").get(0).path("layer").asText())
        .isEqualTo(BASE);
    JsonNode pad = byField(components, "ref", "left-pad");
    assertThat(pad.path("origin").path("locations")).hasSize(2);
    assertThat(pad.path("origin").path("locations").get(1).path("layer").isNull()).isTrue();
    assertThat(pad.path("origin").path("locations").get(1).path("path").asText())
        .isEqualTo("/app/package-lock.json");

    JsonNode findings =
        http.get("/api/v1/services/shop/releases/1.0/findings", ADMIN).json().path("findings");
    JsonNode openssl = finding(findings, "BWK-TEST-DEB-1", "openssl");
    assertThat(openssl.path("origin").path("locations").get(0).path("layer").asText())
        .isEqualTo(BASE);
    assertThat(openssl.path("origin").path("locations").get(0).path("path").asText())
        .isEqualTo(DPKG);
  }

  /**
   * OS-package findings get their SLA date from the service's tolerance like any other: a CVSS
   * vector rates the openssl record critical (14 days for a service of high criticality), the
   * unrated Debian record takes the medium row (60 days); nothing is left without a date.
   */
  @Test
  void osPackageFindingsGetDueDatesFromTheServicesTolerance() {
    store("2.0", image());
    JsonNode findings =
        http.get("/api/v1/services/shop/releases/2.0/findings", ADMIN).json().path("findings");
    JsonNode openssl = finding(findings, "BWK-TEST-DEB-1", "openssl");
    assertThat(openssl.path("severity").asText()).isEqualTo("critical");
    assertThat(due(openssl)).isEqualTo(Duration.ofDays(14));
    JsonNode bash = byField(findings, "id", "BWK-TEST-DEB-2");
    assertThat(bash.path("severity").asText()).isEqualTo("unknown");
    assertThat(due(bash)).isEqualTo(Duration.ofDays(60));
    for (JsonNode f : findings) {
      assertThat(f.path("due").isTextual()).as(f.toString()).isTrue();
    }
    JsonNode overdue = http.get("/api/v1/findings/overdue", ADMIN).json();
    assertThat(overdue.toString()).doesNotContain("BWK-TEST-DEB-1");
    ts.clock.advance(Duration.ofDays(15));
    try {
      assertThat(http.get("/api/v1/findings/overdue", ADMIN).json().toString())
          .contains("BWK-TEST-DEB-1")
          .doesNotContain("BWK-TEST-DEB-2");
    } finally {
      ts.clock.advance(Duration.ofDays(-15));
    }
  }

  static Duration due(JsonNode f) {
    return Duration.between(
        Instant.parse(f.path("firstSeen").asText()), Instant.parse(f.path("due").asText()));
  }

  /**
   * Needs the scanner to match a binary package by the source package its origin names (h/image-
   * sbom and h/os-ecosystems): skipped, visibly, before they are merged.
   */
  @Test
  void aBinaryPackageIsFoundByItsSourcePackage() {
    store("3.0", image());
    JsonNode findings =
        http.get("/api/v1/services/shop/releases/3.0/findings", ADMIN).json().path("findings");
    List<String> refs = new ArrayList<>();
    findings.forEach(f -> refs.add(f.path("component").asText() + " " + f.path("id").asText()));
    assumeTrue(
        refs.contains("libssl3 BWK-TEST-DEB-1"),
        "NOTICE: this build's scanner does not match binary packages by their source package yet");
    JsonNode libssl = finding(findings, "BWK-TEST-DEB-1", "libssl3");
    assertThat(libssl.path("origin").path("sourceName").asText()).isEqualTo("openssl");
    assertThat(due(libssl)).isEqualTo(Duration.ofDays(14));
  }

  /**
   * An advisory sync that publishes a record naming the source package re-evaluates the binary
   * packages built from it (the stored origin's source name), and the stored origin still decides
   * the match.
   */
  @Test
  void anAdvisorySyncReevaluatesBinaryPackagesByTheirSource() throws Exception {
    store("8.0", image());
    String record =
        Files.readString(osv.resolve("BWK-TEST-DEB-1.json"))
            .replace("BWK-TEST-DEB-1", "BWK-TEST-DEB-3")
            .replace("CVE-2099-0001", "CVE-2099-0003")
            .replace("3.0.11-1~deb12u2", "3.0.11-1~deb12u3");
    Files.writeString(osv.resolve("BWK-TEST-DEB-3.json"), record);
    try {
      Http.Response sync = http.post("/api/v1/advisories/sync", ADMIN, Map.of());
      assertThat(sync.status()).as(sync.text()).isEqualTo(200);
      JsonNode findings =
          http.get("/api/v1/services/shop/releases/8.0/findings", ADMIN).json().path("findings");
      assertThat(finding(findings, "BWK-TEST-DEB-3", "openssl").path("state").asText())
          .isEqualTo("open");
      JsonNode libssl = finding(findings, "BWK-TEST-DEB-3", "libssl3");
      assertThat(libssl.path("origin").path("sourceName").asText()).isEqualTo("openssl");
      assertThat(libssl.path("origin").path("locations").get(0).path("layer").asText())
          .isEqualTo(BASE);
    } finally {
      Files.delete(osv.resolve("BWK-TEST-DEB-3.json"));
      http.post("/api/v1/advisories/sync", ADMIN, Map.of());
    }
  }

  @Test
  void portfolioQueriesFindDebianPackagesByNameSourceAndRange() {
    store("4.0", image());
    JsonNode openssl =
        http.get("/api/v1/components?purl=" + Http.segment("pkg:deb/debian/openssl"), ADMIN).json();
    List<String> purls = new ArrayList<>();
    openssl
        .path("releases")
        .forEach(h -> purls.add(h.path("version").asText() + " " + h.path("purl").asText()));
    assertThat(purls)
        .contains(
            "4.0 pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
            "4.0 pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12");
    JsonNode viaSource =
        byField(
            openssl.path("releases"),
            "purl",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12");
    assertThat(viaSource.path("source").asText()).isEqualTo("openssl");
    assertThat(inRange("pkg:deb/debian/openssl", "vers:deb/>=3.0.0|<3.0.11-1~deb12u2", "4.0"))
        .isEqualTo(2);
    assertThat(inRange("pkg:deb/debian/openssl", "vers:deb/>=3.0.11-1~deb12u2", "4.0")).isZero();
    assertThat(inRange("pkg:deb/debian/bash", "vers:deb/<5.2.15-2+deb12u1", "4.0")).isEqualTo(1);
    assertThat(
            http.get(
                    "/api/v1/components?purl="
                        + Http.segment("pkg:deb/debian/bash")
                        + "&range="
                        + Http.segment("vers:npm/<1.0.0"),
                    ADMIN)
                .status())
        .isEqualTo(422);
    assertThat(
            http.get(
                    "/api/v1/components?purl="
                        + Http.segment("pkg:deb/debian/bash")
                        + "&range="
                        + Http.segment("vers:deb/<1.0|<2.0"),
                    ADMIN)
                .status())
        .isEqualTo(422);
    // Another team sees none of it.
    assertThat(
            http.get(
                    "/api/v1/components?purl=" + Http.segment("pkg:deb/debian/openssl"),
                    ts.token("auditor", "mail"))
                .json()
                .path("releases"))
        .isEmpty();
  }

  int inRange(String purl, String range, String version) {
    JsonNode r =
        http.get(
                "/api/v1/components?purl=" + Http.segment(purl) + "&range=" + Http.segment(range),
                ADMIN)
            .json();
    int n = 0;
    for (JsonNode h : r.path("releases")) {
      if (h.path("version").asText().equals(version)) {
        n++;
      }
    }
    return n;
  }

  /** A version the range's scheme cannot read is reported, not silently left out. */
  @Test
  void versionsTheRangeCannotCompareAreReported() {
    store(
        "5.0",
        new Sbom(
            "CycloneDX",
            "1.6",
            List.of(
                new Component(
                    "odd",
                    "odd",
                    "not_a_version!",
                    "pkg:npm/odd@not_a_version!",
                    Component.Origin.NONE)),
            Map.of()));
    JsonNode r =
        http.get(
                "/api/v1/components?purl="
                    + Http.segment("pkg:npm/odd")
                    + "&range="
                    + Http.segment("vers:npm/>=1.0.0"),
                ADMIN)
            .json();
    assertThat(r.path("releases")).isEmpty();
    assertThat(r.path("notCompared")).hasSize(1);
    assertThat(r.path("notCompared").get(0).path("reason").asText()).contains("not_a_version!");
  }

  static boolean has(String ecosystem) {
    return Arrays.stream(Ecosystem.values()).anyMatch(e -> e.name().equals(ecosystem));
  }

  /**
   * Alpine and Red Hat packages (h/os-ecosystems): by package, with vers:apk and vers:rpm ranges,
   * and their findings' SLA dates. Skipped, visibly, before the OS ecosystems are merged.
   */
  @Test
  void alpineAndRpmPackagesInFindingsAndPortfolio() {
    assumeTrue(
        has("ALPINE") && has("REDHAT"),
        "NOTICE: the ALPINE and REDHAT ecosystems (h/os-ecosystems) are not in this build");
    Component.Origin apk =
        new Component.Origin(
            "musl",
            null,
            "apk",
            true,
            List.of(new Component.Location(BASE, "/lib/apk/db/installed")));
    Component.Origin rpm =
        new Component.Origin(
            "openssl",
            null,
            "rpm",
            true,
            List.of(new Component.Location(BASE, "/var/lib/rpm/rpmdb.sqlite")));
    store(
        "6.0",
        new Sbom(
            "CycloneDX",
            "1.6",
            List.of(
                new Component(
                    "musl",
                    "musl",
                    "1.2.5-r0",
                    "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3",
                    apk),
                new Component(
                    "openssl-libs",
                    "openssl",
                    "3.0.7-17.el9",
                    "pkg:rpm/redhat/openssl@3.0.7-17.el9?arch=x86_64&epoch=1&distro=rhel-9.2",
                    rpm)),
            Map.of()));
    JsonNode findings =
        http.get("/api/v1/services/shop/releases/6.0/findings", ADMIN).json().path("findings");
    JsonNode musl = byField(findings, "id", "BWK-TEST-ALPINE-1");
    assertThat(musl.path("severity").asText()).isEqualTo("high");
    assertThat(due(musl)).isEqualTo(Duration.ofDays(30));
    assertThat(musl.path("origin").path("locations").get(0).path("path").asText())
        .isEqualTo("/lib/apk/db/installed");
    JsonNode rh = byField(findings, "id", "BWK-TEST-RHSA-1");
    assertThat(rh.path("severity").asText()).isEqualTo("high");
    assertThat(due(rh)).isEqualTo(Duration.ofDays(30));
    assertThat(inRange("pkg:apk/alpine/musl", "vers:apk/<1.2.5-r1", "6.0")).isEqualTo(1);
    assertThat(inRange("pkg:apk/alpine/musl", "vers:apk/>=1.2.5-r1", "6.0")).isZero();
    assertThat(inRange("pkg:rpm/redhat/openssl", "vers:rpm/<1:3.0.7-18.el9_2", "6.0")).isEqualTo(1);
    assertThat(inRange("pkg:rpm/redhat/openssl", "vers:rpm/<3.0.7-18.el9_2", "6.0")).isZero();
  }

  /**
   * A Syft CycloneDX document over HTTP: the parser's origin (h/image-sbom) is stored and served.
   * Skipped, visibly, while this build's parser does not read Syft's location properties.
   */
  @Test
  void aSyftImageSbomUploadKeepsLayersAndPaths() throws Exception {
    byte[] body =
        ImageSbomContractTest.class
            .getResourceAsStream("/sbom-image/syft-debian-image.cdx.json")
            .readAllBytes();
    http.post("/api/v1/services/shop/releases", ADMIN, Map.of("version", "7.0", "digest", DIGEST));
    Http.Response up =
        http.send(
            "/api/v1/services/shop/releases/7.0/sbom",
            ADMIN,
            "PUT",
            "application/vnd.cyclonedx+json",
            body);
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    assertThat(up.json().path("components").asInt()).isEqualTo(3);
    Sbom parsed = SbomParser.parse("sbom", new ByteArrayInputStream(body));
    assumeTrue(
        parsed.components().stream().anyMatch(c -> !c.origin().locations().isEmpty()),
        "NOTICE: this build's SbomParser does not read Syft's syft:location properties yet");
    JsonNode components =
        http.get("/api/v1/services/shop/releases/7.0/components", ADMIN).json().path("components");
    JsonNode openssl =
        byField(
            components,
            "purl",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12");
    assertThat(openssl.path("origin").path("locations").get(0).path("layer").asText())
        .startsWith("sha256:3c9f0a4e");
    assertThat(openssl.path("origin").path("locations").get(0).path("path").asText())
        .isEqualTo(DPKG);
    JsonNode findings =
        http.get("/api/v1/services/shop/releases/7.0/findings", ADMIN).json().path("findings");
    assertThat(byField(findings, "id", "BWK-TEST-DEB-1").path("origin").path("locations"))
        .isNotEmpty();
  }
}
