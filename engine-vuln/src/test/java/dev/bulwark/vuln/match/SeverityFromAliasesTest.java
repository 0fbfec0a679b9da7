package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.osv.OsvSnapshot;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.Ecosystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * A vulnerability whose matching records carry no severity (the Go database's) takes the rating of
 * its aliases when they are loaded (GitHub's, NVD's): the graver one, named, with its vector. The
 * same whether the advisories are loaded in full, selectively or from a snapshot.
 */
class SeverityFromAliasesTest {
  static final String CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
  static final String HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"; // 7.5
  static final String MEDIUM = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:L"; // 5.4

  static final Component GIN =
      new Component("gin", "gin", "1.4.0", "pkg:golang/example.com/gin@1.4.0");

  /**
   * A Go record without severity, affecting example.com/gin below 1.6.0, aliasing {@code aliases}.
   */
  static String goRecord(String id, String... aliases) {
    return """
        {"id": "%s", "aliases": [%s],
         "affected": [{"package": {"ecosystem": "Go", "name": "example.com/gin"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.6.0"}]}]}]}
        """
        .formatted(id, quoted(aliases));
  }

  /**
   * An alias record that does not name the component's package (NVD's CVE records name none), with
   * a CVSS vector, a database rating, or neither.
   */
  static String aliasRecord(String id, String vector, String rating, String... aliases) {
    return """
        {"id": "%s", "aliases": [%s]%s%s,
         "affected": [{"package": {"ecosystem": "npm", "name": "unrelated-%s"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        """
        .formatted(
            id,
            quoted(aliases),
            vector == null
                ? ""
                : ", \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"" + vector + "\"}]",
            rating == null ? "" : ", \"database_specific\": {\"severity\": \"" + rating + "\"}",
            id.toLowerCase(java.util.Locale.ROOT));
  }

  private static String quoted(String... ids) {
    return String.join(", ", java.util.Arrays.stream(ids).map(i -> "\"" + i + "\"").toList());
  }

  static ScanResult.Finding only(ScanResult r) {
    assertThat(r.vulnerable()).hasSize(1);
    assertThat(r.vulnerable().get(0).findings()).hasSize(1);
    return r.vulnerable().get(0).findings().get(0);
  }

  static ScanResult.Finding scanFull(List<String> records) throws Exception {
    List<Advisory> all = new ArrayList<>();
    for (String r : records) {
      all.add(Fixtures.json(r));
    }
    return only(new Scanner(AdvisoryIndex.build(all)).scan(List.of(GIN)));
  }

  @Test
  void aRecordWithoutSeverityTakesItsAliasRating() throws Exception {
    ScanResult.Finding f =
        scanFull(
            List.of(
                goRecord("GO-2020-0001", "GHSA-aaaa-bbbb-cccc", "CVE-2020-0001"),
                aliasRecord("GHSA-aaaa-bbbb-cccc", HIGH, "HIGH", "CVE-2020-0001")));
    assertThat(f.id()).isEqualTo("GO-2020-0001");
    assertThat(f.severity().level()).isEqualTo(Severity.Level.HIGH);
    assertThat(f.severity().score()).isEqualTo(7.5);
    assertThat(f.severity().vector()).isEqualTo(HIGH);
    assertThat(f.severity().source()).isEqualTo("CVSS_V3");
    assertThat(f.severityFrom()).isEqualTo("GHSA-aaaa-bbbb-cccc");
    assertThat(f.severityByAlias()).isTrue();
  }

  @Test
  void withoutAnyRatedRecordTheSeverityStaysUnknown() throws Exception {
    ScanResult.Finding f =
        scanFull(
            List.of(
                goRecord("GO-2020-0001", "CVE-2020-0001"),
                aliasRecord("CVE-2020-0001", null, null)));
    assertThat(f.severity()).isEqualTo(Severity.UNKNOWN);
    assertThat(f.severityFrom()).isNull();
    assertThat(f.severityByAlias()).isFalse();
  }

  @Test
  void theMatchingRecordsOwnRatingComesFirst() throws Exception {
    String own =
        goRecord("GO-2020-0001", "CVE-2020-0001")
            .replace(
                "\"aliases\"",
                "\"severity\": [{\"type\": \"CVSS_V3\", \"score\": \""
                    + MEDIUM
                    + "\"}], \"aliases\"");
    ScanResult.Finding f = scanFull(List.of(own, aliasRecord("CVE-2020-0001", CRITICAL, null)));
    assertThat(f.severity().level()).isEqualTo(Severity.Level.MEDIUM);
    assertThat(f.severityFrom()).isEqualTo("GO-2020-0001");
    assertThat(f.severityByAlias()).isFalse();
  }

  @Test
  void ofTwoAliasesTheGraverWinsAndAVectorBeatsABareRating() throws Exception {
    ScanResult.Finding f =
        scanFull(
            List.of(
                goRecord("GO-2020-0001", "CVE-2020-0001", "GHSA-aaaa-bbbb-cccc"),
                aliasRecord("GHSA-aaaa-bbbb-cccc", MEDIUM, "MODERATE"),
                aliasRecord("CVE-2020-0001", CRITICAL, null)));
    assertThat(f.severity().level()).isEqualTo(Severity.Level.CRITICAL);
    assertThat(f.severityFrom()).isEqualTo("CVE-2020-0001");

    ScanResult.Finding g =
        scanFull(
            List.of(
                goRecord("GO-2020-0001", "CVE-2020-0001", "GHSA-aaaa-bbbb-cccc"),
                aliasRecord("CVE-2020-0001", null, "HIGH"),
                aliasRecord("GHSA-aaaa-bbbb-cccc", HIGH, null)));
    assertThat(g.severityFrom()).isEqualTo("GHSA-aaaa-bbbb-cccc");
    assertThat(g.severity().vector()).isEqualTo(HIGH);
  }

  /** One alias's rating: a vector, a database rating, both, or none. */
  record Rating(String vector, String level) {}

  @Provide
  Arbitrary<Rating> rating() {
    return Arbitraries.of(
        new Rating(null, null),
        new Rating(CRITICAL, null),
        new Rating(HIGH, "HIGH"),
        new Rating(MEDIUM, null),
        new Rating(null, "MODERATE"),
        new Rating(null, "LOW"),
        new Rating(null, "CRITICAL"));
  }

  /**
   * However the aliases are rated, a full load, a selective load and a snapshot give the finding
   * the same severity from the same record, and that is the graver of the aliases' ratings.
   */
  @Property(tries = 25)
  void theSameRatingWhateverTheLoad(
      @ForAll @Size(min = 1, max = 4) List<@net.jqwik.api.From("rating") Rating> ratings)
      throws Exception {
    List<String> aliasIds = new ArrayList<>();
    for (int i = 0; i < ratings.size(); i++) {
      aliasIds.add("GHSA-0000-0000-000" + i);
    }
    List<String> records = new ArrayList<>();
    records.add(goRecord("GO-2024-0001", aliasIds.toArray(String[]::new)));
    for (int i = 0; i < ratings.size(); i++) {
      records.add(aliasRecord(aliasIds.get(i), ratings.get(i).vector(), ratings.get(i).level()));
    }
    ScanResult.Finding full = scanFull(records);

    Path dir = Files.createTempDirectory("osv");
    try {
      for (int i = 0; i < records.size(); i++) {
        Files.writeString(dir.resolve("r" + i + ".json"), records.get(i));
      }
      BiPredicate<String, String> wanted =
          (eco, name) -> "Go".equals(eco) && "example.com/gin".equals(name);
      OsvLoader.Selection sel = OsvLoader.loadSelected(List.of(dir), wanted);
      ScanResult.Finding selected =
          only(
              new Scanner(AdvisoryIndex.build(sel.advisories(), sel.links(), sel.ecosystems()))
                  .scan(List.of(GIN)));
      Path snap = dir.resolve("osv.snapshot");
      OsvSnapshot.write(List.of(dir), snap);
      OsvSnapshot.Selected fromSnap =
          OsvSnapshot.read(
                  snap, Set.of(OsvSnapshot.packageHash(Ecosystem.GO, "example.com/gin")), wanted)
              .orElseThrow();
      ScanResult.Finding snapshot =
          only(
              new Scanner(
                      AdvisoryIndex.build(
                          fromSnap.advisories(), fromSnap.links(), fromSnap.ecosystems()))
                  .scan(List.of(GIN)));

      for (ScanResult.Finding f : List.of(selected, snapshot)) {
        assertThat(f.severity()).isEqualTo(full.severity());
        assertThat(f.severityFrom()).isEqualTo(full.severityFrom());
        assertThat(f.severityByAlias()).isEqualTo(full.severityByAlias());
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }

    Severity.Level graver =
        ratings.stream()
            .map(
                r ->
                    r.vector() != null
                        ? Severity.fromCvss(r.vector(), "CVSS_V3").orElseThrow().level()
                        : Severity.Level.parse(r.level()).orElse(Severity.Level.UNKNOWN))
            .max(Comparator.naturalOrder())
            .orElseThrow();
    assertThat(full.severity().level()).isEqualTo(graver);
    assertThat(full.severityByAlias()).isEqualTo(graver != Severity.Level.UNKNOWN);
  }
}
