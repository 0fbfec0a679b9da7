package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.version.Ecosystem;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The index against a brute-force model: for random SemVer bounds forming disjoint intervals
 * [introduced, fixed), a version is affected exactly when it lies in one of them.
 */
class RangeProperties {
  record V(int major, int minor, int patch) implements Comparable<V> {
    @Override
    public int compareTo(V o) {
      int c = Integer.compare(major, o.major);
      if (c == 0) {
        c = Integer.compare(minor, o.minor);
      }
      return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  @Provide
  Arbitrary<V> versions() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 12),
            Arbitraries.integers().between(0, 12))
        .as(V::new);
  }

  @Property(tries = 300)
  void affectedExactlyInsideTheIntervals(
      @ForAll("bounds") List<V> bounds, @ForAll("versions") V probe) throws Exception {
    List<V> sorted = new ArrayList<>(new TreeSet<>(bounds));
    if (sorted.size() % 2 == 1) {
      sorted.remove(sorted.size() - 1);
    }
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < sorted.size(); i += 2) {
      if (i > 0) {
        events.append(", ");
      }
      events
          .append("{\"introduced\": \"")
          .append(sorted.get(i))
          .append("\"}, {\"fixed\": \"")
          .append(sorted.get(i + 1))
          .append("\"}");
    }
    if (sorted.isEmpty()) {
      events.append("{\"introduced\": \"0\"}, {\"fixed\": \"0.0.1\"}");
    }
    var idx =
        AdvisoryIndex.build(
            List.of(
                Fixtures.json(
                    Fixtures.record("P-1", "crates.io", "p", "SEMVER", events.toString()))));
    boolean expected = false;
    for (int i = 0; i < sorted.size(); i += 2) {
      if (probe.compareTo(sorted.get(i)) >= 0 && probe.compareTo(sorted.get(i + 1)) < 0) {
        expected = true;
      }
    }
    if (sorted.isEmpty()) {
      expected = probe.compareTo(new V(0, 0, 1)) < 0;
    }
    boolean actual =
        idx.lookup(PackageRef.of(Ecosystem.CRATES_IO, "p"), probe.toString())
            instanceof AdvisoryIndex.Lookup.Affected;
    assertThat(actual).as("%s in %s", probe, sorted).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<V>> bounds() {
    return versions().list().ofMinSize(0).ofMaxSize(8);
  }

  /**
   * Records with random aliases from a small pool: two records share a group exactly when a chain
   * of shared ids connects them (checked by a breadth-first search over the sharing graph).
   */
  @Property(tries = 200)
  void aliasGroupsAreTheConnectedComponents(@ForAll("aliasSets") List<List<Integer>> aliasSets)
      throws Exception {
    List<dev.bulwark.vuln.osv.Advisory> records = new ArrayList<>();
    for (int i = 0; i < aliasSets.size(); i++) {
      StringBuilder aliases = new StringBuilder();
      for (Integer a : aliasSets.get(i)) {
        aliases.append(aliases.isEmpty() ? "" : ", ").append("\"CVE-").append(a).append('"');
      }
      records.add(
          Fixtures.json(
              """
          {"id": "R-%d", "aliases": [%s], "affected": [{"package": {"ecosystem": "npm", "name": "n"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"""
                  .formatted(i, aliases)));
    }
    var idx = AdvisoryIndex.build(records);
    var hits =
        ((AdvisoryIndex.Lookup.Affected) idx.lookup(PackageRef.of(Ecosystem.NPM, "n"), "1.0.0"))
            .hits();
    int n = aliasSets.size();
    int[] group = new int[n];
    for (AdvisoryIndex.Hit h : hits) {
      group[Integer.parseInt(h.advisory().id().substring(2))] = h.group();
    }
    for (int a = 0; a < n; a++) {
      boolean[] seen = new boolean[n];
      java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(a));
      seen[a] = true;
      while (!queue.isEmpty()) {
        int x = queue.poll();
        for (int y = 0; y < n; y++) {
          if (!seen[y] && !java.util.Collections.disjoint(aliasSets.get(x), aliasSets.get(y))) {
            seen[y] = true;
            queue.add(y);
          }
        }
      }
      for (int b = 0; b < n; b++) {
        assertThat(group[a] == group[b])
            .as("R-%d and R-%d in %s", a, b, aliasSets)
            .isEqualTo(seen[b]);
      }
    }
  }

  @Provide
  Arbitrary<List<List<Integer>>> aliasSets() {
    return Arbitraries.integers()
        .between(1, 12)
        .list()
        .ofMaxSize(2)
        .list()
        .ofMinSize(1)
        .ofMaxSize(10);
  }
}
