package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Orderings must be total orders: antisymmetric and transitive, for the schemes written here. */
class VersionProperties {
  @Provide
  Arbitrary<String> pep440() {
    Arbitrary<String> release =
        Arbitraries.integers()
            .between(0, 3)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(".", l.stream().map(String::valueOf).toList()));
    Arbitrary<String> pre = Arbitraries.of("", "a1", "b2", "rc1", "c3", "alpha2", "pre1");
    Arbitrary<String> post = Arbitraries.of("", ".post1", "-2", ".rev3");
    Arbitrary<String> dev = Arbitraries.of("", ".dev0", ".dev4");
    Arbitrary<String> local = Arbitraries.of("", "+abc", "+1", "+abc.2", "+12.a");
    Arbitrary<String> epoch = Arbitraries.of("", "1!");
    return Combinators.combine(epoch, release, pre, post, dev, local)
        .as((e, r, p, po, d, l) -> e + r + p + po + d + l);
  }

  @Provide
  Arbitrary<String> gems() {
    return Arbitraries.of("0", "1", "2", "10", "a", "b", "pre", "rc1")
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(
            l -> {
              String s = String.join(".", l);
              return Character.isDigit(s.charAt(0)) ? s : "1." + s;
            });
  }

  @Property(tries = 500)
  void pep440IsATotalOrder(
      @ForAll("pep440") String a, @ForAll("pep440") String b, @ForAll("pep440") String c)
      throws Exception {
    totalOrder(VersionScheme.PYPI, a, b, c);
  }

  @Property(tries = 500)
  void rubyGemsIsATotalOrder(
      @ForAll("gems") String a, @ForAll("gems") String b, @ForAll("gems") String c)
      throws Exception {
    totalOrder(VersionScheme.RUBYGEMS, a, b, c);
  }

  static void totalOrder(VersionScheme s, String a, String b, String c) throws Exception {
    assertThat(s.compare(a, b)).as("%s vs %s", a, b).isEqualTo(-s.compare(b, a));
    assertThat(s.compare(a, a)).isZero();
    if (s.compare(a, b) <= 0 && s.compare(b, c) <= 0) {
      assertThat(s.compare(a, c)).as("%s <= %s <= %s", a, b, c).isLessThanOrEqualTo(0);
    }
  }
}
