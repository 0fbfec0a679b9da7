package dev.bulwark.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every report of a scan of an image SBOM (Syft's properties), golden: each finding says which
 * layer and path brought the package, the same crate in the base layer and in the application's
 * layer are two findings (and two SARIF alerts), a purl whose type disagrees with the recorded
 * package type and an OS package without a purl are listed with their reasons and origins.
 */
class ImageGoldenReportTest {
  static List<ScanReport.Scanned> scans;

  @BeforeAll
  static void scan() throws Exception {
    List<Advisory> advisories = new ArrayList<>();
    OsvLoader.load(GoldenReportTest.resource("osv/crates"), advisories);
    OsvLoader.load(GoldenReportTest.resource("osv/ghsa"), advisories);
    ScanResult r =
        new Scanner(AdvisoryIndex.build(advisories))
            .scan(SbomParser.parse(GoldenReportTest.resource("golden/image.cdx.json")));
    scans = List.of(new ScanReport.Scanned("image.cdx.json", r));
  }

  @Test
  void everyComponentIsAccountedForAndTheConflictIsReported() {
    ScanResult r = scans.get(0).result();
    assertThat(r.componentCount()).isEqualTo(6);
    assertThat(r.vulnerable())
        .extracting(v -> v.component().ref())
        .containsExactlyInAnyOrder("smallvec-base", "smallvec-app", "tokio");
    assertThat(r.typeConflicts())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.component().ref()).isEqualTo("conflict");
              assertThat(u.reason()).contains("'npm'").contains("'deb'");
            });
    assertThat(r.unmatched())
        .filteredOn(u -> u.component().ref().equals("base-files"))
        .singleElement()
        .satisfies(u -> assertThat(u.reason()).startsWith("no purl, though").contains("deb"));
    assertThat(r.notCovered()).extracting(c -> c.ref()).containsExactly("libssl3");
  }

  @Test
  void json() throws Exception {
    GoldenReportTest.golden("image-scan.json", ScanReport.toJson(ScanReport.json(scans, 0)) + "\n");
  }

  @Test
  void sarif() throws Exception {
    String sarif = ScanReport.toJson(ScanReport.sarif(scans, "test", GoldenReportTest.BASE));
    GoldenReportTest.golden("image-scan.sarif", sarif + "\n");
    SarifSchemaTest.loadSchema();
    assertThat(SarifSchemaTest.errors(sarif)).isEmpty();
    // The two smallvec findings are two alerts: their fingerprints differ by path.
    assertThat(sarif.split("\"bulwark/v1\"", -1)).hasSize(4);
    assertThat(
            java.util.regex.Pattern.compile("\"bulwark/v1\" : \"([0-9a-f]+)\"")
                .matcher(sarif)
                .results()
                .map(m -> m.group(1))
                .distinct()
                .count())
        .isEqualTo(3);
  }

  @Test
  void vdrValidatesAgainstCycloneDx16() throws Exception {
    String vdr =
        ScanReport.toJson(
            ScanReport.vdr(scans, "test", Instant.parse("2026-01-01T00:00:00Z"), new UUID(0, 1)));
    GoldenReportTest.golden("image-scan.vdr.json", vdr + "\n");
    var errors =
        new org.cyclonedx.parsers.JsonParser()
            .validate(vdr.getBytes(StandardCharsets.UTF_8), org.cyclonedx.Version.VERSION_16);
    assertThat(errors).as("%s", errors).isEmpty();
  }

  @Test
  void table() throws Exception {
    StringWriter w = new StringWriter();
    ScanReport.table(new PrintWriter(w), scans, false);
    GoldenReportTest.golden("image-scan.txt", w + ScanReport.summary(scans, 0) + "\n");
  }
}
