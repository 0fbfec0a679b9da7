package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.version.Ecosystem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link AdvisoryIndex#rebuild} reuses compiled entries of unchanged records; it must answer
 * exactly what a fresh {@link AdvisoryIndex#build} over the same list answers: every lookup (hits,
 * groups, fix versions, undecidable reasons), group ids, reverse lookups and warnings.
 */
class IndexRebuildProperties {
  record Spec(int pkg, int lo, int hi, List<Integer> aliases, boolean broken, boolean withdrawn) {}

  @Provide
  Arbitrary<Spec> specs() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 6).list().ofMaxSize(2),
            Arbitraries.integers().between(0, 9).map(i -> i == 0),
            Arbitraries.integers().between(0, 9).map(i -> i == 0))
        .as(Spec::new);
  }

  static Advisory advisory(String id, Spec s) throws Exception {
    StringBuilder aliases = new StringBuilder();
    for (Integer a : s.aliases()) {
      aliases.append(aliases.isEmpty() ? "" : ", ").append("\"CVE-").append(a).append('"');
    }
    String lo = s.broken() ? "not.a.version" : s.lo() + ".0.0";
    return Fixtures.json(
        """
        {"id": "%s", "modified": "2024-01-01T00:00:00Z", %s "aliases": [%s],
         "affected": [{"package": {"ecosystem": "npm", "name": "p%d"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "%s"}, {"fixed": "%d.1.0"}]}]},
          {"package": {"ecosystem": "npm", "name": "p%d"}, "versions": ["9.9.9"]}]}"""
            .formatted(
                id,
                s.withdrawn() ? "\"withdrawn\": \"2024-02-01T00:00:00Z\"," : "",
                aliases,
                s.pkg(),
                lo,
                Math.max(s.lo(), s.hi()),
                (s.pkg() + 1) % 4));
  }

  @Property(tries = 200)
  void rebuildAnswersLikeAFreshBuild(
      @ForAll("lists") List<Spec> first,
      @ForAll("lists") List<Spec> fresh,
      @ForAll("keeps") List<Boolean> keep)
      throws Exception {
    List<Advisory> before = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      before.add(advisory("A-" + i, first.get(i)));
    }
    AdvisoryIndex old = AdvisoryIndex.build(before);
    // The next load: some records kept as the same objects, others dropped, changed or new.
    List<Advisory> after = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      if (keep.get(i % keep.size())) {
        after.add(before.get(i));
      }
    }
    for (int i = 0; i < fresh.size(); i++) {
      // Half reuse an old id with new content (a modified record), half are new ids.
      after.add(i % 2 == 0 ? advisory("A-" + i, fresh.get(i)) : advisory("B-" + i, fresh.get(i)));
    }
    java.util.Collections.rotate(after, keep.size());
    AdvisoryIndex rebuilt = old.rebuild(after);
    AdvisoryIndex expected = AdvisoryIndex.build(after);

    assertThat(rebuilt.size()).isEqualTo(expected.size());
    assertThat(rebuilt.withdrawn()).isEqualTo(expected.withdrawn());
    assertThat(rebuilt.packages()).isEqualTo(expected.packages());
    assertThat(rebuilt.warnings()).isEqualTo(expected.warnings());
    for (int g = 0; g < expected.size(); g++) {
      assertThat(rebuilt.groupIds(g)).isEqualTo(expected.groupIds(g));
    }
    Set<String> ids = new HashSet<>();
    for (int p = 0; p < 5; p++) {
      for (String v : List.of("0.0.1", "1.0.0", "2.0.5", "3.1.0", "4.0.0", "9.9.9", "x")) {
        var ref = PackageRef.of(Ecosystem.NPM, "p" + p);
        assertThat(describe(rebuilt.lookup(ref, v))).isEqualTo(describe(expected.lookup(ref, v)));
      }
    }
    for (Advisory a : after) {
      ids.add(a.id());
      ids.addAll(a.aliases());
    }
    Set<PackageRef> union = new HashSet<>();
    for (String id : ids) {
      assertThat(rebuilt.packagesOf(id)).isEqualTo(expected.packagesOf(id));
      union.addAll(expected.packagesOf(id));
    }
    // The one-pass batch form answers the union of the single questions.
    assertThat(rebuilt.packagesOf(ids)).isEqualTo(expected.packagesOf(ids)).isEqualTo(union);
  }

  /**
   * The sync's common case, which rebuild() serves without regrouping everything: the old records
   * as they were, then new ones (whose aliases may join and merge old groups), twice in a row.
   */
  @Property(tries = 300)
  void appendedRecordsAnswerLikeAFreshBuild(
      @ForAll("lists") List<Spec> first,
      @ForAll("lists") List<Spec> second,
      @ForAll("lists") List<Spec> third)
      throws Exception {
    List<Advisory> records = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      records.add(advisory("A-" + i, first.get(i)));
    }
    AdvisoryIndex index = AdvisoryIndex.build(records);
    int round = 0;
    for (List<Spec> more : List.of(second, third)) {
      round++;
      for (int i = 0; i < more.size(); i++) {
        records.add(advisory("N" + round + "-" + i, more.get(i)));
      }
      index = index.rebuild(List.copyOf(records));
      assertSame(index, AdvisoryIndex.build(records), records);
    }
  }

  private static void assertSame(
      AdvisoryIndex actual, AdvisoryIndex expected, List<Advisory> records) {
    assertThat(actual.size()).isEqualTo(expected.size());
    assertThat(actual.withdrawn()).isEqualTo(expected.withdrawn());
    assertThat(actual.packages()).isEqualTo(expected.packages());
    assertThat(actual.warnings()).isEqualTo(expected.warnings());
    for (int g = 0; g < expected.size(); g++) {
      assertThat(actual.groupIds(g)).as("group %d", g).isEqualTo(expected.groupIds(g));
    }
    for (int p = 0; p < 5; p++) {
      for (String v : List.of("0.0.1", "1.0.0", "2.0.5", "3.1.0", "4.0.0", "9.9.9", "x")) {
        var ref = PackageRef.of(Ecosystem.NPM, "p" + p);
        assertThat(describe(actual.lookup(ref, v))).isEqualTo(describe(expected.lookup(ref, v)));
      }
    }
    Set<String> ids = new HashSet<>();
    for (Advisory a : records) {
      ids.add(a.id());
      ids.addAll(a.aliases());
    }
    for (String id : ids) {
      assertThat(actual.packagesOf(id)).as(id).isEqualTo(expected.packagesOf(id));
    }
  }

  private static String describe(AdvisoryIndex.Lookup l) {
    return switch (l) {
      case AdvisoryIndex.Lookup.Clean c -> "clean";
      case AdvisoryIndex.Lookup.Undecidable u -> "undecidable " + u.reason();
      case AdvisoryIndex.Lookup.Affected a ->
          a.hits().stream()
              .map(
                  h -> h.advisory().id() + "/" + h.group() + "/" + h.fixedIn() + "/" + h.severity())
              .toList()
              .toString();
    };
  }

  @Provide
  Arbitrary<List<Spec>> lists() {
    return specs().list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Boolean>> keeps() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(5);
  }
}
