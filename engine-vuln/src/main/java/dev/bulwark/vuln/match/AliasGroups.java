package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Advisories joined into groups by their ids, aliases and upstream ids: one vulnerability, one
 * finding. A group is numbered by its root, the smallest index among its members, and knows every
 * id of every member, sorted. Immutable.
 *
 * <p>The full build is {@link #append} to no groups, so the full and the incremental build run the
 * very same union-find: an incremental build cannot group differently.
 */
final class AliasGroups {
  static final AliasGroups NONE = new AliasGroups(new int[0], List.of());

  private final int[] groupOf;
  private final List<List<String>> ids;

  private AliasGroups(int[] groupOf, List<List<String>> ids) {
    this.groupOf = groupOf;
    this.ids = ids;
  }

  /**
   * Groups nodes by their keys (an advisory's id, aliases and upstream ids), keeping the first
   * {@code kept}: the rest are records that only join groups, such as the links of records that
   * were not loaded (their ids still count in the groups they join).
   */
  static AliasGroups of(List<List<String>> keys, int kept) {
    return NONE.join(keys, kept);
  }

  /** These groups with more nodes after the existing ones, whose keys may join and merge groups. */
  AliasGroups append(List<List<String>> added) {
    return join(added, groupOf.length + added.size());
  }

  private AliasGroups join(List<List<String>> added, int kept) {
    int n = groupOf.length;
    int m = added.size();
    UnionFind uf = new UnionFind(n + m);
    System.arraycopy(groupOf, 0, uf.parent, 0, n);
    // Only the old groups that know an id of a new node can change: find them with one pass over
    // the old ids, without indexing every old id.
    BitSet touched = new BitSet(n);
    if (n > 0) {
      for (List<String> keys : added) {
        for (String k : keys) {
          uf.owner.putIfAbsent(k, UnionFind.UNOWNED);
        }
      }
      for (int g = 0; g < ids.size() && !uf.owner.isEmpty(); g++) {
        for (String k : ids.get(g)) {
          if (uf.owner.containsKey(k)) {
            uf.owner.put(k, g);
            touched.set(g);
          }
        }
      }
    }
    for (int i = 0; i < m; i++) {
      uf.add(n + i, added.get(i));
    }

    int[] nextGroupOf = new int[kept];
    for (int i = 0; i < kept; i++) {
      nextGroupOf[i] = i < n && !touched.get(groupOf[i]) ? groupOf[i] : uf.find(i);
    }
    List<List<String>> nextIds = new ArrayList<>(kept);
    nextIds.addAll(ids);
    Map<Integer, Set<String>> fresh = new HashMap<>();
    for (int g = touched.nextSetBit(0); g >= 0; g = touched.nextSetBit(g + 1)) {
      int r = uf.find(g);
      fresh.computeIfAbsent(r, k -> new TreeSet<>()).addAll(ids.get(g));
      if (r != g) {
        nextIds.set(g, List.of());
      }
    }
    for (int i = 0; i < m; i++) {
      int r = uf.find(n + i);
      if (r < kept) {
        fresh.computeIfAbsent(r, k -> new TreeSet<>()).addAll(added.get(i));
      }
      if (n + i < kept) {
        nextIds.add(List.of());
      }
    }
    fresh.forEach((g, set) -> nextIds.set(g, List.copyOf(set)));
    return new AliasGroups(nextGroupOf, Collections.unmodifiableList(nextIds));
  }

  /** The keys of an advisory: its id, aliases and upstream ids. */
  static List<String> keys(Advisory a) {
    List<String> keys = new ArrayList<>(1 + a.aliases().size() + a.upstream().size());
    keys.add(a.id());
    keys.addAll(a.aliases());
    keys.addAll(a.upstream());
    return keys;
  }

  /** The keys of a record known by its links only. */
  static List<String> keys(OsvParser.Links l) {
    List<String> keys = new ArrayList<>(1 + l.others().size());
    keys.add(l.id());
    keys.addAll(l.others());
    return keys;
  }

  /** The group of node {@code i}. */
  int groupOf(int i) {
    return groupOf[i];
  }

  /** Every id known for {@code group}; empty for a number that is no group's root. */
  List<String> ids(int group) {
    return ids.get(group);
  }

  /** Nodes kept, which is also the bound of group numbers. */
  int size() {
    return groupOf.length;
  }

  /** Union-find over node indexes, joined through the keys they share; roots are the smallest. */
  private static final class UnionFind {
    static final int UNOWNED = -1;

    final int[] parent;

    /** The first node seen with a key, or the root of an old group that knows it. */
    final Map<String, Integer> owner = new HashMap<>();

    UnionFind(int size) {
      parent = new int[size];
      Arrays.setAll(parent, i -> i);
    }

    void add(int node, List<String> keys) {
      for (String k : keys) {
        Integer j = owner.putIfAbsent(k, node);
        if (j == null) {
          continue;
        }
        if (j == UNOWNED) {
          owner.put(k, node);
        } else {
          union(node, j);
        }
      }
    }

    int find(int i) {
      while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
      }
      return i;
    }

    void union(int a, int b) {
      int ra = find(a);
      int rb = find(b);
      if (ra != rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
}
