package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.GemPlatform;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gem versions with the platform Bundler and older Syft releases append ({@code
 * 6.1.7.1-arm64-darwin}), against the real actionpack record GHSA-8xww-x3g3-6jcv (fixed 6.1.7.1 in
 * its 6.1 range). Read as a version, {@code -arm64-darwin} made 6.1.7.1 a pre-release of itself,
 * and so affected; {@code -x86_64-linux} was no version at all.
 */
class GemPlatformTest {
  static Scanner scanner;

  @BeforeAll
  static void load() throws Exception {
    scanner = new Scanner(AdvisoryIndex.build(Fixtures.load("osv/gems")));
  }

  static List<String> ids(Component c) {
    ScanResult r = scanner.scan(List.of(c));
    return r.vulnerable().isEmpty()
        ? List.of()
        : r.vulnerable().get(0).findings().stream().map(ScanResult.Finding::id).toList();
  }

  static List<String> ids(String purl) {
    return ids(new Component("c", null, null, purl));
  }

  @Test
  void aPlatformSuffixIsNotPartOfTheVersionForGhsa8xwwx3g36jcv() {
    for (String platform :
        List.of("x86_64-linux", "arm64-darwin", "aarch64-linux-gnu", "x64-mingw-ucrt", "java")) {
      assertThat(ids("pkg:gem/actionpack@6.1.7.1-" + platform)).as(platform).isEmpty();
      assertThat(ids("pkg:gem/actionpack@6.1.7-" + platform))
          .as(platform)
          .containsExactly("GHSA-8xww-x3g3-6jcv");
    }
    // The purl's own qualifier for the platform needs no reading: the version is bare.
    assertThat(ids("pkg:gem/actionpack@6.1.7.1?platform=arm64-darwin")).isEmpty();
  }

  @Test
  void aPreReleaseAfterADashStaysAPreRelease() {
    assertThat(ids("pkg:gem/actionpack@6.1.7.1-rc1")).containsExactly("GHSA-8xww-x3g3-6jcv");
    assertThat(ids("pkg:gem/actionpack@6.1.7.1-arm")).containsExactly("GHSA-8xww-x3g3-6jcv");
  }

  @Test
  void aComponentVersionWithoutAPurlVersionIsReadTheSameWay() {
    assertThat(ids(new Component("c", "actionpack", "6.1.7.1-java", "pkg:gem/actionpack")))
        .isEmpty();
    assertThat(ids(new Component("c", "actionpack", "6.1.7-java", "pkg:gem/actionpack")))
        .containsExactly("GHSA-8xww-x3g3-6jcv");
  }

  @Test
  void platformsHaveGemPlatformsShape() {
    assertThat(GemPlatform.withoutPlatform("1.13.10-x86_64-linux")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10-x86-mingw32")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10-universal-darwin-22")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10-i686-linux")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10-jruby")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10")).isEqualTo("1.13.10");
    assertThat(GemPlatform.withoutPlatform("1.13.10-beta-2")).isEqualTo("1.13.10-beta-2");
    assertThat(GemPlatform.withoutPlatform("1.13.10-linux")).isEqualTo("1.13.10-linux");
    assertThat(GemPlatform.withoutPlatform("-x86_64-linux")).isEqualTo("-x86_64-linux");
    assertThat(GemPlatform.withoutPlatform(null)).isNull();
  }
}
