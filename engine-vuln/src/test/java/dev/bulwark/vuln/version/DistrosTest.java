package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The release table of docs/os-packages.md: OSV ecosystem values and purl distro qualifiers meet.
 */
class DistrosTest {
  static String osv(String value) {
    Ecosystem e = Ecosystem.fromOsv(value).orElseThrow();
    return Distros.releaseOfOsv(e, value);
  }

  static String purl(Ecosystem e, String distro) {
    return Distros.releaseOfPurl(e, distro) instanceof Distros.Release.Of o ? o.key() : null;
  }

  @Test
  void osvSpellingsAsEcosystemsJsonGivesThem() {
    assertThat(Ecosystem.fromOsv("Rocky Linux:9")).contains(Ecosystem.ROCKY);
    assertThat(Ecosystem.fromOsv("Red Hat:enterprise_linux:9::appstream"))
        .contains(Ecosystem.REDHAT);
    assertThat(Ecosystem.fromOsv("openSUSE:Leap 15.5")).contains(Ecosystem.OPENSUSE);
    assertThat(Ecosystem.fromOsv("SUSE:Linux Enterprise Server 15 SP5")).contains(Ecosystem.SUSE);
    assertThat(Ecosystem.fromOsv("Chainguard")).contains(Ecosystem.CHAINGUARD);
    assertThat(Ecosystem.fromOsv("Wolfi")).contains(Ecosystem.WOLFI);
    assertThat(Ecosystem.fromOsv("Photon OS:3.0")).isEmpty();

    assertThat(osv("Debian:12")).isEqualTo("12");
    assertThat(osv("Debian")).isNull();
    assertThat(osv("Ubuntu:22.04:LTS")).isEqualTo("22.04");
    assertThat(osv("Ubuntu:Pro:20.04:LTS")).isEqualTo("20.04");
    assertThat(osv("Ubuntu:25.04")).isEqualTo("25.04");
    assertThat(osv("Ubuntu:Pro:22.04:LTS:Realtime:Kernel")).isEqualTo("22.04");
    assertThat(osv("Ubuntu:Pro:FIPS-updates:20.04:LTS")).startsWith("?");
    assertThat(osv("Alpine:v3.20")).isEqualTo("3.20");
    assertThat(osv("Alpine:edge")).startsWith("?");
    assertThat(osv("Rocky Linux:9")).isEqualTo("9");
    assertThat(osv("AlmaLinux:8")).isEqualTo("8");
    assertThat(osv("Red Hat:enterprise_linux:9::appstream")).isEqualTo("9");
    assertThat(osv("Red Hat:enterprise_linux:8::baseos")).isEqualTo("8");
    assertThat(osv("Red Hat:rhel_aus:8.4::appstream")).startsWith("?");
    assertThat(osv("SUSE:Linux Enterprise Server 15 SP5")).isEqualTo("15.5");
    assertThat(osv("SUSE:Linux Enterprise Module for Basesystem 15 SP5")).isEqualTo("15.5");
    assertThat(osv("SUSE:Linux Enterprise Server 12 SP5-LTSS")).isEqualTo("12.5");
    assertThat(osv("SUSE:Linux Enterprise Micro 5.5")).startsWith("?");
    assertThat(osv("openSUSE:Leap 15.5")).isEqualTo("leap-15.5");
    // Regression: the non-free repository's records (OSV's openSUSE:Leap 15.5 NonFree) were kept
    // apart from the release and never met a Leap 15.5 package.
    assertThat(osv("openSUSE:Leap 15.5 NonFree")).isEqualTo("leap-15.5");
    assertThat(osv("openSUSE:Leap Micro 5.5")).startsWith("?");
    assertThat(osv("openSUSE:Tumbleweed")).isEqualTo("tumbleweed");
    assertThat(osv("Wolfi")).isNull();
  }

  @Test
  void purlDistroQualifiersAsSyftAndTrivyWriteThem() {
    assertThat(purl(Ecosystem.DEBIAN, "debian-12")).isEqualTo("12");
    assertThat(purl(Ecosystem.DEBIAN, "debian-12.5")).isEqualTo("12");
    assertThat(purl(Ecosystem.DEBIAN, "bookworm")).isEqualTo("12");
    assertThat(purl(Ecosystem.DEBIAN, "debian-sid")).isNull();
    assertThat(purl(Ecosystem.UBUNTU, "ubuntu-22.04")).isEqualTo("22.04");
    assertThat(purl(Ecosystem.UBUNTU, "jammy")).isEqualTo("22.04");
    assertThat(purl(Ecosystem.UBUNTU, "esm-infra/focal")).isEqualTo("20.04");
    assertThat(purl(Ecosystem.ALPINE, "alpine-3.20.3")).isEqualTo("3.20");
    assertThat(purl(Ecosystem.ALPINE, "alpine-3.20")).isEqualTo("3.20");
    // Trivy: pkg:apk/alpine/alpine-baselayout@3.7.1-r10?arch=x86_64&distro=3.24.0_alpha20260127
    assertThat(purl(Ecosystem.ALPINE, "3.24.0_alpha20260127")).isEqualTo("3.24");
    assertThat(purl(Ecosystem.DEBIAN, "12.5")).isEqualTo("12");
    assertThat(purl(Ecosystem.REDHAT, "9.4")).isEqualTo("9");
    assertThat(purl(Ecosystem.REDHAT, "rhel-9.4")).isEqualTo("9");
    assertThat(purl(Ecosystem.REDHAT, "redhat-9.4")).isEqualTo("9");
    assertThat(purl(Ecosystem.ROCKY, "rocky-9.3")).isEqualTo("9");
    assertThat(purl(Ecosystem.ALMALINUX, "almalinux-9.4")).isEqualTo("9");
    assertThat(purl(Ecosystem.SUSE, "sles-15.5")).isEqualTo("15.5");
    assertThat(purl(Ecosystem.SUSE, "sles-15")).isEqualTo("15.0");
    assertThat(purl(Ecosystem.OPENSUSE, "opensuse-leap-15.5")).isEqualTo("leap-15.5");
    assertThat(purl(Ecosystem.OPENSUSE, "opensuse-15.5")).isEqualTo("leap-15.5");
    assertThat(purl(Ecosystem.OPENSUSE, "opensuse-tumbleweed-20240101")).isEqualTo("tumbleweed");
    assertThat(Distros.releaseOfPurl(Ecosystem.WOLFI, null))
        .isInstanceOf(Distros.Release.None.class);
    assertThat(Distros.releaseOfPurl(Ecosystem.DEBIAN, null))
        .isInstanceOf(Distros.Release.Bad.class);
    assertThat(Distros.ofPurl("rpm", "rhel")).contains(Ecosystem.REDHAT);
    assertThat(Distros.ofPurl("rpm", "centos")).isEmpty();
    assertThat(Distros.ofPurl("apk", "chainguard")).contains(Ecosystem.CHAINGUARD);
  }
}
