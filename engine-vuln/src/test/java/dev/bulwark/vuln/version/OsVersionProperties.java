package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The dpkg, RPM and apk orderings are total orders (antisymmetric, reflexive, transitive) and
 * consistent with parsing: comparing parsed values gives what {@link VersionScheme#compare} gives,
 * and an explicit epoch 0 changes nothing while epoch 1 outranks every epoch-less version.
 */
class OsVersionProperties {
  @Provide
  Arbitrary<String> deb() {
    Arbitrary<String> upstream =
        Arbitraries.of("0", "1", "2", "10", "1a", "1~rc1", "1+dfsg", "1.0", "1.0~", "1.0.1", "2~~")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(".", l));
    Arbitrary<String> revision =
        Arbitraries.of("", "-1", "-2", "-1~deb12u1", "-1+b1", "-0ubuntu1", "-1ubuntu0.1", "-10");
    return Combinators.combine(upstream, revision).as((u, r) -> u + r);
  }

  @Provide
  Arbitrary<String> rpm() {
    Arbitrary<String> version =
        Arbitraries.of("0", "1", "2", "10", "1a", "a", "1~rc1", "1^git1", "1.0", "1_2", "2~~", "1^")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(".", l));
    Arbitrary<String> release = Arbitraries.of("", "-1", "-27.el9", "-1.el9_2", "-1~rc", "-10");
    return Combinators.combine(version, release)
        .as((v, r) -> Character.isDigit(v.charAt(0)) ? v + r : "1." + v + r);
  }

  @Provide
  Arbitrary<String> apk() {
    Arbitrary<String> numbers =
        Arbitraries.integers()
            .between(0, 12)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(".", l.stream().map(String::valueOf).toList()));
    Arbitrary<String> letter = Arbitraries.of("", "a", "b");
    Arbitrary<String> suffix =
        Arbitraries.of(
            "",
            "_alpha",
            "_beta2",
            "_pre1",
            "_rc1",
            "_rc2",
            "_p1",
            "_p2",
            "_git20240101",
            "_cvs",
            "_svn",
            "_hg");
    Arbitrary<String> revision = Arbitraries.of("", "-r0", "-r1", "-r2", "-r10");
    return Combinators.combine(numbers, letter, suffix, revision).as((n, l, s, r) -> n + l + s + r);
  }

  @Property(tries = 400)
  void dpkgIsATotalOrder(@ForAll("deb") String a, @ForAll("deb") String b, @ForAll("deb") String c)
      throws Exception {
    VersionProperties.totalOrder(VersionScheme.DEBIAN, a, b, c);
    consistent(VersionScheme.DEBIAN, a, b);
  }

  @Property(tries = 400)
  void rpmIsATotalOrder(@ForAll("rpm") String a, @ForAll("rpm") String b, @ForAll("rpm") String c)
      throws Exception {
    VersionProperties.totalOrder(VersionScheme.RPM, a, b, c);
    consistent(VersionScheme.RPM, a, b);
  }

  @Property(tries = 400)
  void apkIsATotalOrder(@ForAll("apk") String a, @ForAll("apk") String b, @ForAll("apk") String c)
      throws Exception {
    VersionProperties.totalOrder(VersionScheme.APK, a, b, c);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  static void consistent(VersionScheme s, String a, String b) throws Exception {
    Comparable pa = s.parse(a);
    Comparable pb = s.parse(b);
    assertThat(Integer.signum(pa.compareTo(pb))).isEqualTo(s.compare(a, b));
    assertThat(s.compare("0:" + a, a)).as("0:%s vs %s", a, a).isZero();
    assertThat(s.compare("1:" + a, b)).as("1:%s vs %s", a, b).isPositive();
  }
}
