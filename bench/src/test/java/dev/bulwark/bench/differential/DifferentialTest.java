package dev.bulwark.bench.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.bench.differential.Differential.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The differential harness over the real records in test resources (engine-vuln's and bench's own):
 * every comparison between Bulwark and the independent oracles must agree. An oracle that cannot
 * run here (a Debian or npm package missing) skips its ecosystem with a visible notice; under CI
 * ({@code CI=true}, after .ci/steps/before-20-differential-tools.sh) a missing oracle fails.
 */
class DifferentialTest {
  private static final Path ROOT = Path.of("..");
  private static final List<Path> SOURCES =
      List.of(
          ROOT.resolve("engine-vuln/src/test/resources/osv"),
          Path.of("src/test/resources/differential"));

  private static Differential.Outcome outcome;

  /** One run for all tests: the oracles in other processes take a while on a busy host. */
  private static synchronized Differential.Outcome run() throws Exception {
    if (outcome != null) {
      return outcome;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Differential.Outcome o =
        Differential.run(
            SOURCES,
            Integer.MAX_VALUE,
            ROOT,
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            true);
    String report = buf.toString(StandardCharsets.UTF_8);
    System.out.print(report);
    outcome = o;
    return o;
  }

  @Test
  void everyComparisonOverTheTestResourceRecordsAgrees() throws Exception {
    Differential.Outcome o = run();
    for (String m : o.missingOracles()) {
      System.out.println("DifferentialTest: SKIPPED " + m);
    }
    if ("true".equals(System.getenv("CI"))) {
      assertThat(o.missingOracles()).as("oracles CI installs").isEmpty();
    }
    // Every ecosystem Bulwark supports has real records among the test resources, so each one
    // has an agreement figure; one whose oracle cannot run here was reported as skipped above.
    for (Eco eco : Eco.values()) {
      if (o.missingOracles().stream().noneMatch(m -> m.startsWith(eco.osv + ":"))) {
        assertThat(o.comparisons(eco.osv)).as("comparisons for " + eco.osv).isPositive();
      }
    }
    assertThat(o.disagreements()).as("disagreements (printed above)").isZero();
  }

  /**
   * The two bugs of issue 15 are of the kind the harness finds: its oracle gives the right answer
   * at the very bounds where Bulwark once gave the wrong one (openssl-src 300.0.11 inside
   * "introduced 300.0.0, fixed 300.0.11"; github.com/0xERR0R/blocky matched only in lowercase).
   */
  @Test
  void theOracleAnswersTheTwoFixedBugsRight() throws Exception {
    Differential.Outcome o = run();
    assertThat(o.verdicts("RUSTSEC-2022-0064", "openssl-src", "300.0.11"))
        .containsExactly(Verdict.CLEAN, Verdict.CLEAN);
    assertThat(o.verdicts("RUSTSEC-2022-0064", "openssl-src", "300.0.0"))
        .containsExactly(Verdict.AFFECTED, Verdict.AFFECTED);
    assertThat(o.verdicts("GO-2026-5745", "github.com/0xERR0R/blocky", "0.28.0"))
        .containsExactly(Verdict.AFFECTED, Verdict.AFFECTED);
    assertThat(o.verdicts("GO-2026-5745", "github.com/0xerr0r/blocky", "0.28.0"))
        .as("Go module paths are case-sensitive")
        .containsExactly(Verdict.CLEAN, Verdict.CLEAN);
    assertThat(o.verdicts("GO-2026-5745", "github.com/0xERR0R/blocky", "v0.28.0-rc.1"))
        .containsExactly(Verdict.CLEAN, Verdict.CLEAN);
  }

  /**
   * Composer's spellings at a bound of a real Symfony record (introduced 2.0.0, fixed 4.4.50):
   * pre-releases sort below the release, a patch release ({@code -p1}) above it, the {@code v}
   * prefix is dropped, a branch version {@code 4.4.x-dev} sorts above every 4.4 release, names
   * compare without case, and a Maven-style suffix Composer refuses is undecidable on both sides.
   */
  @Test
  void packagistSpellingsAtASymfonyBound() throws Exception {
    Differential.Outcome o = run();
    assumeTrue(
        o.missingOracles().stream().noneMatch(m -> m.startsWith("Packagist:")),
        "composer/semver is not installed here");
    String id = "GHSA-3gv2-29qc-v67m";
    String[][] expected = {
      {"symfony/symfony", "4.4.49", "AFFECTED"},
      {"symfony/symfony", "v4.4.50", "CLEAN"},
      {"symfony/symfony", "4.4.50-rc1", "AFFECTED"},
      {"symfony/symfony", "4.4.50-RC1", "AFFECTED"},
      {"symfony/symfony", "4.4.50-beta1", "AFFECTED"},
      {"symfony/symfony", "4.4.50", "CLEAN"},
      {"symfony/symfony", "4.4.50-p1", "CLEAN"},
      {"symfony/symfony", "4.4.x-dev", "CLEAN"},
      {"symfony/symfony", "2.0.0-beta1", "CLEAN"},
      {"symfony/symfony", "2.0.0", "AFFECTED"},
      {"SYMFONY/SYMFONY", "2.0.0", "AFFECTED"},
      {"symfony/symfony", "4.4.50-SNAPSHOT", "UNDECIDABLE"},
    };
    for (String[] e : expected) {
      Verdict v = Verdict.valueOf(e[2]);
      assertThat(o.verdicts(id, e[0], e[1])).as(e[0] + "@" + e[1]).containsExactly(v, v);
    }
  }

  /**
   * A real eZ Platform record (introduced 0, fixed 6.13.8.2) at Composer's branches: the default
   * branch {@code dev-master} sorts above every release, so it is clean (Bulwark had it affected,
   * below every release, until the harness found it); another branch has no order: undecidable.
   */
  @Test
  void packagistBranchesAtAnIntroducedZeroRecord() throws Exception {
    Differential.Outcome o = run();
    assumeTrue(
        o.missingOracles().stream().noneMatch(m -> m.startsWith("Packagist:")),
        "composer/semver is not installed here");
    String id = "GHSA-mrvj-7q4f-5p42";
    String[][] expected = {
      {"dev-master", "CLEAN"},
      {"dev-feature", "UNDECIDABLE"},
      {"0.0.1", "AFFECTED"},
      {"6.13.7.2", "AFFECTED"},
      {"6.13.8.2-RC1", "AFFECTED"},
      {"6.13.8.2", "CLEAN"},
      {"6.13.8.2-p1", "CLEAN"},
      {"7.5.15.2-beta1", "AFFECTED"},
    };
    for (String[] e : expected) {
      Verdict v = Verdict.valueOf(e[1]);
      assertThat(o.verdicts(id, "ezsystems/ezpublish-kernel", e[0]))
          .as("ezsystems/ezpublish-kernel@" + e[0])
          .containsExactly(v, v);
    }
  }

  /**
   * RubyGems' four-part versions at the bounds of a real Rails record (fixed 6.1.7.1; introduced
   * 7.0.0, fixed 7.0.4.1): a pre-release of a fixed version is still affected, and one of an
   * introduced version is not; trailing zeros do not count; a platform suffix, as Bundler and older
   * Syft releases append it, is not part of the version (a gem's platform is its own attribute):
   * 7.0.4.1-arm64-darwin is 7.0.4.1, not a pre-release of it.
   */
  @Test
  void rubyGemsFourPartBoundsOfARailsRecord() throws Exception {
    Differential.Outcome o = run();
    assumeTrue(
        o.missingOracles().stream().noneMatch(m -> m.startsWith("RubyGems:")),
        "@snyk/ruby-semver is not installed here");
    String id = "GHSA-579w-22j4-4749";
    String[][] expected = {
      {"6.1.6.1", "AFFECTED"},
      {"6.1.7.1", "CLEAN"},
      {"6.1.7.1-rc1", "AFFECTED"},
      {"7.0.3.1", "AFFECTED"},
      {"7.0.4.1", "CLEAN"},
      {"7.0.5.1", "CLEAN"},
      {"7.0.0-rc1", "CLEAN"},
      {"7.0.0.rc1", "CLEAN"},
      {"7.0.4.1.rc1", "AFFECTED"},
      {"7.0.4.1.0", "CLEAN"},
      {"7.0.4.1-x86_64-linux", "CLEAN"},
      {"7.0.4.1-arm64-darwin", "CLEAN"},
      {"7.0.0-java", "AFFECTED"},
      {"6.1.7.1-x64-mingw-ucrt", "CLEAN"},
    };
    for (String[] e : expected) {
      Verdict v = Verdict.valueOf(e[1]);
      assertThat(o.verdicts(id, "activerecord", e[0]))
          .as("activerecord@" + e[0])
          .containsExactly(v, v);
    }
  }

  /** semver.org, item 11: the precedence example, in order. */
  @Test
  void semverPrecedenceFollowsTheSpecificationsExample() {
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1");
    for (int i = 0; i + 1 < ordered.size(); i++) {
      Semver2 a = Semver2.parse(ordered.get(i), Semver2.Dialect.STRICT);
      Semver2 b = Semver2.parse(ordered.get(i + 1), Semver2.Dialect.STRICT);
      assertThat(a.compareTo(b)).as(ordered.get(i) + " < " + ordered.get(i + 1)).isNegative();
      assertThat(b.compareTo(a)).isPositive();
    }
    assertThat(
            Semver2.parse("1.0.0+build.1", Semver2.Dialect.STRICT)
                .compareTo(Semver2.parse("1.0.0", Semver2.Dialect.STRICT)))
        .isZero();
    for (String bad : List.of("1.0", "01.0.0", "1.0.0-01", "1.0.0-", "v1.0.0", "1.0.0+")) {
      assertThat(Semver2.parse(bad, Semver2.Dialect.STRICT)).as(bad).isNull();
    }
    // Go: the v prefix, +incompatible and pseudo-versions order as SemVer pre-releases.
    Semver2 pseudo = Semver2.parse("v1.2.4-0.20200101000000-abcdefabcdef", Semver2.Dialect.GO);
    assertThat(pseudo.compareTo(Semver2.parse("v1.2.3", Semver2.Dialect.GO))).isPositive();
    assertThat(pseudo.compareTo(Semver2.parse("v1.2.4", Semver2.Dialect.GO))).isNegative();
    assertThat(
            Semver2.parse("v2.0.0+incompatible", Semver2.Dialect.GO)
                .compareTo(Semver2.parse("2.0.0", Semver2.Dialect.GO)))
        .isZero();
  }

  /**
   * apk: pre-release suffixes below the release, post-release suffixes and revisions above; an
   * absent revision below -r0. The pairs at the end are from apk-tools' test/version.data.
   */
  @Test
  void apkOrderingFollowsItsDocumentedRules() {
    List<String> ordered =
        List.of(
            "1.2.3_alpha1",
            "1.2.3_beta",
            "1.2.3_pre2",
            "1.2.3_rc1",
            "1.2.3",
            "1.2.3-r0",
            "1.2.3-r1",
            "1.2.3_git20200101",
            "1.2.3_p",
            "1.2.3_p0",
            "1.2.3_p1",
            "1.2.3_p1-r2",
            "1.2.4",
            "1.10");
    for (int i = 0; i + 1 < ordered.size(); i++) {
      ApkVersion a = ApkVersion.parse(ordered.get(i));
      ApkVersion b = ApkVersion.parse(ordered.get(i + 1));
      assertThat(a.compareTo(b)).as(ordered.get(i) + " < " + ordered.get(i + 1)).isNegative();
      assertThat(b.compareTo(a)).isPositive();
    }
    assertThat(ApkVersion.parse("1.2.3a").compareTo(ApkVersion.parse("1.2.3"))).isPositive();
    assertThat(ApkVersion.parse("1.2.3a").compareTo(ApkVersion.parse("1.2.4"))).isNegative();
    assertThat(ApkVersion.parse("1.2.3-rc1")).as("-rc1 is not an apk version").isNull();
    String[][] fromApkTools = {
      {"0.1.0_alpha_pre2", "0.1.0_alpha"},
      {"1.1_alpha1", "1.1"},
      {"1.06-r6", "006"},
      {"1.01", "1.1"},
      {"2.3.0b-r1", "2.3.0b-r2"},
      {"4.5_p1", "4.5_p1-r1"},
      {"0.20070118", "0.20070207_rc1"},
      {"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0"},
    };
    for (String[] p : fromApkTools) {
      assertThat(ApkVersion.parse(p[0]).compareTo(ApkVersion.parse(p[1])))
          .as(p[0] + " < " + p[1])
          .isNegative();
    }
  }
}
