package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.version.Ecosystem;
import org.junit.jupiter.api.Test;

/**
 * purls map to the names OSV uses, normalized per ecosystem; qualifiers and subpaths are ignored.
 */
class PackageRefTest {
  static PackageRef.Parsed.Ok ok(String purl) {
    return (PackageRef.Parsed.Ok) PackageRef.fromPurl(purl);
  }

  @Test
  void eachEcosystemsNaming() {
    assertThat(ok("pkg:npm/%40angular/core@12.0.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.NPM, "@angular/core"));
    assertThat(ok("pkg:npm/lodash@4.17.20").ref())
        .isEqualTo(new PackageRef(Ecosystem.NPM, "lodash"));
    assertThat(ok("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar").ref())
        .isEqualTo(new PackageRef(Ecosystem.MAVEN, "org.apache.logging.log4j:log4j-core"));
    assertThat(ok("pkg:golang/github.com/gin-gonic/gin@v1.4.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.GO, "github.com/gin-gonic/gin"));
    assertThat(ok("pkg:pypi/Django_REST.framework@3.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.PYPI, "django-rest-framework"));
    assertThat(ok("pkg:cargo/Serde_Json@1.0.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.CRATES_IO, "serde-json"));
    assertThat(ok("pkg:gem/rails@7.0.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.RUBYGEMS, "rails"));
    assertThat(ok("pkg:nuget/Newtonsoft.Json@13.0.1").ref())
        .isEqualTo(new PackageRef(Ecosystem.NUGET, "newtonsoft.json"));
    assertThat(ok("pkg:composer/Laravel/Framework@9.0.0").ref())
        .isEqualTo(new PackageRef(Ecosystem.PACKAGIST, "laravel/framework"));
    assertThat(ok("pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12").ref())
        .isEqualTo(new PackageRef(Ecosystem.DEBIAN, "openssl", "12"));
  }

  @Test
  void versionsComeFromThePurlAndQualifiersDoNotCount() {
    assertThat(ok("pkg:cargo/tokio@1.20.0?arch=x86_64#src/lib").version()).isEqualTo("1.20.0");
    assertThat(ok("pkg:cargo/tokio@1.20.0?arch=x86_64").ref())
        .isEqualTo(ok("pkg:cargo/tokio@1.20.0").ref());
    assertThat(ok("pkg:cargo/tokio").version()).isNull();
  }

  @Test
  void unsupportedAndMalformedPurlsSayWhy() {
    assertThat(PackageRef.fromPurl("pkg:generic/openssl@3.0"))
        .isEqualTo(new PackageRef.Parsed.Unsupported("generic"));
    assertThat(PackageRef.fromPurl("not a purl")).isInstanceOf(PackageRef.Parsed.Malformed.class);
    org.assertj.core.api.Assertions.assertThatCode(() -> PackageRef.fromPurl("pkg:npm/@@@"))
        .doesNotThrowAnyException();
  }
}
