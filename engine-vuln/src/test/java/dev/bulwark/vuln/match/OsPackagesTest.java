package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvParser;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.Ecosystem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OS packages as Syft and Trivy write them, against real and transcribed distribution records
 * ({@code osv/os}, README there) and a few synthetic ones for what no record at hand exercises:
 * verdicts at, below and above each bound, across releases, epochs, {@code ~}, {@code ^} and apk
 * suffixes, source packages, distro verdicts, and bad input.
 */
class OsPackagesTest {
  static AdvisoryIndex index;
  static Scanner scanner;

  static final Component.Origin RECORDED = new Component.Origin(null, null, null, true, List.of());

  @BeforeAll
  static void load() throws Exception {
    List<Advisory> all =
        new ArrayList<>(Fixtures.load("osv/os/almalinux", "osv/os/ubuntu", "osv/os/transcribed"));
    all.add(
        json(
            Fixtures.record(
                "SUSE-SU-TEST-1",
                "SUSE:Linux Enterprise Server 15 SP5",
                "openssl-1_1",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"3.0.8-150500.5.14.1\"}")));
    all.add(
        json(
            Fixtures.record(
                "SUSE-SU-TEST-2",
                "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
                "libxml2",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"2.10.3-150500.5.17.1\"}")));
    all.add(
        json(
            Fixtures.record(
                "openSUSE-SU-TEST-1",
                "openSUSE:Leap 15.5",
                "curl",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"8.0.1-150400.5.41.1\"}")));
    all.add(
        json(
            Fixtures.record(
                "WOLFI-TEST-1",
                "Wolfi",
                "glibc",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"2.40_rc1-r0\"}")));
    all.add(
        json(
            Fixtures.record(
                "FEDORA-LIKE-CARET",
                "Rocky Linux:9",
                "tilde-caret",
                "ECOSYSTEM",
                "{\"introduced\": \"1.0~rc1\"}, {\"fixed\": \"1.0^git1\"}")));
    all.add(
        json(
            Fixtures.record(
                "UNSCOPED-1",
                "Debian",
                "unscoped",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"1.0-2\"}")));
    all.add(
        json(
            Fixtures.record(
                "FIPS-1",
                "Ubuntu:Pro:FIPS-updates:20.04:LTS",
                "openssl",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"1.1.1f-1ubuntu2.fips.9\"}")));
    all.add(
        json(
            Fixtures.record(
                "EUS-1",
                "Red Hat:rhel_eus:9.2::baseos",
                "openssl-libs",
                "ECOSYSTEM",
                "{\"introduced\": \"0\"}, {\"fixed\": \"1:9.9.9-1.el9_2\"}")));
    index = AdvisoryIndex.build(all);
    scanner = new Scanner(index);
  }

  static Advisory json(String s) throws Exception {
    return OsvParser.parse("test", s.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  static ScanResult scan(String purl, Component.Origin origin) {
    return scanner.scan(List.of(new Component("c", null, null, purl, origin)));
  }

  static List<String> ids(String purl) {
    return ids(purl, Component.Origin.NONE);
  }

  static List<String> ids(String purl, Component.Origin origin) {
    ScanResult r = scan(purl, origin);
    assertThat(r.unmatched()).as("unmatched: %s", r.unmatched()).isEmpty();
    return r.vulnerable().isEmpty()
        ? List.of()
        : r.vulnerable().get(0).findings().stream().map(ScanResult.Finding::id).toList();
  }

  static String unmatched(String purl, Component.Origin origin) {
    ScanResult r = scan(purl, origin);
    assertThat(r.unmatched()).hasSize(1);
    return r.unmatched().get(0).reason();
  }

  static String deb(String binary, String version, String distro) {
    return "pkg:deb/debian/"
        + binary
        + "@"
        + version
        + "?arch=amd64&upstream=openssl&distro="
        + distro;
  }

  @Test
  void debianBoundsOfDsa5532AtBelowAndAbove() {
    // Syft: the binary package with upstream=SOURCE.
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u1", "debian-12")))
        .containsExactly("DEBIAN-CVE-2023-5363");
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u2", "debian-12"))).isEmpty();
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u3", "debian-12"))).isEmpty();
    // '~' sorts before everything: 3.0.11-1~deb12u2 is below 3.0.11-1.
    assertThat(ids(deb("libssl3", "3.0.11-1", "debian-12"))).isEmpty();
    assertThat(ids(deb("libssl3", "3.0.10-1", "debian-12")))
        .containsExactly("DEBIAN-CVE-2023-5363");
    ScanResult.Finding f =
        scan(deb("libssl3", "3.0.11-1~deb12u1", "debian-12"), Component.Origin.NONE)
            .vulnerable()
            .get(0)
            .findings()
            .get(0);
    assertThat(f.fixed()).isEqualTo("3.0.11-1~deb12u2");
    assertThat(f.aliases()).contains("CVE-2023-5363");
  }

  @Test
  void aDebian12RecordDoesNotMatchDebian11AndEverySpellingOfTheReleaseMeets() {
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u1", "debian-11"))).isEmpty();
    // Trivy writes the point release, others the code name.
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u1", "debian-12.5")))
        .containsExactly("DEBIAN-CVE-2023-5363");
    assertThat(ids(deb("libssl3", "3.0.11-1~deb12u1", "bookworm")))
        .containsExactly("DEBIAN-CVE-2023-5363");
    // A record with no release applies to every release.
    assertThat(ids("pkg:deb/debian/unscoped@1.0-1?distro=debian-11", RECORDED))
        .containsExactly("UNSCOPED-1");
    assertThat(ids("pkg:deb/debian/unscoped@1.0-2?distro=debian-12", RECORDED)).isEmpty();
  }

  @Test
  void debianAdvisoriesNameSourcePackages() {
    String libssl3 = "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12";
    assertThat(unmatched(libssl3, Component.Origin.NONE))
        .isEqualTo(
            "Debian advisories name source packages; this SBOM does not say which source package"
                + " libssl3 was built from");
    // Trivy: the source package in the component's properties, read into Origin.
    Component.Origin trivy = new Component.Origin("openssl", null, "debian", true, List.of());
    assertThat(ids(libssl3, trivy)).containsExactly("DEBIAN-CVE-2023-5363");
    // The generator records sources, and names none: the binary is its own source.
    assertThat(ids(libssl3, RECORDED)).isEmpty();
    assertThat(ids("pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12", RECORDED))
        .containsExactly("DEBIAN-CVE-2023-5363");
    // upstream=SOURCE@VERSION: the source version is matched (here the fixed one).
    assertThat(
            ids(
                "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?upstream=openssl%403.0.11-1~deb12u2"
                    + "&distro=debian-12"))
        .isEmpty();
  }

  @Test
  void debianUnimportantIsShownAsWillNotFix() {
    var hit =
        (AdvisoryIndex.Lookup.Affected)
            index.lookup(PackageRef.of(Ecosystem.DEBIAN, "coreutils", "12"), "9.1-1");
    assertThat(hit.hits()).hasSize(1);
    assertThat(hit.hits().get(0).fixedIn()).isNull();
    assertThat(hit.hits().get(0).distroStatus())
        .isEqualTo("will not fix (Debian urgency: unimportant)");
    var fixed =
        (AdvisoryIndex.Lookup.Affected)
            index.lookup(PackageRef.of(Ecosystem.DEBIAN, "openssl", "12"), "3.0.11-1~deb12u1");
    assertThat(fixed.hits().get(0).distroStatus()).isNull();
  }

  @Test
  void ubuntuReleasesProAndFips() {
    String cli = "pkg:deb/ubuntu/php8.1-cli@%s?arch=amd64&upstream=php8.1&distro=%s";
    assertThat(ids(cli.formatted("8.1.2-1ubuntu2.21", "ubuntu-22.04")))
        .containsExactly("UBUNTU-CVE-2025-6491");
    assertThat(ids(cli.formatted("8.1.2-1ubuntu2.22", "ubuntu-22.04"))).isEmpty();
    assertThat(ids(cli.formatted("8.1.2-1ubuntu2.23", "jammy"))).isEmpty();
    assertThat(ids(cli.formatted("8.1.0~rc4-1ubuntu2", "ubuntu-22.04")))
        .containsExactly("UBUNTU-CVE-2025-6491");
    // The 22.04 record says nothing of 24.04.
    assertThat(ids(cli.formatted("8.1.2-1ubuntu2.21", "ubuntu-24.04"))).isEmpty();
    // Ubuntu:Pro:20.04:LTS (ESM) is the 20.04 release: no fix released there.
    var pro =
        (AdvisoryIndex.Lookup.Affected)
            index.lookup(PackageRef.of(Ecosystem.UBUNTU, "php7.4", "20.04"), "7.4.3-4ubuntu2.29");
    assertThat(pro.hits().get(0).distroStatus()).isEqualTo("no fix released");
    // FIPS builds are other packages: their record does not match a plain 20.04 openssl.
    assertThat(ids("pkg:deb/ubuntu/openssl@1.1.1f-1ubuntu2.22?distro=ubuntu-20.04", RECORDED))
        .isEmpty();
  }

  @Test
  void ubuntusOwnRecordOfCve20240727AcrossReleases() {
    String libssl3 = "pkg:deb/ubuntu/libssl3@%s?arch=amd64&upstream=openssl&distro=%s";
    assertThat(ids(libssl3.formatted("3.0.2-0ubuntu1.13", "ubuntu-22.04")))
        .containsExactly("CVE-2024-0727");
    assertThat(ids(libssl3.formatted("3.0.2-0ubuntu1.14", "ubuntu-22.04"))).isEmpty();
    assertThat(ids(libssl3.formatted("3.0.2-0ubuntu1.15", "ubuntu-22.04"))).isEmpty();
    assertThat(ids(libssl3.formatted("3.0.10-1ubuntu3", "ubuntu-24.04")))
        .containsExactly("CVE-2024-0727");
    assertThat(ids(libssl3.formatted("3.0.13-0ubuntu3", "noble"))).isEmpty();
    // Trivy: the source package from the SBOM's own fields.
    Component.Origin trivy = new Component.Origin("openssl", null, "ubuntu", true, List.of());
    assertThat(
            ids("pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.10?arch=amd64&distro=ubuntu-22.04", trivy))
        .containsExactly("CVE-2024-0727");
    // 18.04 is fixed only with Ubuntu Pro (ESM): shown as such.
    PackageRef bionic = PackageRef.of(Ecosystem.UBUNTU, "openssl", "18.04");
    var esm = (AdvisoryIndex.Lookup.Affected) index.lookup(bionic, "1.1.1-1ubuntu2.1~18.04.23");
    assertThat(esm.hits().get(0).fixedIn()).isEqualTo("1.1.1-1ubuntu2.1~18.04.23+esm4");
    assertThat(esm.hits().get(0).distroStatus()).isEqualTo("fixed with Ubuntu Pro (ESM)");
    assertThat(index.lookup(bionic, "1.1.1-1ubuntu2.1~18.04.23+esm4"))
        .isInstanceOf(AdvisoryIndex.Lookup.Clean.class);
    // edk2 on 22.04: affected, no fix released.
    var edk2 =
        (AdvisoryIndex.Lookup.Affected)
            index.lookup(
                PackageRef.of(Ecosystem.UBUNTU, "edk2", "22.04"), "2022.02-3ubuntu0.22.04.2");
    assertThat(edk2.hits().get(0).distroStatus()).isEqualTo("no fix released");
  }

  @Test
  void alpineBranchesAndSuffixes() {
    String p = "pkg:apk/alpine/libssl3@%s?arch=x86_64&upstream=openssl&distro=%s";
    assertThat(ids(p.formatted("3.1.3-r0", "alpine-3.18.4")))
        .containsExactly("ALPINE-CVE-2023-5363");
    assertThat(ids(p.formatted("3.1.4-r0", "alpine-3.18.4"))).isEmpty();
    assertThat(ids(p.formatted("3.1.4-r1", "alpine-3.18"))).isEmpty();
    // _rc sorts before the release, _p after it.
    assertThat(ids(p.formatted("3.1.4_rc1-r0", "alpine-3.18.4")))
        .containsExactly("ALPINE-CVE-2023-5363");
    assertThat(ids(p.formatted("3.1.3_p1-r0", "alpine-3.18.4")))
        .containsExactly("ALPINE-CVE-2023-5363");
    // -r2 is below -r10 (numbers, not text).
    assertThat(ids(p.formatted("3.1.4-r10", "alpine-3.18.4"))).isEmpty();
    // v3.18 is one branch: 3.19 is another.
    assertThat(ids(p.formatted("3.1.3-r0", "alpine-3.19.1"))).isEmpty();
    assertThat(
            unmatched(
                "pkg:apk/alpine/libssl3@3.1.3-r0?arch=x86_64&distro=alpine-3.18.4",
                Component.Origin.NONE))
        .contains("Alpine advisories name source packages");
  }

  @Test
  void redHatEpochsAndStreams() {
    String p =
        "pkg:rpm/redhat/openssl-libs@%s?arch=x86_64%s"
            + "&upstream=openssl-3.0.7-25.el9.src.rpm&distro=rhel-9.4";
    assertThat(ids(p.formatted("3.0.7-25.el9", "&epoch=1"))).containsExactly("RHSA-2024:2447");
    assertThat(ids(p.formatted("3.0.7-27.el9", "&epoch=1"))).isEmpty();
    assertThat(ids(p.formatted("3.0.7-28.el9", "&epoch=1"))).isEmpty();
    // Without an epoch the version is epoch 0, below every 1: version.
    assertThat(ids(p.formatted("3.0.7-27.el9", ""))).containsExactly("RHSA-2024:2447");
    // The epoch written in the version is the same as the qualifier.
    assertThat(ids(p.formatted("1:3.0.7-27.el9", ""))).isEmpty();
    // Trivy's namespace and distro spelling.
    assertThat(
            ids("pkg:rpm/redhat/openssl-libs@3.0.7-25.el9?arch=x86_64&epoch=1&distro=redhat-9.4"))
        .containsExactly("RHSA-2024:2447");
    // An extended-support stream (rhel_eus:9.2) is not the main RHEL 9 stream.
    assertThat(ids("pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&distro=rhel-9.2"))
        .isEmpty();
    assertThat(ids("pkg:rpm/redhat/openssl-libs@3.0.7-25.el9?epoch=1&distro=rhel-8.9")).isEmpty();
  }

  @Test
  void almaLinuxNamesBinariesAndRockyTheSource() {
    String alma =
        "pkg:rpm/almalinux/openssl-devel@3.0.7-26.el9?arch=x86_64&epoch=1"
            + "&upstream=openssl-3.0.7-26.el9.src.rpm&distro=almalinux-9.3";
    assertThat(ids(alma)).containsExactly("ALSA-2024:2447");
    assertThat(ids(alma.replace("3.0.7-26", "3.0.7-27"))).isEmpty();
    // openssl-libs is not named by ALSA-2024:2447.
    assertThat(ids(alma.replace("openssl-devel@", "openssl-libs@"))).isEmpty();
    assertThat(ids("pkg:rpm/almalinux/firefox@128.11.0-1.el10_0?distro=almalinux-10.0"))
        .containsExactly("ALSA-2025:10073");
    assertThat(ids("pkg:rpm/almalinux/firefox@128.12.0-1.el10_0?distro=almalinux-10.0")).isEmpty();
    assertThat(
            ids(
                "pkg:rpm/rocky/openssl-libs@3.0.7-26.el9?arch=x86_64&epoch=1"
                    + "&upstream=openssl-3.0.7-26.el9.src.rpm&distro=rocky-9.3"))
        .containsExactly("RLSA-2024:2447");
  }

  @Test
  void rpmTildeAndCaret() {
    String p = "pkg:rpm/rocky/tilde-caret@%s?distro=rocky-9.3";
    assertThat(ids(p.formatted("1.0~beta1"), RECORDED)).isEmpty();
    assertThat(ids(p.formatted("1.0~rc1"), RECORDED)).containsExactly("FEDORA-LIKE-CARET");
    assertThat(ids(p.formatted("1.0"), RECORDED)).containsExactly("FEDORA-LIKE-CARET");
    // After '^' a letter segment sorts before a number (rpm.vercmp agrees: 1.0^a < 1.0^git1 <
    // 1.0^20240101).
    assertThat(ids(p.formatted("1.0%5Ea"), RECORDED)).containsExactly("FEDORA-LIKE-CARET");
    assertThat(ids(p.formatted("1.0%5E20240101"), RECORDED)).isEmpty();
    assertThat(ids(p.formatted("1.0%5Egit1"), RECORDED)).isEmpty();
    assertThat(ids(p.formatted("1.0.1"), RECORDED)).isEmpty();
  }

  @Test
  void suseProductsAndOpenSuseLeap() {
    String sles =
        "pkg:rpm/sles/libopenssl1_1@%s?arch=x86_64"
            + "&upstream=openssl-1_1-3.0.8-150500.5.8.1.src.rpm&distro=sles-15.5";
    assertThat(ids(sles.formatted("3.0.8-150500.5.8.1"))).containsExactly("SUSE-SU-TEST-1");
    assertThat(ids(sles.formatted("3.0.8-150500.5.14.1"))).isEmpty();
    assertThat(ids(sles.formatted("3.0.8-150500.5.8.1").replace("sles-15.5", "sles-15.4")))
        .isEmpty();
    // A module of the same service pack is the same release.
    assertThat(ids("pkg:rpm/sles/libxml2-2@2.10.3-150500.5.11.1?upstream=libxml2&distro=sles-15.5"))
        .containsExactly("SUSE-SU-TEST-2");
    assertThat(ids("pkg:rpm/opensuse/curl@8.0.1-150400.5.32.1?distro=opensuse-leap-15.5", RECORDED))
        .containsExactly("openSUSE-SU-TEST-1");
    assertThat(ids("pkg:rpm/opensuse/curl@8.0.1-150400.5.32.1?distro=opensuse-leap-15.6", RECORDED))
        .isEmpty();
    assertThat(
            unmatched(
                "pkg:rpm/sles/libopenssl1_1@3.0.8-150500.5.8.1?distro=sles-15.5",
                Component.Origin.NONE))
        .contains("SUSE advisories name source packages");
  }

  @Test
  void suseSu20232620NamesTheSourceRpmForTheBasesystemModuleAndLeap() {
    // SUSE-SU-2023:2620-1: openssl-3 3.0.8-150500.5.3.1 for the Basesystem module of 15 SP5 (what a
    // SLES 15 SP5 system installs) and for openSUSE Leap 15.5. Syft names the source RPM in
    // upstream; the record names the source package openssl-3.
    String sles =
        "pkg:rpm/suse/libopenssl3@%s?arch=x86_64"
            + "&upstream=openssl-3-%s.src.rpm&distro=sles-15.5";
    assertThat(ids(sles.formatted("3.0.8-150500.5.0.1", "3.0.8-150500.5.0.1")))
        .containsExactly("SUSE-SU-2023:2620-1");
    assertThat(ids(sles.formatted("3.0.8-150500.5.3.1", "3.0.8-150500.5.3.1"))).isEmpty();
    // The release is compared segment by segment as numbers: .5.3.1 < .5.10.1, and 150400 < 150500.
    assertThat(ids(sles.formatted("3.0.8-150500.5.10.1", "3.0.8-150500.5.10.1"))).isEmpty();
    assertThat(ids(sles.formatted("3.0.8-150400.4.49.1", "3.0.8-150400.4.49.1")))
        .containsExactly("SUSE-SU-2023:2620-1");
    // The version before the release decides first: 3.0.7 with a higher release is below.
    assertThat(ids(sles.formatted("3.0.7-150500.9.1", "3.0.7-150500.9.1")))
        .containsExactly("SUSE-SU-2023:2620-1");
    // Trivy writes pkg:rpm/sles and the source from its own fields.
    Component.Origin trivy = new Component.Origin("openssl-3", null, "sles", true, List.of());
    assertThat(ids("pkg:rpm/sles/libopenssl3@3.0.8-150500.5.0.1?distro=sles-15.5", trivy))
        .containsExactly("SUSE-SU-2023:2620-1");
    // A 15 SP5 record says nothing of 15 SP4.
    assertThat(ids("pkg:rpm/sles/libopenssl3@3.0.8-150500.5.0.1?distro=sles-15.4", trivy))
        .isEmpty();
    // The binary RPM openssl-3 has the source's name: found without an upstream qualifier when
    // the generator records sources.
    assertThat(ids("pkg:rpm/suse/openssl-3@3.0.8-150500.5.0.1?distro=sles-15.5", RECORDED))
        .containsExactly("SUSE-SU-2023:2620-1");
    String leap =
        "pkg:rpm/opensuse/libopenssl3-32bit@%s?arch=x86_64"
            + "&upstream=openssl-3-%<s.src.rpm&distro=opensuse-leap-15.5";
    assertThat(ids(leap.formatted("3.0.8-150500.5.0.1"))).containsExactly("SUSE-SU-2023:2620-1");
    assertThat(ids(leap.formatted("3.0.8-150500.5.3.1"))).isEmpty();
    assertThat(ids(leap.formatted("3.0.8-150500.5.0.1").replace("leap-15.5", "leap-15.6")))
        .isEmpty();
    assertThat(
            ids(leap.formatted("3.0.8-150500.5.0.1").replace("leap-15.5", "tumbleweed-20240101")))
        .isEmpty();
    // Syft's namespace for openSUSE Leap is the os-release ID.
    assertThat(
            ids(
                "pkg:rpm/opensuse-leap/openssl-3@3.0.8-150500.5.0.1?distro=opensuse-leap-15.5",
                RECORDED))
        .containsExactly("SUSE-SU-2023:2620-1");
    ScanResult.Finding f =
        scan(leap.formatted("3.0.8-150500.5.0.1"), Component.Origin.NONE)
            .vulnerable()
            .get(0)
            .findings()
            .get(0);
    assertThat(f.fixed()).isEqualTo("3.0.8-150500.5.3.1");
  }

  @Test
  void wolfiOpensslAdvisoriesAndApkRevisions() {
    // CGA-9c28-ww88-6g95 (CVE-2024-4603): fixed in 3.3.0-r8; CGA-q7hj-3v56-vm7c (CVE-2023-5363):
    // fixed in 3.1.4-r0. Wolfi names the origin package; Syft writes it as upstream.
    String p = "pkg:apk/wolfi/libcrypto3@%s?arch=x86_64&upstream=openssl&distro=wolfi-20230201";
    assertThat(ids(p.formatted("3.3.0-r7"))).containsExactly("CGA-9c28-ww88-6g95");
    assertThat(ids(p.formatted("3.3.0-r8"))).isEmpty();
    // -r10 is above -r8 (a number, not text).
    assertThat(ids(p.formatted("3.3.0-r10"))).isEmpty();
    assertThat(ids(p.formatted("3.3.0_rc1-r9"))).containsExactly("CGA-9c28-ww88-6g95");
    assertThat(ids(p.formatted("3.1.3-r5")))
        .containsExactlyInAnyOrder("CGA-9c28-ww88-6g95", "CGA-q7hj-3v56-vm7c");
    assertThat(ids(p.formatted("3.1.4-r0"))).containsExactly("CGA-9c28-ww88-6g95");
    // Trivy: the origin package from its own fields, the distro as the bare release date.
    Component.Origin trivy = new Component.Origin("openssl", null, "wolfi", true, List.of());
    assertThat(ids("pkg:apk/wolfi/libssl3@3.3.0-r7?arch=x86_64&distro=20230201", trivy))
        .containsExactly("CGA-9c28-ww88-6g95");
    assertThat(ids("pkg:apk/wolfi/libssl3@3.3.0-r8?arch=x86_64&distro=20230201", trivy)).isEmpty();
    // The package named openssl itself, no distro needed (rolling).
    assertThat(ids("pkg:apk/wolfi/openssl@3.3.0-r7?arch=aarch64", RECORDED))
        .containsExactly("CGA-9c28-ww88-6g95");
    assertThat(ids("pkg:apk/wolfi/openssl@3.3.1-r0?arch=aarch64", RECORDED)).isEmpty();
    // A Wolfi record says nothing of Chainguard's package of the same name.
    assertThat(ids("pkg:apk/chainguard/openssl@3.3.0-r7?arch=x86_64", RECORDED)).isEmpty();
  }

  @Test
  void wolfiAndChainguardAreRolling() {
    assertThat(
            ids("pkg:apk/chainguard/ratify-fips-schemavalidator@1.4.0-r36?arch=x86_64", RECORDED))
        .containsExactly("CGA-6pq6-cqj9-7j95");
    assertThat(
            ids("pkg:apk/chainguard/ratify-fips-schemavalidator@1.4.0-r37?arch=x86_64", RECORDED))
        .isEmpty();
    // Chainguard's record says nothing of Wolfi's package of the same name, and the reverse.
    assertThat(ids("pkg:apk/wolfi/ratify-fips-schemavalidator@1.4.0-r36?arch=x86_64", RECORDED))
        .isEmpty();
    assertThat(ids("pkg:apk/wolfi/glibc@2.39-r5?arch=x86_64&distro=wolfi-20230201", RECORDED))
        .containsExactly("WOLFI-TEST-1");
    assertThat(ids("pkg:apk/wolfi/glibc@2.40_rc1-r0?arch=x86_64", RECORDED)).isEmpty();
    assertThat(ids("pkg:apk/wolfi/glibc@2.40_alpha1-r0?arch=x86_64", RECORDED))
        .containsExactly("WOLFI-TEST-1");
    // A record may name a subpackage: found by the package's own name next to its origin's.
    assertThat(
            ids(
                "pkg:apk/chainguard/ratify-fips-schemavalidator@1.4.0-r36?arch=x86_64"
                    + "&upstream=ratify-fips"))
        .containsExactly("CGA-6pq6-cqj9-7j95");
  }

  @Test
  void aWolfiSubpackageWithoutItsOriginIsUnmatchedNotClean() {
    // Regression: Wolfi's advisories for openssl cover its subpackages (libcrypto3, libssl3). A
    // libcrypto3 whose SBOM names no origin was looked up as libcrypto3 alone and reported clean.
    assertThat(unmatched("pkg:apk/wolfi/libcrypto3@3.3.0-r7?arch=x86_64", Component.Origin.NONE))
        .isEqualTo(
            "Wolfi advisories name source packages; this SBOM does not say which source package"
                + " libcrypto3 was built from");
    assertThat(
            unmatched("pkg:apk/chainguard/libcrypto3@3.3.0-r7?arch=x86_64", Component.Origin.NONE))
        .contains("Chainguard advisories name source packages");
  }

  @Test
  void badInputIsUnmatchedWithAReasonNeverGuessed() {
    assertThat(unmatched("pkg:deb/debian/openssl@3.0.11-1", RECORDED))
        .isEqualTo(
            "Debian advisories are scoped to a release, and this purl has no distro qualifier to"
                + " say which (as distro=debian-12)");
    assertThat(unmatched("pkg:deb/debian/openssl@3.0.11-1?distro=debian-sid", RECORDED))
        .isEqualTo("distro 'debian-sid' is not a Debian release Bulwark knows (as debian-12)");
    assertThat(unmatched("pkg:deb/debian/openssl@3.0.11-1?distro=ubuntu-22.04", RECORDED))
        .contains("not a Debian release");
    assertThat(unmatched("pkg:deb/kali/openssl@3.0.11-1?distro=kali-2024", RECORDED))
        .isEqualTo("purl type 'deb/kali' has no supported ecosystem");
    assertThat(unmatched("pkg:rpm/redhat/openssl@3.0.7-27.el9?epoch=x&distro=rhel-9", RECORDED))
        .isEqualTo("the epoch qualifier 'x' is not a number");
    assertThat(unmatched("pkg:rpm/redhat/openssl@2:3.0.7-27.el9?epoch=1&distro=rhel-9", RECORDED))
        .contains("disagree");
    assertThat(unmatched("pkg:deb/debian/openssl@x:3.0.11-1?distro=debian-12", RECORDED))
        .contains("the epoch 'x' is not a number");
    assertThat(unmatched("pkg:deb/debian/openssl@abc?distro=debian-12", RECORDED))
        .contains("must start with a digit");
    assertThat(unmatched("pkg:apk/alpine/openssl@_rc1?distro=alpine-3.18", RECORDED))
        .contains("starts with a digit");
    assertThat(
            unmatched(
                "pkg:rpm/redhat/openssl@1.0-1?distro=rhel-9&upstream=broken.src.rpm", RECORDED))
        .contains("names no source package");
    String huge = "9".repeat(100_000);
    assertThat(unmatched("pkg:deb/debian/openssl@" + huge + "?distro=debian-12", RECORDED))
        .hasSizeLessThan(300);
  }

  @Test
  void purlsStillParseWithoutADistroForPortfolioQueries() {
    var ok = (PackageRef.Parsed.Ok) PackageRef.fromPurl("pkg:deb/debian/openssl@3.0.11-1");
    assertThat(ok.ref()).isEqualTo(new PackageRef(Ecosystem.DEBIAN, "openssl", null));
    var rpm =
        (PackageRef.Parsed.Ok)
            PackageRef.fromPurl("pkg:rpm/rocky/openssl@3.0.7-27.el9?epoch=1&distro=rocky-9.3");
    assertThat(rpm.ref()).isEqualTo(new PackageRef(Ecosystem.ROCKY, "openssl", "9"));
    assertThat(rpm.version()).isEqualTo("1:3.0.7-27.el9");
    assertThat(ok.ref().withoutRelease()).isEqualTo(PackageRef.of(Ecosystem.DEBIAN, "openssl"));
  }
}
