package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ordering vectors from each ecosystem's own specification or test suite (named at each test). A
 * chain asserts that every element sorts strictly before the next; equal pairs must compare 0.
 */
class VersionOrderingTest {
  static void ascending(VersionScheme scheme, String... chain) throws InvalidVersionException {
    for (int i = 0; i + 1 < chain.length; i++) {
      assertThat(scheme.compare(chain[i], chain[i + 1]))
          .as(scheme + ": " + chain[i] + " < " + chain[i + 1])
          .isEqualTo(-1);
      assertThat(scheme.compare(chain[i + 1], chain[i]))
          .as(scheme + ": " + chain[i + 1] + " > " + chain[i])
          .isEqualTo(1);
    }
  }

  static void equal(VersionScheme scheme, String a, String b) throws InvalidVersionException {
    assertThat(scheme.compare(a, b)).as(scheme + ": " + a + " == " + b).isZero();
  }

  /** semver.org, section 11 (precedence), including its example chain. */
  @Test
  void semver() throws Exception {
    ascending(
        VersionScheme.SEMVER,
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0");
    ascending(VersionScheme.SEMVER, "1.0.0", "2.0.0", "2.1.0", "2.1.1");
    ascending(VersionScheme.SEMVER, "0.9.18", "0.10.0-0", "0.10.0", "0.10.2");
    equal(VersionScheme.SEMVER, "1.0.0+build.1", "1.0.0");
    equal(VersionScheme.SEMVER, "1.0.0-alpha+001", "1.0.0-alpha");
  }

  /**
   * Issue 14/15: versatile's npm scheme delegated to com.vdurmont semver4j, which compares major
   * versions as {@code Integer} objects by identity; past the JVM's small-integer cache (127) a
   * version was below itself, so {@code openssl-src 300.0.11} sat inside "introduced 300.0.0, fixed
   * 300.0.11" and {@code 300.0.0} outside it. Calendar versions (2021.1.6) were hit the same way.
   */
  @Test
  void majorVersionsAbove127CompareByValue() throws Exception {
    for (String v : new String[] {"128.0.0", "300.0.0", "300.0.11", "2021.1.6", "1.300.0"}) {
      equal(VersionScheme.SEMVER, v, v);
    }
    ascending(VersionScheme.SEMVER, "127.9.9", "128.0.0", "300.0.0", "300.0.10", "300.0.11");
    ascending(VersionScheme.SEMVER, "2021.1.6", "2021.1.7", "2022.0.0-rc.1", "2022.0.0");
    equal(VersionScheme.SEMVER, "300.0.11+3.0.7", "300.0.11");
  }

  /**
   * Go module versions: semver with a v prefix, +incompatible, pseudo-versions (go.dev/ref/mod).
   */
  @Test
  void go() throws Exception {
    ascending(
        VersionScheme.GO,
        "v0.0.0-20200101000000-abcdefabcdef",
        "v0.0.0-20220412211240-33da011f77ad",
        "v0.0.1",
        "v1.2.3-pre",
        "v1.2.3");
    ascending(VersionScheme.GO, "1.17.9", "1.17.10", "1.18.0-0", "1.18.0", "1.18.2");
    // A pseudo-version derived from a tag sorts after that tag and before the next release.
    ascending(VersionScheme.GO, "v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4");
    equal(VersionScheme.GO, "v2.7.0-rc.0+incompatible", "2.7.0-rc.0");
    ascending(
        VersionScheme.GO, "v2.6.2+incompatible", "v2.7.0-rc.0+incompatible", "v2.7.0+incompatible");
  }

  /** Maven: the ordering vectors of maven-artifact's own ComparableVersionTest. */
  @Test
  void maven() throws Exception {
    ascending(
        VersionScheme.MAVEN,
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123");
    ascending(
        VersionScheme.MAVEN,
        "2.0",
        "2.0.a",
        "2-1",
        "2.0.2",
        "2.0.123",
        "2.1.0",
        "2.1-a",
        "2.1b",
        "2.1-c",
        "2.1-1",
        "2.1.0.1",
        "2.2",
        "2.123",
        "11.a2",
        "11.a11",
        "11.b2",
        "11.b11",
        "11.m2",
        "11.m11",
        "11",
        "11.a",
        "11b",
        "11c",
        "11m");
    equal(VersionScheme.MAVEN, "1", "1.0.0");
    equal(VersionScheme.MAVEN, "1-final", "1");
    equal(VersionScheme.MAVEN, "1.0-GA", "1");
    equal(VersionScheme.MAVEN, "1a1", "1-alpha-1");
    equal(VersionScheme.MAVEN, "1.0.RELEASE", "1.0");
  }

  /** PEP 440: the sorted list of pypa/packaging's test_version.py, and its equivalences. */
  @Test
  void pypi() throws Exception {
    ascending(
        VersionScheme.PYPI,
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0b2-346",
        "1.0c1.dev456",
        "1.0c1",
        "1.0rc2",
        "1.0c3",
        "1.0",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.1.dev1");
    ascending(
        VersionScheme.PYPI,
        "1.2",
        "1.2+123abc",
        "1.2+123abc456",
        "1.2+abc",
        "1.2+abc123",
        "1.2+abc123def",
        "1.2+1234.abc",
        "1.2+123456",
        "1.2.r32+123456",
        "1.2.rev33+123456");
    ascending(VersionScheme.PYPI, "1.2.rev33+123456", "1!1.0b2.post345.dev456", "1!1.0");
    equal(VersionScheme.PYPI, "1.0c1", "1.0rc1");
    equal(VersionScheme.PYPI, "1.0-1", "1.0.post1");
    equal(VersionScheme.PYPI, "1.0", "1.0.0");
    equal(VersionScheme.PYPI, "1.0RC1", "1.0rc1");
    equal(VersionScheme.PYPI, "v1.0", "1.0");
    equal(VersionScheme.PYPI, "1.0.alpha.1", "1.0a1");
  }

  /** Debian policy 5.6.12 and dpkg's verrevcmp: '~' sorts before everything, even the end. */
  @Test
  void debian() throws Exception {
    ascending(VersionScheme.DEBIAN, "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a");
    ascending(VersionScheme.DEBIAN, "1.0~rc1", "1.0", "1.0-1", "1.0-1ubuntu1", "1.0+b1", "1:0.9");
    ascending(VersionScheme.DEBIAN, "2.30-21", "2.30-21+deb12u1", "2.31-1");
    equal(VersionScheme.DEBIAN, "0:1.0-1", "1.0-1");
  }

  /** RubyGems: Gem::Version (rubygems' test_gem_version.rb). */
  @Test
  void rubygems() throws Exception {
    ascending(VersionScheme.RUBYGEMS, "1.0.a", "1.0.a9", "1.0.a10", "1.0.b", "1.0");
    ascending(VersionScheme.RUBYGEMS, "1.0-1", "1.0", "1.0.1", "1.9.3", "1.10.0");
    ascending(VersionScheme.RUBYGEMS, "2.0.0.rc1", "2.0.0", "2.0.0.1");
    ascending(VersionScheme.RUBYGEMS, "0.0.beta", "0.0.beta.1", "0.0.beta.2");
    equal(VersionScheme.RUBYGEMS, "0.beta.1", "0.0.beta.1");
    equal(VersionScheme.RUBYGEMS, "1.0", "1");
    equal(VersionScheme.RUBYGEMS, "1.0.0", "1");
    equal(VersionScheme.RUBYGEMS, "1.0.b1", "1.0.b.1");
    assertThatThrownBy(() -> VersionScheme.RUBYGEMS.parse("junk 1"))
        .isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> VersionScheme.RUBYGEMS.parse("1.0\n2.0"))
        .isInstanceOf(InvalidVersionException.class);
  }

  /** NuGet.Versioning's VersionComparerTests (default comparer), and four-part versions. */
  @Test
  void nuget() throws Exception {
    equal(VersionScheme.NUGET, "1.0.0", "1.0.0");
    equal(VersionScheme.NUGET, "1.0.0-BETA", "1.0.0-beta");
    equal(VersionScheme.NUGET, "1.0.0-BETA+AA", "1.0.0-beta+aa");
    equal(VersionScheme.NUGET, "1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa");
    String[][] less = {
      {"0.0.0", "1.0.0"},
      {"1.0.0", "1.1.0"},
      {"1.0.0", "1.0.1"},
      {"1.999.9999", "2.1.1"},
      {"1.0.0-BETA", "1.0.0-beta2"},
      {"1.0.0-beta+AA", "1.0.0+aa"},
      {"1.0.0-BETA", "1.0.0-beta.1+AA"},
      {"1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa"},
      {"1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc"}
    };
    for (String[] pair : less) {
      ascending(VersionScheme.NUGET, pair[0], pair[1]);
    }
    ascending(VersionScheme.NUGET, "1.0.0-alpha", "1.0.0-Beta", "1.0.0", "1.0.0.1", "1.0.1");
    equal(VersionScheme.NUGET, "1.0", "1.0.0.0");
    equal(VersionScheme.NUGET, "1.0.0-ALPHA", "1.0.0-alpha");
  }

  /**
   * Composer: composer/semver's ComparatorTest, and the stability order alpha < beta < RC < stable.
   */
  @Test
  void packagist() throws Exception {
    ascending(VersionScheme.PACKAGIST, "1.24.0", "1.25.0", "1.26.0");
    ascending(VersionScheme.PACKAGIST, "1.25.0-beta2.1", "1.25.0-b.3");
    ascending(VersionScheme.PACKAGIST, "1.25.0-b2.1", "1.25.0beta.3");
    ascending(VersionScheme.PACKAGIST, "1.25.0-b-2.1", "1.25.0-rc");
    equal(VersionScheme.PACKAGIST, "1.25.0-beta2.1", "1.25.0-b.2.1");
    equal(VersionScheme.PACKAGIST, "1.25.0beta2.1", "1.25.0-b2.1");
    ascending(
        VersionScheme.PACKAGIST, "1.0.0-alpha1", "1.0.0-beta1", "1.0.0-RC1", "1.0.0", "1.0.1");
    equal(VersionScheme.PACKAGIST, "v1.0.0", "1.0.0");
  }

  /**
   * GHSA-mrvj-7q4f-5p42 (ezsystems/ezpublish-kernel, introduced 0, fixed 6.13.8.2) at {@code
   * dev-master}: the differential harness found Bulwark affected, Composer clean. composer/semver
   * reads the default branch as {@code 9999999-dev}, above every release (versatile put every
   * {@code dev-} branch below them all, so inside every range from 0); any other branch has no
   * order in Composer and is refused, not guessed.
   */
  @Test
  void ghsaMrvj7q4f5p42DevMasterSortsAboveEveryRelease() throws Exception {
    ascending(
        VersionScheme.PACKAGIST, "0", "6.13.8.1", "6.13.8.2", "7.5.15.2", "99999.0", "dev-master");
    ascending(VersionScheme.PACKAGIST, "6.13.x-dev", "dev-master");
    equal(VersionScheme.PACKAGIST, "dev-master", "master");
    equal(VersionScheme.PACKAGIST, "dev-master", "dev-trunk");
    equal(VersionScheme.PACKAGIST, "DEV-master", "dev-default");
    for (String branch : List.of("dev-feature", "dev-main", "dev-MASTER", "dev-6.13")) {
      assertThatThrownBy(() -> VersionScheme.PACKAGIST.parse(branch))
          .as(branch)
          .isInstanceOf(InvalidVersionException.class)
          .hasMessageContaining("has no order");
    }
  }

  @Test
  void invalidVersionsAreErrorsNotGuesses() {
    for (VersionScheme s : List.of(VersionScheme.SEMVER, VersionScheme.GO, VersionScheme.PYPI)) {
      assertThatThrownBy(() -> s.parse("not a version"))
          .as(s.name())
          .isInstanceOf(InvalidVersionException.class);
      assertThatThrownBy(() -> s.parse(""))
          .as(s.name())
          .isInstanceOf(InvalidVersionException.class);
    }
  }

  @Test
  void ecosystemsAndNames() {
    assertThat(Ecosystem.fromOsv("Debian:12")).contains(Ecosystem.DEBIAN);
    assertThat(Ecosystem.fromOsv("PyPI")).contains(Ecosystem.PYPI);
    assertThat(Ecosystem.fromOsv("Maven:https://maven.google.com")).contains(Ecosystem.MAVEN);
    assertThat(Ecosystem.fromOsv("Hackage")).isEmpty();
    assertThat(Ecosystem.PYPI.normalizeName("Django_REST.framework"))
        .isEqualTo("django-rest-framework");
    assertThat(Ecosystem.CRATES_IO.normalizeName("Serde_JSON")).isEqualTo("serde-json");
    assertThat(Ecosystem.GO.normalizeName("github.com/Azure/azure-sdk"))
        .isEqualTo("github.com/Azure/azure-sdk");
    assertThat(Ecosystem.NUGET.normalizeName("Newtonsoft.Json")).isEqualTo("newtonsoft.json");
  }
}
