package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark scan}, offline: formats, thresholds and exit codes. */
class ScanCommandTest {
  @TempDir Path dir;
  Path osv;
  Path sbom;

  record Result(int code, String out, String err) {}

  Result run(String... args) {
    if (args.length > 0 && args[0].equals("scan")) {
      String[] withCache = java.util.Arrays.copyOf(args, args.length + 1);
      withCache[args.length] = "--cache-dir=" + dir.resolve("cache");
      args = withCache;
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void fixtures() throws Exception {
    osv = Files.createDirectories(dir.resolve("osv"));
    Files.writeString(
        osv.resolve("GHSA-test-0001.json"),
        """
        {"id": "GHSA-test-0001", "aliases": ["CVE-2099-0001"],
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"}],
         "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]}
        """);
    Files.writeString(
        osv.resolve("PYSEC-2099-1.yaml"),
        """
        id: PYSEC-2099-1
        aliases: [CVE-2099-0001]
        affected:
          - package: {ecosystem: PyPI, name: requests}
            ranges:
              - type: ECOSYSTEM
                events: [{introduced: "0"}, {fixed: "2.31.0"}]
        """);
    sbom = dir.resolve("app.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"bom-ref": "a", "name": "left-pad", "version": "1.1.0", "purl": "pkg:npm/left-pad@1.1.0"},
          {"bom-ref": "b", "name": "Requests", "version": "2.30.0", "purl": "pkg:pypi/Requests@2.30.0"},
          {"bom-ref": "c", "name": "ok", "version": "1.0.0", "purl": "pkg:npm/ok@1.0.0"},
          {"bom-ref": "d", "name": "mystery"}]}
        """);
  }

  @Test
  void vexStatementsSuppressFindingsVisibly() throws Exception {
    Path vex = dir.resolve("app.openvex.json");
    Files.writeString(
        vex,
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-2099-0001"}, "products": ["pkg:npm/left-pad@1.1.0"],
           "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
          {"vulnerability": "CVE-2099-0001", "products": ["pkg:pypi/requests@2.29.0"],
           "status": "not_affected", "justification": "component_not_present"}]}
        """);
    Result r =
        run(
            "scan",
            sbom.toString(),
            "--osv",
            osv.toString(),
            "--format",
            "json",
            "--vex",
            vex.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.path("findings").toString())
        .doesNotContain("left-pad")
        .as("a statement about another version does not apply")
        .contains("pkg:pypi/Requests@2.30.0");
    assertThat(doc.path("suppressed")).hasSize(1);
    assertThat(doc.path("suppressed").get(0).path("purl").asText())
        .isEqualTo("pkg:npm/left-pad@1.1.0");
    assertThat(doc.path("suppressed").get(0).path("justification").asText())
        .isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(r.err()).contains("1 suppressed by VEX");

    Files.writeString(
        vex,
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"status\": \"gone\"}]}");
    Result bad = run("scan", sbom.toString(), "--osv", osv.toString(), "--vex", vex.toString());
    assertThat(bad.code()).isEqualTo(4);
    assertThat(bad.err()).contains("statements[0].vulnerability");
    assertThat(
            run(
                    "scan",
                    sbom.toString(),
                    "--osv",
                    osv.toString(),
                    "--vex",
                    dir.resolve("nope.json").toString())
                .code())
        .isEqualTo(4);
  }

  @Test
  void jsonHasTheContractsFields() throws Exception {
    Result r = run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.path("findings")).hasSize(2);
    JsonNode first = doc.path("findings").get(0);
    assertThat(first.path("purl").asText()).isEqualTo("pkg:npm/left-pad@1.1.0");
    assertThat(first.path("id").asText()).isEqualTo("GHSA-test-0001");
    assertThat(first.path("aliases").get(0).asText()).isEqualTo("CVE-2099-0001");
    assertThat(first.path("severity").asText()).isEqualTo("medium");
    assertThat(first.path("fixed").asText()).isEqualTo("1.3.0");
    assertThat(doc.path("findings").get(1).path("id").asText()).isEqualTo("PYSEC-2099-1");
    assertThat(doc.path("unmatched")).hasSize(1);
    assertThat(doc.path("unmatched").get(0).path("reason").asText()).isEqualTo("no purl");
    assertThat(doc.path("summary").path("components").asInt()).isEqualTo(4);
    assertThat(r.err()).contains("4 components").contains("ms");
  }

  @Test
  void theSnapshotGivesTheSameAnswerAsAFullRead() throws Exception {
    Result first = run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json");
    Result cached = run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json");
    Result full =
        run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json", "--no-cache");
    JsonNode a = Json.MAPPER.readTree(first.out());
    JsonNode b = Json.MAPPER.readTree(cached.out());
    JsonNode c = Json.MAPPER.readTree(full.out());
    assertThat(b.path("findings")).isEqualTo(a.path("findings")).isEqualTo(c.path("findings"));
    assertThat(b.path("unmatched")).isEqualTo(c.path("unmatched"));
    try (var files = Files.list(dir.resolve("cache"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".snapshot")).count()).isEqualTo(1);
    }
    // A changed source makes a new snapshot: the new record is found.
    Files.writeString(
        osv.resolve("NEW-1.json"),
        "{\"id\": \"NEW-1\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"ok\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\"}]}]}]}");
    JsonNode after =
        Json.MAPPER.readTree(
            run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json").out());
    assertThat(after.path("findings")).hasSize(3);
  }

  @Test
  void failOnSetsTheExitCode() throws Exception {
    Files.writeString(
        osv.resolve("UNRATED-1.json"),
        """
        {"id": "UNRATED-1",
         "affected": [{"package": {"ecosystem": "npm", "name": "ok"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        """);
    assertThat(run("scan", sbom.toString(), "--osv", osv.toString(), "--fail-on", "medium").code())
        .isEqualTo(1);
    // UNRATED-1 has no severity, nor aliases to take one from: it fails a high threshold unless
    // told otherwise (fail closed).
    Result high = run("scan", sbom.toString(), "--osv", osv.toString(), "--fail-on", "high");
    assertThat(high.code()).isEqualTo(1);
    assertThat(high.err())
        .contains("1 finding has no known severity; --fail-on high counts them as failing");
    assertThat(
            run(
                    "scan",
                    sbom.toString(),
                    "--osv",
                    osv.toString(),
                    "--fail-on",
                    "high",
                    "--unknown-severity",
                    "ignore")
                .code())
        .isZero();
    assertThat(
            run(
                    "scan",
                    sbom.toString(),
                    "--osv",
                    osv.toString(),
                    "--fail-on",
                    "high",
                    "--unknown-severity=low")
                .code())
        .isZero();
    assertThat(
            run(
                    "scan",
                    sbom.toString(),
                    "--osv",
                    osv.toString(),
                    "--fail-on",
                    "critical",
                    "--unknown-severity=critical")
                .code())
        .isEqualTo(1);
    assertThat(
            run(
                    "scan",
                    sbom.toString(),
                    "--osv",
                    osv.toString(),
                    "--fail-on",
                    "high",
                    "--unknown-severity=maybe")
                .code())
        .isEqualTo(2);
    assertThat(run("scan", sbom.toString(), "--osv", osv.toString(), "--fail-on", "any").code())
        .isEqualTo(1);
    assertThat(run("scan", sbom.toString(), "--osv", osv.toString()).code()).isZero();
    assertThat(run("scan", sbom.toString(), "--osv", osv.toString(), "--fail-on", "severe").code())
        .isEqualTo(2);
  }

  @Test
  void sarifAndVdrAreValidDocuments() throws Exception {
    JsonNode sarif =
        Json.MAPPER.readTree(
            run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "sarif").out());
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    assertThat(sarif.path("runs").get(0).path("results")).hasSize(2);
    assertThat(
            sarif
                .path("runs")
                .get(0)
                .path("results")
                .get(0)
                .path("locations")
                .get(0)
                .path("physicalLocation")
                .path("artifactLocation")
                .path("uri")
                .asText())
        .isEqualTo("app.cdx.json");
    // The SBOM lies outside the working directory: its URI is relative to its own directory.
    assertThat(
            sarif
                .at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uriBaseId")
                .asText())
        .isEqualTo("SBOMDIR");
    assertThat(sarif.at("/runs/0/tool/driver/rules/0/helpUri").asText())
        .startsWith("https://osv.dev/vulnerability/");
    JsonNode vdr =
        Json.MAPPER.readTree(
            run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "vdr").out());
    assertThat(vdr.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(vdr.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(vdr.path("vulnerabilities")).hasSize(2);
  }

  @Test
  void tableGroupsByComponentWithASummaryLine() {
    Result r = run("scan", sbom.toString(), "--osv", osv.toString());
    assertThat(r.out()).contains("pkg:npm/left-pad@1.1.0  ->  upgrade to 1.3.0 (clears 1 of 1)");
    assertThat(r.out()).doesNotContain("\u001b[");
    assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
        .contains(
            "1 SBOM, 4 components: 2 vulnerable (2 findings: 2 medium, 1 rated by an alias), 1"
                + " clean, 1 unmatched");
    // PYSEC-2099-1 carries no severity; GHSA-test-0001, of the same CVE, rates it.
    assertThat(r.out()).contains("PYSEC-2099-1").contains("[alias GHSA-test-0001 CVSS_V3 6.5]");
  }

  @Test
  void componentsOfEcosystemsWithoutAdvisoriesAreNotCoveredNotClean() throws Exception {
    Path maven = dir.resolve("maven.cdx.json");
    Files.writeString(
        maven,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"bom-ref": "g", "name": "guava", "version": "20.0", "purl": "pkg:maven/com.google.guava/guava@20.0"},
          {"bom-ref": "n", "name": "ok", "version": "1.0.0", "purl": "pkg:npm/ok@1.0.0"}]}
        """);
    Result table = run("scan", maven.toString(), "--osv", osv.toString());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("Not covered (no advisories loaded for Maven): 1 components")
        .contains("1 clean, 0 unmatched, 1 not covered (no advisories for Maven)");
    assertThat(table.err().lines().filter(l -> l.contains("warning")).toList())
        .containsExactly(
            "bulwark: warning: no advisories are loaded for Maven: 1 component is not covered"
                + " (neither checked nor clean); add their OSV exports with --osv");
    JsonNode doc =
        Json.MAPPER.readTree(
            run("scan", maven.toString(), "--osv", osv.toString(), "--format", "json").out());
    assertThat(doc.path("notCovered")).hasSize(1);
    assertThat(doc.at("/notCovered/0/ecosystem").asText()).isEqualTo("Maven");
    assertThat(doc.at("/summary/clean").asInt()).isEqualTo(1);
    assertThat(doc.at("/summary/notCovered").asInt()).isEqualTo(1);
    // Quiet: the result only.
    Result quiet = run("scan", maven.toString(), "--osv", osv.toString(), "--format", "json", "-q");
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  void aFindingWithoutSeverityTakesItsAliasRatingAndSaysWhere() throws Exception {
    Files.writeString(
        osv.resolve("NOSEV-1.json"),
        """
        {"id": "NOSEV-1", "aliases": ["CVE-2099-0002"],
         "affected": [{"package": {"ecosystem": "npm", "name": "ok"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        """);
    Files.writeString(
        osv.resolve("CVE-2099-0002.json"),
        """
        {"id": "CVE-2099-0002",
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
         "affected": [{"package": {"ecosystem": "npm", "name": "not-in-the-sbom"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        """);
    for (String cache : new String[] {"-q", "--no-cache"}) {
      Result r = run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "json", cache);
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode doc = Json.MAPPER.readTree(r.out());
      JsonNode ok = null;
      for (JsonNode f : doc.path("findings")) {
        if (f.path("id").asText().equals("NOSEV-1")) {
          ok = f;
        }
      }
      assertThat(ok).as(doc.toString()).isNotNull();
      assertThat(ok.path("severity").asText()).isEqualTo("high");
      assertThat(ok.path("score").asDouble()).isEqualTo(7.5);
      assertThat(ok.at("/severitySource/record").asText()).isEqualTo("CVE-2099-0002");
      assertThat(ok.at("/severitySource/alias").asBoolean()).isTrue();
      assertThat(ok.at("/severitySource/type").asText()).isEqualTo("CVSS_V3");
      // PYSEC-2099-1 is rated by its alias GHSA-test-0001 as well.
      assertThat(doc.at("/summary/ratedByAlias").asInt()).isEqualTo(2);
      assertThat(doc.at("/summary/unknownSeverity").asInt()).isZero();
    }
    Result table = run("scan", sbom.toString(), "--osv", osv.toString());
    assertThat(table.out()).contains("[alias CVE-2099-0002 CVSS_V3 7.5]");
  }

  @Test
  void outputWritesTheResultToAFile() throws Exception {
    Path file = dir.resolve("out/scan.sarif");
    Files.createDirectories(file.getParent());
    Result r =
        run(
            "scan",
            sbom.toString(),
            "--osv",
            osv.toString(),
            "--format",
            "sarif",
            "-o",
            file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Json.MAPPER.readTree(file.toFile()).path("version").asText()).isEqualTo("2.1.0");
    assertThat(r.err()).contains("4 components");
    Result table = run("scan", sbom.toString(), "--osv", osv.toString(), "-o", file.toString());
    assertThat(table.out()).isEmpty();
    assertThat(Files.readString(file)).contains("pkg:npm/left-pad@1.1.0  ->  upgrade to 1.3.0");
    assertThat(run("scan", sbom.toString(), "--osv", osv.toString(), "--format", "pdf").code())
        .isEqualTo(2);
  }

  @Test
  void badInputsExitFourNamingTheFile() throws Exception {
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "");
    Result e = run("scan", empty.toString(), "--osv", osv.toString());
    assertThat(e.code()).isEqualTo(4);
    assertThat(e.err()).contains("empty.json: is empty");
    Result d = run("scan", dir.toString(), "--osv", osv.toString());
    assertThat(d.code()).isEqualTo(4);
    assertThat(d.err()).contains("is a directory");
    Result noOsv = run("scan", sbom.toString(), "--osv", dir.resolve("nothing.zip").toString());
    assertThat(noOsv.code()).isEqualTo(4);
    assertThat(noOsv.err()).contains("nothing.zip");
  }

  @Test
  void badInputsExitTwoNamingTheFile() throws Exception {
    Path truncated = dir.resolve("truncated.json");
    Files.writeString(truncated, "{\"bomFormat\": \"CycloneDX\", \"components\": [\n{\"name\": ");
    Result r = run("scan", truncated.toString(), "--osv", osv.toString());
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("truncated.json").contains("line 2");
    Path xxe = dir.resolve("evil.xml");
    Files.writeString(
        xxe,
        "<?xml version=\"1.0\"?><!DOCTYPE bom [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component><name>&x;</name></component></components></bom>");
    Result evil = run("scan", xxe.toString(), "--osv", osv.toString());
    assertThat(evil.code()).isEqualTo(4);
    assertThat(evil.err()).contains("DTD").doesNotContain("root:x");
    Files.writeString(osv.resolve("broken.json"), "{\"id\": ");
    Result badOsv = run("scan", sbom.toString(), "--osv", osv.toString());
    assertThat(badOsv.code()).isEqualTo(4);
    assertThat(badOsv.err()).contains("broken.json:1:");
    assertThat(run("scan", dir.resolve("missing.json").toString(), "--osv", dir.toString()).code())
        .isEqualTo(4);
    assertThat(run("scan", sbom.toString()).code()).isEqualTo(2);
  }

  @Test
  void anImageSbomNamesTheLayerAndPathOfEachFindingAndWarnsOfATypeConflict() throws Exception {
    Path image = dir.resolve("image.cdx.json");
    Files.writeString(
        image,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"tools": {"components": [{"type": "application", "name": "syft"}]}},
         "components": [
          {"bom-ref": "a", "name": "left-pad", "version": "1.1.0", "purl": "pkg:npm/left-pad@1.1.0",
           "properties": [{"name": "syft:package:type", "value": "npm"},
                          {"name": "syft:location:0:layerID", "value": "sha256:75e43d55939745950bc3f8fad56c5834617c4339f0f54755e69a0dd5372624e9"},
                          {"name": "syft:location:0:path", "value": "/app/node_modules/left-pad/package.json"}]},
          {"bom-ref": "b", "name": "requests", "version": "2.30.0", "purl": "pkg:pypi/requests@2.30.0",
           "properties": [{"name": "syft:package:type", "value": "deb"}]}]}
        """);
    Result table = run("scan", image.toString(), "--osv", osv.toString());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("found in layer sha256:75e43d559397, /app/node_modules/left-pad/package.json")
        .contains("the purl type 'pypi' disagrees with the package type 'deb'");
    assertThat(table.err()).contains("warning: 1 component has a purl whose type disagrees");

    Result json = run("scan", image.toString(), "--osv", osv.toString(), "--format", "json");
    JsonNode doc = Json.MAPPER.readTree(json.out());
    assertThat(doc.at("/findings/0/locations/0/path").asText())
        .isEqualTo("/app/node_modules/left-pad/package.json");
    assertThat(doc.at("/unmatched/0/typeConflict").asBoolean()).isTrue();
    assertThat(doc.at("/summary/typeConflicts").asInt()).isEqualTo(1);

    Result sarif = run("scan", image.toString(), "--osv", osv.toString(), "--format", "sarif");
    JsonNode run = Json.MAPPER.readTree(sarif.out()).at("/runs/0/results/0");
    assertThat(run.at("/locations/0/logicalLocations/0/name").asText())
        .isEqualTo("/app/node_modules/left-pad/package.json");
    assertThat(run.at("/properties/locations/0/layer").asText()).startsWith("sha256:75e43d55");
  }

  @Test
  void anSbomOfThisMachinesDebianPackagesIsWrittenAndScanned() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/dpkg-query"))) {
      System.out.println("SKIPPED: no /usr/bin/dpkg-query here; sbom from-dpkg is not exercised");
      org.junit.jupiter.api.Assumptions.abort("no dpkg-query");
    }
    Path host = dir.resolve("host.cdx.json");
    Result made = run("sbom", "from-dpkg", "-o", host.toString());
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(made.err()).contains("packages of ").contains("written to " + host);
    Files.writeString(
        osv.resolve("DEBIAN-CVE-2011-3374.json"),
        """
        {"id": "DEBIAN-CVE-2011-3374", "upstream": ["CVE-2011-3374"],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "apt"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
        """);
    Result scan = run("scan", host.toString(), "--osv", osv.toString(), "--format", "json");
    assertThat(scan.code()).as(scan.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(scan.out());
    long packages = Json.MAPPER.readTree(Files.readString(host)).path("components").size();
    assertThat(doc.at("/summary/components").asLong()).isEqualTo(packages);
    assertThat(doc.at("/summary/typeConflicts").asInt()).isZero();
    if (Files.readString(host).contains("\"name\" : \"apt\"")) {
      assertThat(doc.path("findings").findValuesAsText("id")).contains("DEBIAN-CVE-2011-3374");
    }
  }

  @Test
  void sbomFromDpkgReadsAListingAndAnOsReleaseGiven() throws Exception {
    Path listing = dir.resolve("dpkg.txt");
    Files.writeString(
        listing,
        "libssl3\t3.0.11-1~deb12u2\tamd64\topenssl\t3.0.11-1~deb12u2\tii \n"
            + "bash\t5.2.15-2+b2\tamd64\t\t5.2.15-2+b2\tii \n"
            + "oldpkg\t1.0\tamd64\t\t1.0\trc \n");
    Path osRelease = dir.resolve("os-release");
    Files.writeString(osRelease, "ID=debian\nVERSION_ID=\"12\"\n");
    Path out = dir.resolve("listed.cdx.json");
    Result r =
        run(
            "sbom",
            "from-dpkg",
            "--dpkg-output",
            listing.toString(),
            "--os-release",
            osRelease.toString(),
            "-o",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("2 packages of debian-12").contains("1 not installed");
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.at("/components/0/purl").asText())
        .isEqualTo(
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl");
    assertThat(doc.at("/components/1/purl").asText())
        .isEqualTo("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12");

    Files.writeString(listing, "only\ttwo\n");
    Result bad =
        run(
            "sbom",
            "from-dpkg",
            "--dpkg-output",
            listing.toString(),
            "--os-release",
            osRelease.toString());
    assertThat(bad.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(bad.err()).contains(listing.toString()).contains("line 1").contains("tab-separated");
  }
}
