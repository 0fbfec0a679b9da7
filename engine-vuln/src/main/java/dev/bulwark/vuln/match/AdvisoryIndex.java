package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.AffectedPackage;
import dev.bulwark.vuln.osv.AffectedPackage.Event;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.InvalidVersionException;
import dev.bulwark.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The matching index: built once from advisories, immutable and thread-safe afterwards. Lookup is
 * by ecosystem and normalized name, then the OSV evaluation algorithm over ranges whose bounds were
 * parsed at build time. Withdrawn advisories are left out; GIT ranges are kept in the advisories
 * but never used for package matching. Aliases and {@code upstream} ids join advisories into
 * groups: one vulnerability, one finding.
 */
public final class AdvisoryIndex {
  private final Map<PackageRef, Entry[]> byPackage;
  private final List<Advisory> advisories;
  private final int[] groupOf;
  private final List<List<String>> groupIds;
  private final int withdrawn;
  private final List<String> warnings;

  /** Built with alias links of records not loaded: such groups cannot be extended in place. */
  private final boolean linked;

  /** One affected entry of one advisory, compiled. */
  record Entry(
      int advisory,
      PackageRef ref,
      AffectedPackage affected,
      VersionScheme scheme,
      CompiledRange[] ranges,
      Comparable<?>[] versions,
      Set<String> rawVersions) {}

  /**
   * One SEMVER or ECOSYSTEM range with its events sorted by version ({@code introduced: "0"}
   * first). A null bound in {@code bounds} means "0". {@code broken} names a bound that did not
   * parse: such a range cannot be decided, and says so instead of matching or not.
   */
  record CompiledRange(
      VersionScheme scheme,
      Event.Kind[] kinds,
      Comparable<?>[] bounds,
      String[] raw,
      Comparable<?>[] limits,
      String broken,
      List<String> warnings) {}

  private AdvisoryIndex(
      Map<PackageRef, Entry[]> byPackage,
      List<Advisory> advisories,
      int[] groupOf,
      List<List<String>> groupIds,
      int withdrawn,
      List<String> warnings,
      boolean linked) {
    this.byPackage = byPackage;
    this.advisories = advisories;
    this.groupOf = groupOf;
    this.groupIds = groupIds;
    this.withdrawn = withdrawn;
    this.warnings = warnings;
    this.linked = linked;
  }

  public static AdvisoryIndex build(List<Advisory> input) {
    return build(input, List.of());
  }

  /**
   * Builds from selected advisories, grouping them also through the alias links of records that
   * were not selected (see {@code OsvLoader.loadSelected}), so groups are the same as if every
   * record had been loaded. Withdrawn records are counted from the links when given.
   */
  public static AdvisoryIndex build(
      List<Advisory> input, List<dev.bulwark.vuln.osv.OsvParser.Links> allLinks) {
    return build(input, allLinks, Map.of());
  }

  /**
   * Builds the index for {@code input}, reusing what this index compiled for every advisory that is
   * the very same object (an unchanged record the caller kept from its last load): the result is
   * the index {@link #build(List)} would make, entry for entry, groups and warnings included.
   *
   * <p>When {@code input} is this index's records followed by new ones (the common case of a sync:
   * new advisories published, none changed), only the new records are compiled and grouped, and the
   * groups they join are merged in place: the cost is that of the new records plus a copy of the
   * package map, not a build. Otherwise version bounds of unchanged records are still reused, and
   * grouping runs over everything.
   */
  public AdvisoryIndex rebuild(List<Advisory> input) {
    List<Advisory> live = new ArrayList<>(input.size());
    int withdrawnNow = 0;
    for (Advisory a : input) {
      if (a.withdrawn()) {
        withdrawnNow++;
      } else {
        live.add(a);
      }
    }
    int n = advisories.size();
    boolean appended = !linked && live.size() >= n;
    for (int i = 0; appended && i < n; i++) {
      appended = live.get(i) == advisories.get(i);
    }
    if (appended) {
      return append(live.subList(n, live.size()), withdrawnNow);
    }
    Map<Advisory, List<Entry>> compiled = new java.util.IdentityHashMap<>(n * 2);
    for (Entry[] entries : byPackage.values()) {
      for (Entry e : entries) {
        compiled.computeIfAbsent(advisories.get(e.advisory()), k -> new ArrayList<>()).add(e);
      }
    }
    return build(input, List.of(), compiled);
  }

  /** {@link #rebuild} when the new live records all come after this index's live records. */
  private AdvisoryIndex append(List<Advisory> added, int withdrawnNow) {
    int n = advisories.size();
    int m = added.size();
    // Union-find over the new records, joined to the old groups that know one of their ids. Old
    // groups are represented by their root, the smallest index in the group, as in build().
    Map<String, Integer> owner = new HashMap<>();
    for (int i = 0; i < m; i++) {
      for (String k : keys(added.get(i))) {
        owner.putIfAbsent(k, -1);
      }
    }
    if (!owner.isEmpty()) {
      for (int g = 0; g < groupIds.size(); g++) {
        for (String k : groupIds.get(g)) {
          if (owner.get(k) != null) {
            owner.put(k, g);
          }
        }
      }
    }
    int[] parent = new int[n + m];
    Arrays.setAll(parent, i -> i);
    java.util.BitSet touched = new java.util.BitSet(n);
    for (int i = 0; i < m; i++) {
      for (String k : keys(added.get(i))) {
        Integer j = owner.get(k);
        if (j < 0) {
          owner.put(k, n + i);
        } else {
          if (j < n) {
            touched.set(j);
          }
          union(parent, n + i, j);
        }
      }
    }
    int[] nextGroupOf = Arrays.copyOf(groupOf, n + m);
    List<List<String>> nextGroupIds = new ArrayList<>(groupIds);
    Map<Integer, Set<String>> ids = new HashMap<>();
    boolean merged = false;
    for (int g = touched.nextSetBit(0); g >= 0; g = touched.nextSetBit(g + 1)) {
      int r = find(parent, g);
      ids.computeIfAbsent(r, k -> new TreeSet<>()).addAll(groupIds.get(g));
      if (r != g) {
        merged = true;
        nextGroupIds.set(g, List.of());
      }
    }
    if (merged) {
      for (int i = 0; i < n; i++) {
        if (touched.get(nextGroupOf[i])) {
          nextGroupOf[i] = find(parent, nextGroupOf[i]);
        }
      }
    }
    for (int i = 0; i < m; i++) {
      int r = find(parent, n + i);
      nextGroupOf[n + i] = r;
      ids.computeIfAbsent(r, k -> new TreeSet<>()).addAll(keys(added.get(i)));
      nextGroupIds.add(List.of());
    }
    ids.forEach((g, set) -> nextGroupIds.set(g, List.copyOf(set)));

    Map<PackageRef, List<Entry>> fresh = new HashMap<>();
    List<String> nextWarnings = new ArrayList<>(warnings);
    for (int i = 0; i < m; i++) {
      for (Entry e : compileEntries(n + i, added.get(i), nextWarnings)) {
        fresh.computeIfAbsent(e.ref(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<PackageRef, Entry[]> nextByPackage = new HashMap<>(byPackage);
    fresh.forEach(
        (ref, list) -> {
          Entry[] old = nextByPackage.getOrDefault(ref, new Entry[0]);
          Entry[] both = Arrays.copyOf(old, old.length + list.size());
          for (int j = 0; j < list.size(); j++) {
            both[old.length + j] = list.get(j);
          }
          nextByPackage.put(ref, both);
        });
    List<Advisory> nextAdvisories = new ArrayList<>(n + m);
    nextAdvisories.addAll(advisories);
    nextAdvisories.addAll(added);
    return new AdvisoryIndex(
        nextByPackage,
        java.util.Collections.unmodifiableList(nextAdvisories),
        nextGroupOf,
        java.util.Collections.unmodifiableList(nextGroupIds),
        withdrawnNow,
        List.copyOf(nextWarnings),
        false);
  }

  private static List<String> keys(Advisory a) {
    List<String> keys = new ArrayList<>(1 + a.aliases().size() + a.upstream().size());
    keys.add(a.id());
    keys.addAll(a.aliases());
    keys.addAll(a.upstream());
    return keys;
  }

  private static AdvisoryIndex build(
      List<Advisory> input,
      List<dev.bulwark.vuln.osv.OsvParser.Links> allLinks,
      Map<Advisory, List<Entry>> compiled) {
    List<Advisory> live = new ArrayList<>();
    int withdrawn = 0;
    for (Advisory a : input) {
      if (a.withdrawn()) {
        withdrawn++;
      } else {
        live.add(a);
      }
    }
    if (!allLinks.isEmpty()) {
      withdrawn =
          (int) allLinks.stream().filter(dev.bulwark.vuln.osv.OsvParser.Links::withdrawn).count();
    }
    int[] roots = groups(live, allLinks);
    int[] groupOf = Arrays.copyOf(roots, live.size());
    Map<Integer, Set<String>> ids = new HashMap<>();
    for (int i = 0; i < live.size(); i++) {
      ids.computeIfAbsent(groupOf[i], k -> new TreeSet<>()).addAll(keys(live.get(i)));
    }
    for (int i = 0; i < allLinks.size(); i++) {
      int root = roots[live.size() + i];
      var l = allLinks.get(i);
      if (root < live.size() && !l.withdrawn()) {
        Set<String> s = ids.computeIfAbsent(root, k -> new TreeSet<>());
        s.add(l.id());
        s.addAll(l.others());
      }
    }
    List<List<String>> groupIds = new ArrayList<>();
    for (int g = 0; g < live.size(); g++) {
      groupIds.add(ids.containsKey(g) ? List.copyOf(ids.get(g)) : List.of());
    }
    Map<PackageRef, List<Entry>> map = new HashMap<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      Advisory a = live.get(i);
      List<Entry> known = compiled.get(a);
      List<Entry> entries;
      if (known != null) {
        // Entries of one advisory, in the order of its affected list, as a fresh compile adds them.
        known.sort(Comparator.comparingInt(e -> a.affected().indexOf(e.affected())));
        entries = new ArrayList<>(known.size());
        for (Entry e : known) {
          entries.add(
              new Entry(
                  i, e.ref(), e.affected(), e.scheme(), e.ranges(), e.versions(), e.rawVersions()));
          for (CompiledRange r : e.ranges()) {
            warnings.addAll(r.warnings());
          }
        }
      } else {
        entries = compileEntries(i, a, warnings);
      }
      for (Entry e : entries) {
        map.computeIfAbsent(e.ref(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<PackageRef, Entry[]> frozen = new HashMap<>(map.size() * 2);
    map.forEach((k, v) -> frozen.put(k, v.toArray(Entry[]::new)));
    return new AdvisoryIndex(
        frozen,
        List.copyOf(live),
        groupOf,
        groupIds,
        withdrawn,
        List.copyOf(warnings),
        !allLinks.isEmpty());
  }

  /** The compiled entries of advisory {@code i}, in the order of its affected list. */
  private static List<Entry> compileEntries(int i, Advisory a, List<String> warnings) {
    List<Entry> out = new ArrayList<>();
    for (AffectedPackage ap : a.affected()) {
      if (ap.ecosystem().isEmpty() || ap.name() == null) {
        continue;
      }
      Ecosystem eco = ap.ecosystem().get();
      List<CompiledRange> ranges = new ArrayList<>();
      for (AffectedPackage.Range r : ap.ranges()) {
        if (r.type() == AffectedPackage.Range.Type.GIT) {
          continue;
        }
        ranges.add(compile(schemeFor(eco, r.type()), r, a.id(), warnings));
      }
      VersionScheme scheme = eco.scheme();
      List<Comparable<?>> parsed = new ArrayList<>();
      for (String v : ap.versions()) {
        try {
          parsed.add(scheme.parse(v));
        } catch (InvalidVersionException e) {
          // compared by its exact string instead
        }
      }
      out.add(
          new Entry(
              i,
              PackageRef.of(eco, ap.name()),
              ap,
              scheme,
              ranges.toArray(CompiledRange[]::new),
              parsed.toArray(Comparable<?>[]::new),
              Set.copyOf(ap.versions())));
    }
    return out;
  }

  /** Ranges of type SEMVER are SemVer 2.0 except in Go, whose scheme is SemVer with a v prefix. */
  private static VersionScheme schemeFor(Ecosystem eco, AffectedPackage.Range.Type type) {
    if (type == AffectedPackage.Range.Type.SEMVER && eco != Ecosystem.GO) {
      return VersionScheme.SEMVER;
    }
    return eco.scheme();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static CompiledRange compile(
      VersionScheme scheme, AffectedPackage.Range r, String id, List<String> allWarnings) {
    List<String> warnings = new ArrayList<>();
    record Ev(Event.Kind kind, Comparable bound, String raw) {}
    List<Ev> events = new ArrayList<>();
    List<Comparable<?>> limits = new ArrayList<>();
    String broken = null;
    for (Event e : r.events()) {
      if (e.kind() == Event.Kind.INTRODUCED && e.version().equals("0")) {
        events.add(new Ev(e.kind(), null, "0"));
        continue;
      }
      if (e.kind() == Event.Kind.LIMIT && e.version().contains("*")) {
        continue;
      }
      Comparable parsed;
      try {
        parsed = scheme.parse(e.version());
      } catch (InvalidVersionException ex) {
        broken = e.version();
        warnings.add(id + ": " + ex.getMessage());
        continue;
      }
      if (e.kind() == Event.Kind.LIMIT) {
        limits.add(parsed);
      } else {
        events.add(new Ev(e.kind(), parsed, e.version()));
      }
    }
    events.sort(Comparator.comparing(Ev::bound, Comparator.nullsFirst((x, y) -> x.compareTo(y))));
    allWarnings.addAll(warnings);
    return new CompiledRange(
        scheme,
        events.stream().map(Ev::kind).toArray(Event.Kind[]::new),
        events.stream().map(Ev::bound).toArray(Comparable<?>[]::new),
        events.stream().map(Ev::raw).toArray(String[]::new),
        limits.toArray(Comparable<?>[]::new),
        broken,
        List.copyOf(warnings));
  }

  /**
   * Union-find over ids, aliases and upstream ids, of the live advisories and then of the extra
   * link records (which only join groups). Returns the root of every node: live advisories first,
   * then the link records. Roots are the smallest index of a group, so a group with a live advisory
   * has a live root.
   */
  private static int[] groups(
      List<Advisory> live, List<dev.bulwark.vuln.osv.OsvParser.Links> extra) {
    int n = live.size();
    int[] parent = new int[n + extra.size()];
    Arrays.setAll(parent, i -> i);
    Map<String, Integer> owner = new HashMap<>();
    for (int i = 0; i < parent.length; i++) {
      List<String> keys = new ArrayList<>();
      if (i < n) {
        Advisory a = live.get(i);
        keys.add(a.id());
        keys.addAll(a.aliases());
        keys.addAll(a.upstream());
      } else {
        var l = extra.get(i - n);
        if (l.withdrawn()) {
          continue;
        }
        keys.add(l.id());
        keys.addAll(l.others());
      }
      for (String k : keys) {
        Integer j = owner.putIfAbsent(k, i);
        if (j != null) {
          union(parent, i, j);
        }
      }
    }
    int[] out = new int[parent.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = find(parent, i);
    }
    return out;
  }

  private static int find(int[] p, int i) {
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }

  private static void union(int[] p, int a, int b) {
    int ra = find(p, a);
    int rb = find(p, b);
    if (ra != rb) {
      p[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  /** One advisory that affects a component version, with the range's next fix above it. */
  public record Hit(Advisory advisory, int group, Severity severity, String fixedIn) {}

  /** The answer to "which advisories affect this package at this version". */
  public sealed interface Lookup permits Lookup.Affected, Lookup.Clean, Lookup.Undecidable {
    record Affected(List<Hit> hits) implements Lookup {}

    record Clean() implements Lookup {}

    /** The component's version does not parse, or an advisory's bound does not. */
    record Undecidable(String reason) implements Lookup {}
  }

  public Lookup lookup(PackageRef ref, String version) {
    Entry[] entries = byPackage.get(ref);
    if (entries == null) {
      return new Lookup.Clean();
    }
    Map<VersionScheme, Comparable<?>> parsedByScheme = new HashMap<>(2);
    List<Hit> hits = new ArrayList<>();
    for (Entry e : entries) {
      Result r = evaluate(e, version, parsedByScheme);
      if (r.undecidable != null) {
        return new Lookup.Undecidable(r.undecidable);
      }
      if (r.affected) {
        Advisory a = advisories.get(e.advisory());
        hits.add(
            new Hit(
                a, groupOf[e.advisory()], e.affected().severity().orElse(a.severity()), r.fixedIn));
      }
    }
    return hits.isEmpty() ? new Lookup.Clean() : new Lookup.Affected(List.copyOf(hits));
  }

  private record Result(boolean affected, String fixedIn, String undecidable) {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Result evaluate(Entry e, String version, Map<VersionScheme, Comparable<?>> cache) {
    if (e.rawVersions().contains(version)) {
      return new Result(true, null, null);
    }
    if (e.ranges().length == 0 && e.versions().length == 0) {
      return new Result(false, null, null);
    }
    Comparable v;
    try {
      v = parsed(e.scheme(), version, cache);
    } catch (InvalidVersionException ex) {
      return new Result(false, null, ex.getMessage());
    }
    for (Comparable<?> listed : e.versions()) {
      if (((Comparable) listed).compareTo(v) == 0) {
        return new Result(true, null, null);
      }
    }
    for (CompiledRange r : e.ranges()) {
      Comparable rv;
      try {
        // A SEMVER-typed range orders by SemVer 2.0 even where the ecosystem's own rules differ.
        rv = r.scheme == e.scheme() ? v : parsed(r.scheme, version, cache);
      } catch (InvalidVersionException ex) {
        return new Result(false, null, ex.getMessage());
      }
      if (!beforeLimits(rv, r)) {
        continue;
      }
      boolean vulnerable = false;
      int lastIndex = -1;
      for (int i = 0; i < r.kinds.length; i++) {
        Comparable bound = (Comparable) r.bounds[i];
        switch (r.kinds[i]) {
          case INTRODUCED -> {
            if (bound == null || rv.compareTo(bound) >= 0) {
              vulnerable = true;
              lastIndex = i;
            }
          }
          case FIXED -> {
            if (rv.compareTo(bound) >= 0) {
              vulnerable = false;
            }
          }
          case LAST_AFFECTED -> {
            if (rv.compareTo(bound) > 0) {
              vulnerable = false;
            }
          }
          case LIMIT -> {}
        }
      }
      if (vulnerable && r.broken != null) {
        return new Result(
            false,
            null,
            "an advisory bound '" + r.broken + "' does not parse, so the range cannot be decided");
      }
      if (vulnerable) {
        String fixed = null;
        for (int i = lastIndex + 1; i < r.kinds.length; i++) {
          if (r.kinds[i] == Event.Kind.FIXED) {
            fixed = r.raw[i];
            break;
          }
        }
        return new Result(true, fixed, null);
      }
    }
    return new Result(false, null, null);
  }

  private static Comparable<?> parsed(
      VersionScheme scheme, String version, Map<VersionScheme, Comparable<?>> cache)
      throws InvalidVersionException {
    Comparable<?> c = cache.get(scheme);
    if (c == null) {
      c = scheme.parse(version);
      cache.put(scheme, c);
    }
    return c;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static boolean beforeLimits(Comparable v, CompiledRange r) {
    if (r.limits.length == 0) {
      return true;
    }
    for (Comparable<?> l : r.limits) {
      if (v.compareTo(l) < 0) {
        return true;
      }
    }
    return false;
  }

  /** Every id known for the group: record ids, aliases and upstream ids, sorted. */
  public List<String> groupIds(int group) {
    return groupIds.get(group);
  }

  /** Advisories (not withdrawn) in the index. */
  public int size() {
    return advisories.size();
  }

  public int withdrawn() {
    return withdrawn;
  }

  public int packages() {
    return byPackage.size();
  }

  /** Problems found while compiling (advisory bounds that do not parse). */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The reverse question for many advisories at once, in one pass over the index: the packages
   * named by any advisory whose group knows one of {@code anyIds}.
   */
  public Set<PackageRef> packagesOf(Set<String> anyIds) {
    Set<PackageRef> out = new LinkedHashSet<>();
    if (anyIds.isEmpty()) {
      return out;
    }
    java.util.BitSet hit = new java.util.BitSet(groupIds.size());
    java.util.BitSet seen = new java.util.BitSet(groupIds.size());
    for (int i = 0; i < advisories.size(); i++) {
      int g = groupOf[i];
      if (!seen.get(g)) {
        seen.set(g);
        for (String id : groupIds.get(g)) {
          if (anyIds.contains(id)) {
            hit.set(g);
            break;
          }
        }
      }
      if (hit.get(g)) {
        for (AffectedPackage ap : advisories.get(i).affected()) {
          ap.ecosystem().ifPresent(eco -> out.add(PackageRef.of(eco, ap.name())));
        }
      }
    }
    return out;
  }

  /** The reverse question: which of these packages an advisory (by any id) names. */
  public Set<PackageRef> packagesOf(String anyId) {
    return packagesOf(Set.of(anyId));
  }

  /** True when {@code version} of {@code ref} is affected by the advisory group {@code group}. */
  public boolean affects(int group, PackageRef ref, String version) {
    return lookup(ref, version) instanceof Lookup.Affected a
        && a.hits().stream().anyMatch(h -> h.group() == group);
  }
}
