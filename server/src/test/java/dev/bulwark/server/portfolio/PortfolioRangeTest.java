package dev.bulwark.server.portfolio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.InvalidVersionException;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** vers ranges of the portfolio query, ordered by Bulwark's own version schemes. */
class PortfolioRangeTest {
  static boolean in(String range, Ecosystem e, String version) {
    try {
      return PortfolioRange.parse(range, e).contains(version);
    } catch (InvalidVersionException x) {
      throw new AssertionError(x);
    }
  }

  /**
   * The known bug: versatile's Vers (com.vdurmont semver4j underneath) compared majors above 127 by
   * identity, so 300.0.11 was inside {@code <300.0.11}; the openssl-src advisory's range.
   */
  @Test
  void majorVersionsAbove127() {
    String range = "vers:npm/>=300.0.0|<300.0.11";
    assertThat(in(range, Ecosystem.NPM, "300.0.11")).isFalse();
    assertThat(in(range, Ecosystem.NPM, "300.0.0")).isTrue();
    assertThat(in(range, Ecosystem.NPM, "300.0.10")).isTrue();
    assertThat(in(range, Ecosystem.NPM, "299.9.9")).isFalse();
    assertThat(in(range, Ecosystem.NPM, "300.0.11-rc.1")).isTrue();
    assertThat(in("vers:cargo/>=300.0.0|<300.0.11", Ecosystem.CRATES_IO, "300.0.11")).isFalse();
    assertThat(in("vers:cargo/>=300.0.0|<300.0.11", Ecosystem.CRATES_IO, "300.0.9")).isTrue();
    assertThat(in("vers:npm/128.0.0", Ecosystem.NPM, "128.0.0")).isTrue();
  }

  @Test
  void theSpecificationsContainment() {
    String range = "vers:npm/1.2.3|>=2.0.0|<5.0.0|!=3.0.0";
    assertThat(in(range, Ecosystem.NPM, "1.2.3")).isTrue();
    assertThat(in(range, Ecosystem.NPM, "1.2.4")).isFalse();
    assertThat(in(range, Ecosystem.NPM, "2.0.0")).isTrue();
    assertThat(in(range, Ecosystem.NPM, "3.0.0")).isFalse();
    assertThat(in(range, Ecosystem.NPM, "4.9.9")).isTrue();
    assertThat(in(range, Ecosystem.NPM, "5.0.0")).isFalse();
    assertThat(in("vers:npm/<1.0.0|>=2.0.0", Ecosystem.NPM, "0.9.0")).isTrue();
    assertThat(in("vers:npm/<1.0.0|>=2.0.0", Ecosystem.NPM, "1.5.0")).isFalse();
    assertThat(in("vers:npm/<1.0.0|>=2.0.0", Ecosystem.NPM, "2.0.0")).isTrue();
    assertThat(in("vers:npm/*", Ecosystem.NPM, "0.0.1")).isTrue();
    assertThat(in("vers:npm/!=1.0.0", Ecosystem.NPM, "1.0.1")).isTrue();
    assertThat(in("vers:npm/!=1.0.0", Ecosystem.NPM, "1.0.0")).isFalse();
    assertThat(in("vers:golang/>=v1.5.0|<v1.6.0", Ecosystem.GO, "v1.5.3")).isTrue();
    assertThat(in("vers:maven/>=2.0.0|<2.17.1", Ecosystem.MAVEN, "2.17.0")).isTrue();
    assertThat(in("vers:maven/>=2.0.0|<2.17.1", Ecosystem.MAVEN, "2.17.1")).isFalse();
  }

  @Test
  void debianVersionsWithEpochsAndTilde() {
    String range = "vers:deb/>=1.1.1n-0+deb11u4|<3.0.11-1~deb12u2";
    assertThat(in(range, Ecosystem.DEBIAN, "3.0.11-1~deb12u1")).isTrue();
    assertThat(in(range, Ecosystem.DEBIAN, "3.0.11-1~deb12u2")).isFalse();
    assertThat(in(range, Ecosystem.DEBIAN, "3.0.11-1")).isFalse();
    assertThat(in(range, Ecosystem.DEBIAN, "1.1.1n-0+deb11u3")).isFalse();
    assertThat(in("vers:deb/<1:1.0", Ecosystem.DEBIAN, "2.0")).isTrue();
    assertThat(in("vers:deb/<1:1.0", Ecosystem.DEBIAN, "1:1.0")).isFalse();
  }

  static Optional<Ecosystem> ecosystem(String name) {
    return Arrays.stream(Ecosystem.values()).filter(e -> e.name().equals(name)).findFirst();
  }

  /** Needs the RPM and apk schemes of h/os-ecosystems: skipped, visibly, before that is merged. */
  @Test
  void rpmAndApkVersions() {
    Optional<Ecosystem> redhat = ecosystem("REDHAT");
    Optional<Ecosystem> alpine = ecosystem("ALPINE");
    assumeTrue(
        redhat.isPresent() && alpine.isPresent(),
        "NOTICE: the REDHAT and ALPINE ecosystems (h/os-ecosystems) are not in this build");
    String rpm = "vers:rpm/>=1:3.0.7-16.el9|<1:3.0.7-18.el9_2";
    assertThat(in(rpm, redhat.get(), "1:3.0.7-17.el9")).isTrue();
    assertThat(in(rpm, redhat.get(), "1:3.0.7-18.el9_2")).isFalse();
    assertThat(in(rpm, redhat.get(), "3.0.7-17.el9")).isFalse(); // no epoch: epoch 0
    assertThat(in("vers:rpm/<1.0^git1", redhat.get(), "1.0")).isTrue();
    assertThat(in("vers:rpm/<1.0", redhat.get(), "1.0~rc1")).isTrue();
    String apk = "vers:apk/>=3.1.0-r0|<3.1.4-r1";
    assertThat(in(apk, alpine.get(), "3.1.4-r0")).isTrue();
    assertThat(in(apk, alpine.get(), "3.1.4-r1")).isFalse();
    assertThat(in(apk, alpine.get(), "3.1.0_rc1-r0")).isFalse();
    assertThat(in("vers:alpine/<1.2.3_p1-r0", alpine.get(), "1.2.3-r5")).isTrue();
  }

  @Test
  void badRangesAreRefusedWithAReason() {
    assertThatThrownBy(() -> PortfolioRange.parse("npm/>=1", Ecosystem.NPM))
        .hasMessageContaining("vers:");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:nonsense", Ecosystem.NPM))
        .hasMessageContaining("'/'");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:nonsense/1", Ecosystem.NPM))
        .hasMessageContaining("unknown");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:deb/>=1.0", Ecosystem.NPM))
        .hasMessageContaining("vers:npm/");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=1.0.0|>=2.0.0", Ecosystem.NPM))
        .hasMessageContaining("alternate");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=1.0.0|<1.0.0", Ecosystem.NPM))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=not.a.version", Ecosystem.NPM))
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=1.0.0||<2.0.0", Ecosystem.NPM))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/*|1.0.0", Ecosystem.NPM))
        .hasMessageContaining("alone");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=", Ecosystem.NPM))
        .hasMessageContaining("without a version");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/%zz", Ecosystem.NPM))
        .hasMessageContaining("percent");
    assertThatThrownBy(
            () -> PortfolioRange.parse("vers:npm/" + "1.0.0|".repeat(1000), Ecosystem.NPM))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> PortfolioRange.parse("vers:npm/>=1.0.0", Ecosystem.NPM).contains("x"))
        .isInstanceOf(InvalidVersionException.class);
  }
}
