package dev.bulwark.vuln.match;

import static dev.bulwark.vuln.match.Fixtures.json;
import static dev.bulwark.vuln.match.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.version.Ecosystem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OSV evaluation algorithm, worked by hand on small records. */
class RangeEvaluationTest {
  static AdvisoryIndex index(Advisory... a) {
    return AdvisoryIndex.build(List.of(a));
  }

  static boolean affected(AdvisoryIndex idx, Ecosystem eco, String name, String version) {
    return idx.lookup(PackageRef.of(eco, name), version) instanceof AdvisoryIndex.Lookup.Affected;
  }

  @Test
  void introducedAndFixedAcrossSeveralIntervals() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-1",
                    "crates.io",
                    "x",
                    "SEMVER",
                    """
        {"introduced": "1.0.0"}, {"fixed": "1.0.2"}, {"introduced": "3.0.0"}, {"fixed": "3.2.5"}""")));
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "0.9.9")).isFalse();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "1.0.0")).isTrue();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "1.0.1")).isTrue();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "1.0.2")).isFalse();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "2.5.0")).isFalse();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "3.0.0")).isTrue();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "3.2.5")).isFalse();
    assertThat(affected(idx, Ecosystem.CRATES_IO, "x", "3.0.0-rc.1")).isFalse();
    var hit =
        (AdvisoryIndex.Lookup.Affected)
            idx.lookup(PackageRef.of(Ecosystem.CRATES_IO, "x"), "3.1.0");
    assertThat(hit.hits().get(0).fixedIn()).isEqualTo("3.2.5");
  }

  @Test
  void eventsOutOfOrderAreSortedFirst() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-2",
                    "npm",
                    "y",
                    "SEMVER",
                    """
        {"fixed": "2.0.0"}, {"introduced": "1.5.0"}, {"introduced": "0"}, {"fixed": "1.0.0"}""")));
    assertThat(affected(idx, Ecosystem.NPM, "y", "0.5.0")).isTrue();
    assertThat(affected(idx, Ecosystem.NPM, "y", "1.2.0")).isFalse();
    assertThat(affected(idx, Ecosystem.NPM, "y", "1.9.9")).isTrue();
    assertThat(affected(idx, Ecosystem.NPM, "y", "2.0.0")).isFalse();
  }

  @Test
  void lastAffectedIncludesItsVersion() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-3",
                    "PyPI",
                    "Some_Pkg",
                    "ECOSYSTEM",
                    """
        {"introduced": "0"}, {"last_affected": "2.1.214"}""")));
    assertThat(affected(idx, Ecosystem.PYPI, "some-pkg", "2.1.214")).isTrue();
    assertThat(affected(idx, Ecosystem.PYPI, "SOME.PKG", "2.1.214")).isTrue();
    assertThat(affected(idx, Ecosystem.PYPI, "some-pkg", "2.1.214.post1")).isFalse();
    assertThat(affected(idx, Ecosystem.PYPI, "some_pkg", "2.1.215")).isFalse();
    assertThat(affected(idx, Ecosystem.PYPI, "some-pkg", "1.0rc1")).isTrue();
    var hit =
        (AdvisoryIndex.Lookup.Affected)
            idx.lookup(PackageRef.of(Ecosystem.PYPI, "some-pkg"), "1.0");
    assertThat(hit.hits().get(0).fixedIn()).isNull();
  }

  @Test
  void limitCutsTheRange() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-4",
                    "Maven",
                    "org.ex:lib",
                    "ECOSYSTEM",
                    """
        {"introduced": "1.0"}, {"limit": "1.5"}""")));
    assertThat(affected(idx, Ecosystem.MAVEN, "org.ex:lib", "1.4.9")).isTrue();
    assertThat(affected(idx, Ecosystem.MAVEN, "org.ex:lib", "1.5")).isFalse();
    assertThat(affected(idx, Ecosystem.MAVEN, "org.ex:lib", "0.9")).isFalse();
    var star =
        index(
            json(
                record(
                    "T-5",
                    "Maven",
                    "org.ex:lib",
                    "ECOSYSTEM",
                    """
        {"introduced": "1.0"}, {"limit": "*"}""")));
    assertThat(affected(star, Ecosystem.MAVEN, "org.ex:lib", "99.0")).isTrue();
  }

  @Test
  void explicitVersionsListMatchesExactly() throws Exception {
    var idx =
        index(
            json(
                """
        {"id": "T-6", "affected": [{"package": {"ecosystem": "RubyGems", "name": "gemmy"},
           "versions": ["1.2.3", "1.2.5"]}]}"""));
    assertThat(affected(idx, Ecosystem.RUBYGEMS, "gemmy", "1.2.3")).isTrue();
    assertThat(affected(idx, Ecosystem.RUBYGEMS, "gemmy", "1.2.3.0")).isTrue();
    assertThat(affected(idx, Ecosystem.RUBYGEMS, "gemmy", "1.2.4")).isFalse();
  }

  @Test
  void gitRangesAreKeptButNeverMatchPackages() throws Exception {
    Advisory a =
        json(
            """
        {"id": "T-7", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
           "ranges": [{"type": "GIT", "repo": "https://example.com/m", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]}]}""");
    assertThat(a.affected().get(0).ranges()).hasSize(1);
    assertThat(affected(index(a), Ecosystem.GO, "example.com/m", "v1.0.0")).isFalse();
  }

  @Test
  void withdrawnRecordsNeverMatch() throws Exception {
    var idx =
        index(
            json(
                """
        {"id": "T-8", "withdrawn": "2024-02-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "w"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"""));
    assertThat(affected(idx, Ecosystem.NPM, "w", "1.0.0")).isFalse();
    assertThat(idx.withdrawn()).isEqualTo(1);
  }

  @Test
  void anUnparseableComponentVersionIsReportedNotMissed() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-9",
                    "npm",
                    "z",
                    "SEMVER",
                    "{\"introduced\": \"0\"}, {\"fixed\": \"2.0.0\"}")));
    var result = idx.lookup(PackageRef.of(Ecosystem.NPM, "z"), "latest-and-greatest");
    assertThat(result).isInstanceOf(AdvisoryIndex.Lookup.Undecidable.class);
    assertThat(((AdvisoryIndex.Lookup.Undecidable) result).reason())
        .contains("latest-and-greatest");
  }

  @Test
  void anUnparseableAdvisoryBoundMakesTheRangeUndecidable() throws Exception {
    var idx =
        index(
            json(
                record(
                    "T-10",
                    "npm",
                    "q",
                    "SEMVER",
                    "{\"introduced\": \"0\"}, {\"fixed\": \"two-point-oh\"}")));
    assertThat(idx.warnings()).anyMatch(w -> w.contains("T-10"));
    assertThat(idx.lookup(PackageRef.of(Ecosystem.NPM, "q"), "1.0.0"))
        .isInstanceOf(AdvisoryIndex.Lookup.Undecidable.class);
  }

  @Test
  void ecosystemSuffixesSelectTheEcosystemAndTheRelease() throws Exception {
    var idx =
        index(
            json(
                record(
                    "DSA-1",
                    "Debian:12",
                    "openssl",
                    "ECOSYSTEM",
                    "{\"introduced\": \"0\"}, {\"fixed\": \"3.0.11-1~deb12u2\"}")));
    PackageRef bookworm = PackageRef.of(Ecosystem.DEBIAN, "openssl", "12");
    assertThat(idx.lookup(bookworm, "3.0.11-1~deb12u1"))
        .isInstanceOf(AdvisoryIndex.Lookup.Affected.class);
    assertThat(idx.lookup(bookworm, "3.0.11-1~deb12u2"))
        .isInstanceOf(AdvisoryIndex.Lookup.Clean.class);
    assertThat(idx.lookup(bookworm, "3.0.11-1")).isInstanceOf(AdvisoryIndex.Lookup.Clean.class);
    // A Debian:12 record says nothing of Debian 11, and a lookup without a release is refused.
    assertThat(idx.lookup(PackageRef.of(Ecosystem.DEBIAN, "openssl", "11"), "3.0.11-1~deb12u1"))
        .isInstanceOf(AdvisoryIndex.Lookup.Clean.class);
    assertThat(idx.lookup(PackageRef.of(Ecosystem.DEBIAN, "openssl"), "3.0.11-1~deb12u1"))
        .isInstanceOf(AdvisoryIndex.Lookup.Undecidable.class);
  }

  @Test
  void aliasesJoinRecordsIntoOneGroup() throws Exception {
    Advisory ghsa =
        json(
            """
        {"id": "GHSA-aaaa", "aliases": ["CVE-2024-1"], "affected": [{"package": {"ecosystem": "npm", "name": "lib"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]}]}""");
    Advisory other =
        json(
            """
        {"id": "OTHER-1", "upstream": ["CVE-2024-1"], "affected": [{"package": {"ecosystem": "npm", "name": "lib"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.2"}]}]}]}""");
    Advisory unrelated = json(record("UNREL-1", "npm", "lib", "SEMVER", "{\"introduced\": \"0\"}"));
    var idx = index(ghsa, other, unrelated);
    var hits =
        ((AdvisoryIndex.Lookup.Affected) idx.lookup(PackageRef.of(Ecosystem.NPM, "lib"), "1.0.0"))
            .hits();
    assertThat(hits).hasSize(3);
    assertThat(hits.get(0).group())
        .isEqualTo(hits.get(1).group())
        .isNotEqualTo(hits.get(2).group());
    assertThat(idx.groupIds(hits.get(0).group()))
        .containsExactly("CVE-2024-1", "GHSA-aaaa", "OTHER-1");
  }

  @Test
  void severityComesFromCvssOrTheDatabaseNeverAGuess() throws Exception {
    Advisory v3 =
        json(
            """
        {"id": "S-1", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}], "affected": []}""");
    assertThat(v3.severity().level().label()).isEqualTo("critical");
    assertThat(v3.severity().score()).isEqualTo(9.8);
    Advisory v4 =
        json(
            """
        {"id": "S-2", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"},
                                   {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}], "affected": []}""");
    assertThat(v4.severity().source()).isEqualTo("CVSS_V4");
    assertThat(v4.severity().level().label()).isEqualTo("critical");
    Advisory ghsa =
        json(
            "{\"id\": \"S-3\", \"database_specific\": {\"severity\": \"MODERATE\"}, \"affected\": []}");
    assertThat(ghsa.severity().level().label()).isEqualTo("medium");
    Advisory none = json("{\"id\": \"S-4\", \"affected\": []}");
    assertThat(none.severity().level().label()).isEqualTo("unknown");
    Advisory badVector =
        json(
            "{\"id\": \"S-5\", \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/garbage\"}], \"affected\": []}");
    assertThat(badVector.severity().level().label()).isEqualTo("unknown");
  }

  @Test
  void yamlRecordsReadLikeJson() throws Exception {
    Advisory a =
        Fixtures.yaml(
            """
        id: PYSEC-2099-1
        aliases: [CVE-2099-1]
        affected:
          - package: {ecosystem: PyPI, name: Requests}
            ranges:
              - type: ECOSYSTEM
                events:
                  - introduced: "2.0"
                  - fixed: "2.31.0"
        """);
    var idx = index(a);
    assertThat(affected(idx, Ecosystem.PYPI, "requests", "2.30.0")).isTrue();
    assertThat(affected(idx, Ecosystem.PYPI, "requests", "2.31.0")).isFalse();
  }
}
