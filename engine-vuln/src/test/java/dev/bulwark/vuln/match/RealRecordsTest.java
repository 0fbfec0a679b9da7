package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.sbom.Component;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Go and RustSec records (test resources, with their licence note), checked against
 * expectations worked out by hand from each record's ranges.
 */
class RealRecordsTest {
  static Scanner scanner;
  static AdvisoryIndex index;

  @BeforeAll
  static void load() throws Exception {
    index =
        AdvisoryIndex.build(
            Fixtures.load("osv/go", "osv/crates", "osv/crates-bounds", "osv/go-case"));
    scanner = new Scanner(index);
  }

  static ScanResult scan(String purl) {
    return scanner.scan(List.of(new Component("c", null, null, purl)));
  }

  static List<String> ids(String purl) {
    ScanResult r = scan(purl);
    return r.vulnerable().isEmpty()
        ? List.of()
        : r.vulnerable().get(0).findings().stream().map(ScanResult.Finding::id).toList();
  }

  @Test
  void theWithdrawnRecordIsLoadedButNeverMatches() {
    assertThat(index.withdrawn()).isEqualTo(1);
    assertThat(index.size()).isEqualTo(10);
    assertThat(ids("pkg:golang/k8s.io/kubernetes@v1.20.0")).isEmpty();
  }

  @Test
  void pseudoVersionBoundsOfGo20220493() {
    assertThat(ids("pkg:golang/golang.org/x/sys@v0.0.0-20220408201424-a24fb2fb8a0f"))
        .containsExactly("GO-2022-0493");
    assertThat(ids("pkg:golang/golang.org/x/sys@v0.0.0-20220412211240-33da011f77ad")).isEmpty();
    assertThat(ids("pkg:golang/golang.org/x/sys@v0.1.0")).isEmpty();
    ScanResult.Finding f =
        scan("pkg:golang/golang.org/x/sys@v0.0.0-20210101000000-000000000000")
            .vulnerable()
            .get(0)
            .findings()
            .get(0);
    assertThat(f.fixed()).isEqualTo("0.0.0-20220412211240-33da011f77ad");
    assertThat(f.aliases()).containsExactly("CVE-2022-29526", "GHSA-p782-xgp4-8hr8");
  }

  @Test
  void twoIntervalsOfTheGoStandardLibrary() {
    assertThat(ids("pkg:golang/stdlib@v1.17.9")).containsExactly("GO-2022-0493");
    assertThat(ids("pkg:golang/stdlib@v1.17.10")).isEmpty();
    assertThat(ids("pkg:golang/stdlib@1.18.0-rc1")).containsExactly("GO-2022-0493");
    assertThat(ids("pkg:golang/stdlib@v1.18.1")).containsExactly("GO-2022-0493");
    assertThat(ids("pkg:golang/stdlib@v1.18.2")).isEmpty();
  }

  @Test
  void incompatibleVersionsOfGo20210072() {
    assertThat(ids("pkg:golang/github.com/docker/distribution@v2.6.2%2Bincompatible"))
        .containsExactly("GO-2021-0072");
    assertThat(ids("pkg:golang/github.com/docker/distribution@v2.7.0-rc.0%2Bincompatible"))
        .isEmpty();
    assertThat(ids("pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible")).isEmpty();
  }

  @Test
  void aPseudoVersionFixOfGo20210051() {
    assertThat(ids("pkg:golang/github.com/labstack/echo/v4@v4.1.17"))
        .containsExactly("GO-2021-0051");
    assertThat(ids("pkg:golang/github.com/labstack/echo/v4@v4.1.18-0.20201215153152-4422e3b66b9f"))
        .isEmpty();
    assertThat(ids("pkg:golang/github.com/labstack/echo/v4@v4.1.18")).isEmpty();
  }

  @Test
  void prereleaseFixAndAnUnfixedSiblingModuleOfGo20220272() {
    assertThat(ids("pkg:golang/github.com/kataras/iris/v12@v12.2.0-alpha7"))
        .containsExactly("GO-2022-0272");
    assertThat(ids("pkg:golang/github.com/kataras/iris/v12@v12.2.0-alpha8")).isEmpty();
    assertThat(ids("pkg:golang/github.com/kataras/iris/v12@v12.2.0")).isEmpty();
    // The v0/v1 module has no fix: every version is affected, and no upgrade is advised.
    ScanResult r = scan("pkg:golang/github.com/kataras/iris@v11.1.1%2Bincompatible");
    assertThat(r.vulnerable().get(0).findings().get(0).fixed()).isNull();
    assertThat(r.vulnerable().get(0).advice()).isNull();
  }

  /**
   * The bug of issue 14/15: RUSTSEC-2022-0064's only range is introduced 300.0.0, fixed 300.0.11;
   * 300.0.11 was reported vulnerable ("upgrade to 300.0.11, clearing 0 of 1") and 300.0.0 clean,
   * because majors above 127 compared by identity (see VersionOrderingTest).
   */
  @Test
  void opensslSrcBoundsOfRustsec20220064() {
    assertThat(ids("pkg:cargo/openssl-src@300.0.0")).contains("RUSTSEC-2022-0064");
    assertThat(ids("pkg:cargo/openssl-src@300.0.10")).contains("RUSTSEC-2022-0064");
    assertThat(ids("pkg:cargo/openssl-src@300.0.11")).doesNotContain("RUSTSEC-2022-0064");
    assertThat(ids("pkg:cargo/openssl-src@300.0.11+3.0.7")).doesNotContain("RUSTSEC-2022-0064");
    assertThat(ids("pkg:cargo/openssl-src@111.22.0")).doesNotContain("RUSTSEC-2022-0064");
    ScanResult.Finding f =
        scan("pkg:cargo/openssl-src@300.0.0").vulnerable().get(0).findings().stream()
            .filter(x -> x.id().equals("RUSTSEC-2022-0064"))
            .findFirst()
            .orElseThrow();
    assertThat(f.fixed()).isEqualTo("300.0.11");
  }

  @Test
  void crateVersionsWithAVPrefixAreNotSemVerForRustsec20220064() {
    // Found by the differential harness: v300.0.0 was read as 300.0.0 and reported affected;
    // Cargo has no v prefix, so the component is unmatched with the reason (npm keeps its v).
    ScanResult r = scan("pkg:cargo/openssl-src@v300.0.0");
    assertThat(r.vulnerable()).isEmpty();
    assertThat(r.unmatched()).hasSize(1);
    assertThat(r.unmatched().get(0).reason()).contains("no 'v' or '=' prefix");
    assertThat(ids("pkg:cargo/openssl-src@300.0.0")).contains("RUSTSEC-2022-0064");
  }

  /**
   * The bug of issue 14/15: packageurl-java lowercases golang purls, so a module path with a
   * capital letter (a large share of real Go SBOMs) never met its advisories and was reported
   * clean.
   */
  @Test
  void goModulePathsKeepTheirCaseForGo20265745() {
    assertThat(ids("pkg:golang/github.com/0xERR0R/blocky@v0.28.0")).containsExactly("GO-2026-5745");
    assertThat(ids("pkg:golang/github.com/0xERR0R/blocky@v0.31.9?type=module#cmd"))
        .containsExactly("GO-2026-5745");
    assertThat(ids("pkg:golang/github.com/0xERR0R/blocky@v0.32.0")).isEmpty();
    assertThat(ids("pkg:golang/github.com/0xerr0r/blocky@v0.28.0"))
        .as("another module path: Go module paths are case-sensitive")
        .isEmpty();
    assertThat(
            ((PackageRef.Parsed.Ok)
                    PackageRef.fromPurl("pkg:golang/github.com/BurntSushi/toml@v1.2.0"))
                .ref()
                .name())
        .isEqualTo("github.com/BurntSushi/toml");
  }

  @Test
  void threeIntervalsOfTokio() {
    assertThat(ids("pkg:cargo/tokio@1.6.9")).isEmpty();
    assertThat(ids("pkg:cargo/tokio@1.7.0")).containsExactly("RUSTSEC-2023-0001");
    assertThat(ids("pkg:cargo/tokio@1.18.3")).containsExactly("RUSTSEC-2023-0001");
    assertThat(ids("pkg:cargo/tokio@1.18.4")).isEmpty();
    assertThat(ids("pkg:cargo/tokio@1.20.0")).containsExactly("RUSTSEC-2023-0001");
    assertThat(ids("pkg:cargo/tokio@1.23.0")).containsExactly("RUSTSEC-2023-0001");
    assertThat(ids("pkg:cargo/tokio@1.23.1")).isEmpty();
    ScanResult.Finding f = scan("pkg:cargo/tokio@1.20.0").vulnerable().get(0).findings().get(0);
    assertThat(f.fixed()).isEqualTo("1.20.3");
    assertThat(f.severity().level().label()).isEqualTo("unknown");
  }

  @Test
  void cvssScoredRustSecRecords() {
    ScanResult.Finding hyper = scan("pkg:cargo/hyper@0.9.17").vulnerable().get(0).findings().get(0);
    assertThat(hyper.id()).isEqualTo("RUSTSEC-2017-0002");
    assertThat(hyper.severity().score()).isEqualTo(5.3);
    assertThat(hyper.severity().level().label()).isEqualTo("medium");
    assertThat(ids("pkg:cargo/hyper@0.9.18")).isEmpty();
    assertThat(ids("pkg:cargo/hyper@0.10.1")).containsExactly("RUSTSEC-2017-0002");
    ScanResult.VulnerableComponent smallvec = scan("pkg:cargo/smallvec@0.4.4").vulnerable().get(0);
    assertThat(smallvec.findings().get(0).severity().level().label()).isEqualTo("critical");
    assertThat(smallvec.advice()).isEqualTo(new ScanResult.Advice("0.4.5", 1, 1));
    assertThat(ids("pkg:cargo/smallvec@0.6.3")).isEmpty();
    assertThat(ids("pkg:cargo/smallvec@0.3.1")).isEmpty();
  }

  @Test
  void patchAdviceIsTheLowestVersionThatClearsEverything() {
    ScanResult.VulnerableComponent gin =
        scan("pkg:golang/github.com/gin-gonic/gin@v1.4.0").vulnerable().get(0);
    assertThat(gin.advice()).isEqualTo(new ScanResult.Advice("1.6.0", 1, 1));
  }

  @Test
  void whichComponentsDoesOneAdvisoryHitByAnyOfItsIds() {
    List<Component> set =
        List.of(
            new Component("a", null, null, "pkg:cargo/tokio@1.20.0"),
            new Component("b", null, null, "pkg:cargo/tokio@1.20.3"),
            new Component("c", null, null, "pkg:cargo/hyper@0.9.17"),
            new Component("d", "no purl", "1.0", null),
            new Component("e", null, null, "pkg:cargo/tokio@1.7.1"));
    assertThat(scanner.affectedBy("RUSTSEC-2023-0001", set))
        .extracting(Component::ref)
        .containsExactly("a", "e");
    assertThat(scanner.affectedBy("CVE-2023-22466", set))
        .extracting(Component::ref)
        .containsExactly("a", "e");
    assertThat(scanner.affectedBy("GHSA-7rrj-xr53-82p7", set))
        .extracting(Component::ref)
        .containsExactly("a", "e");
    assertThat(scanner.affectedBy("CVE-2017-18587", set))
        .extracting(Component::ref)
        .containsExactly("c");
    assertThat(scanner.affectedBy("CVE-0000-0000", set)).isEmpty();
  }

  @Test
  void qualifiersDoNotAffectMatching() {
    assertThat(ids("pkg:cargo/tokio@1.20.0?arch=x86_64#src")).containsExactly("RUSTSEC-2023-0001");
  }
}
