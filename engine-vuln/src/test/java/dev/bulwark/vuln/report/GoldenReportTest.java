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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every report format of one scan, compared byte for byte with reviewed golden files in {@code
 * src/test/resources/golden}. To accept a deliberate change, run with {@code -Dgolden.update=true}
 * and review the diff before committing.
 */
class GoldenReportTest {
  static List<ScanReport.Scanned> scans;

  /** Where the scan "ran": SBOM paths in SARIF are relative to it. */
  static final Path BASE = Path.of("/work/app").toAbsolutePath();

  static Path resource(String p) throws Exception {
    return Path.of(GoldenReportTest.class.getResource("/" + p).toURI());
  }

  @BeforeAll
  static void scan() throws Exception {
    List<Advisory> advisories = new ArrayList<>();
    OsvLoader.load(resource("osv/crates"), advisories);
    // GitHub's record of RUSTSEC-2023-0001, which carries no severity of its own: the finding
    // takes the GHSA record's CVSS vector.
    OsvLoader.load(resource("osv/ghsa"), advisories);
    ScanResult r =
        new Scanner(AdvisoryIndex.build(advisories))
            .scan(SbomParser.parse(resource("golden/app.cdx.json")));
    scans = List.of(new ScanReport.Scanned("app.cdx.json", r));
  }

  static void golden(String name, String actual) throws Exception {
    Path file = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void everyComponentIsAccountedFor() {
    ScanResult r = scans.get(0).result();
    assertThat(r.componentCount()).isEqualTo(10);
    assertThat(r.vulnerable()).hasSize(3);
    assertThat(r.clean()).hasSize(1);
    // Only crates.io advisories are loaded: the npm component was not checked.
    assertThat(r.notCovered()).extracting(c -> c.ref()).containsExactly("leftpad");
    assertThat(r.unmatched())
        .extracting(ScanResult.Unmatched::reason)
        .containsExactlyInAnyOrder(
            "no purl",
            "purl type 'generic' has no supported ecosystem",
            "no version",
            r.unmatched().stream()
                .filter(u -> u.component().ref().equals("banana"))
                .findFirst()
                .orElseThrow()
                .reason(),
            r.unmatched().stream()
                .filter(u -> u.component().ref().equals("broken"))
                .findFirst()
                .orElseThrow()
                .reason());
    assertThat(
            r.unmatched().stream()
                .filter(u -> u.component().ref().equals("banana"))
                .findFirst()
                .orElseThrow()
                .reason())
        .contains("banana");
    assertThat(
            r.unmatched().stream()
                .filter(u -> u.component().ref().equals("broken"))
                .findFirst()
                .orElseThrow()
                .reason())
        .contains("purl");
  }

  @Test
  void json() throws Exception {
    golden("scan.json", ScanReport.toJson(ScanReport.json(scans, 0)) + "\n");
  }

  @Test
  void sarif() throws Exception {
    golden("scan.sarif", ScanReport.toJson(ScanReport.sarif(scans, "test", BASE)) + "\n");
  }

  @Test
  void vdr() throws Exception {
    golden(
        "scan.vdr.json",
        ScanReport.toJson(
                ScanReport.vdr(
                    scans, "test", Instant.parse("2026-01-01T00:00:00Z"), new UUID(0, 1)))
            + "\n");
  }

  @Test
  void theVdrValidatesAgainstTheCycloneDx16Schema() throws Exception {
    String vdr =
        ScanReport.toJson(
            ScanReport.vdr(scans, "test", Instant.parse("2026-01-01T00:00:00Z"), new UUID(0, 1)));
    var errors =
        new org.cyclonedx.parsers.JsonParser()
            .validate(vdr.getBytes(StandardCharsets.UTF_8), org.cyclonedx.Version.VERSION_16);
    assertThat(errors).as("%s", errors).isEmpty();
    // The validator does reject a wrong document: a severity outside the schema's enumeration.
    var broken =
        new org.cyclonedx.parsers.JsonParser()
            .validate(
                vdr.replace("\"critical\"", "\"catastrophic\"").getBytes(StandardCharsets.UTF_8),
                org.cyclonedx.Version.VERSION_16);
    assertThat(broken).isNotEmpty();
  }

  @Test
  void table() throws Exception {
    StringWriter w = new StringWriter();
    ScanReport.table(new PrintWriter(w), scans, false);
    golden("scan.txt", w + ScanReport.summary(scans, 0) + "\n");
  }
}
