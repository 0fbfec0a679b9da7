package dev.bulwark.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming skim rates a record exactly as the full parse does, so a record known only by its
 * links (a selective load, a snapshot) rates its aliases as it would loaded in full.
 */
class SkimSeverityTest {
  static void same(String where, byte[] bytes) throws Exception {
    Severity full = OsvParser.parse(where, bytes, false).severity();
    assertThat(OsvParser.skim(where, bytes).links().severity()).as(where).isEqualTo(full);
  }

  @Test
  void everyRealRecordOfTheTestsIsRatedAlike() throws Exception {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("osv/go", "osv/crates", "osv/ghsa")) {
      files.addAll(
          OsvLoader.recordFiles(Path.of(SkimSeverityTest.class.getResource("/" + dir).toURI())));
    }
    assertThat(files).hasSizeGreaterThan(9);
    int rated = 0;
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      same(f.toString(), bytes);
      if (OsvParser.parse(f.toString(), bytes, false).severity().known()) {
        rated++;
      }
    }
    assertThat(rated).as("some records are rated, so the comparison means something").isPositive();
  }

  @Test
  void ratingsGivenOnlyPerAffectedPackageAreRatedAlike() throws Exception {
    String[] records = {
      // RustSec style: the vector in affected[].database_specific.cvss only.
      """
      {"id": "A-1", "affected": [{"package": {"ecosystem": "crates.io", "name": "x"},
        "database_specific": {"cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]}
      """,
      // A rating per package, the graver of two wins.
      """
      {"id": "A-2", "affected": [
        {"package": {"ecosystem": "npm", "name": "a"}, "ecosystem_specific": {"severity": "LOW"}},
        {"package": {"ecosystem": "npm", "name": "b"},
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]}]}
      """,
      // Top-level database rating beats the per-package one; unknown fields are skipped.
      """
      {"id": "A-3", "database_specific": {"severity": "MODERATE", "other": [1, {"x": 2}]},
       "affected": [{"package": {"ecosystem": "npm", "name": "a"},
                     "database_specific": {"severity": "CRITICAL"}}]}
      """,
      // Nothing rated; a null severity.
      """
      {"id": "A-4", "severity": null, "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}
      """
    };
    for (String r : records) {
      same("test.json", r.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(
            OsvParser.skim("t", records[0].getBytes(StandardCharsets.UTF_8))
                .links()
                .severity()
                .level())
        .isEqualTo(Severity.Level.CRITICAL);
  }
}
