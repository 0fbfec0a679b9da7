package dev.bulwark.vuln.match;

import dev.bulwark.vuln.match.RangeCompiler.CompiledRange;
import dev.bulwark.vuln.match.RangeCompiler.Entry;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.AffectedPackage;
import dev.bulwark.vuln.osv.OsvParser;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The matching index: built once from advisories, immutable and thread-safe afterwards. Lookup is
 * by ecosystem and normalized name, then the OSV evaluation algorithm over ranges whose bounds were
 * parsed at build time. Withdrawn advisories are left out; GIT ranges are kept in the advisories
 * but never used for package matching. Aliases and {@code upstream} ids join advisories into
 * groups: one vulnerability, one finding.
 *
 * <p>This class holds the index and answers; {@link AliasGroups} groups advisories (one union-find
 * for the full and the incremental build), {@link RangeCompiler} parses version bounds at build
 * time and {@link RangeMatcher} evaluates one version against them.
 */
public final class AdvisoryIndex {
  private final Map<PackageRef, Entry[]> byPackage;
  private final List<Advisory> advisories;
  private final AliasGroups groups;
  private final int withdrawn;
  private final List<String> warnings;

  /**
   * The own rating of every record that has one, by id, loaded or known by its links only: where a
   * vulnerability's matching records carry no severity, its aliases' ratings are read here.
   */
  private final Map<String, Severity> ratedById;

  /** The ecosystems the loaded advisories name: a component of another is not covered. */
  private final Set<Ecosystem> covered;

  /** Built with alias links of records not loaded: such groups cannot be extended in place. */
  private final boolean linked;

  private AdvisoryIndex(
      Map<PackageRef, Entry[]> byPackage,
      List<Advisory> advisories,
      AliasGroups groups,
      int withdrawn,
      List<String> warnings,
      Map<String, Severity> ratedById,
      Set<Ecosystem> covered,
      boolean linked) {
    this.byPackage = byPackage;
    this.advisories = advisories;
    this.groups = groups;
    this.withdrawn = withdrawn;
    this.warnings = warnings;
    this.ratedById = ratedById;
    this.covered = covered;
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
  public static AdvisoryIndex build(List<Advisory> input, List<OsvParser.Links> allLinks) {
    return build(input, allLinks, Set.of());
  }

  /**
   * {@link #build(List, List)} for a selective load, which also knows the ecosystems named by every
   * record read ({@code OsvLoader.Selection.ecosystems()}), not only by those selected: a component
   * of such an ecosystem was checked, and is clean when no selected record names it.
   */
  public static AdvisoryIndex build(
      List<Advisory> input, List<OsvParser.Links> allLinks, Set<String> ecosystemsRead) {
    return build(input, allLinks, Map.of(), ecosystemsRead);
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
    return build(input, List.of(), compiled, Set.of());
  }

  /** {@link #rebuild} when the new live records all come after this index's live records. */
  private AdvisoryIndex append(List<Advisory> added, int withdrawnNow) {
    int n = advisories.size();
    int m = added.size();
    List<List<String>> keys = new ArrayList<>(m);
    for (Advisory a : added) {
      keys.add(AliasGroups.keys(a));
    }
    AliasGroups nextGroups = groups.append(keys);

    Map<PackageRef, List<Entry>> fresh = new HashMap<>();
    List<String> nextWarnings = new ArrayList<>(warnings);
    for (int i = 0; i < m; i++) {
      for (Entry e : RangeCompiler.entries(n + i, added.get(i), nextWarnings)) {
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
    Map<String, Severity> nextRated = new HashMap<>(ratedById);
    rate(added, List.of(), nextRated);
    Set<Ecosystem> nextCovered = EnumSet.noneOf(Ecosystem.class);
    nextCovered.addAll(covered);
    cover(added, Set.of(), nextCovered);
    return new AdvisoryIndex(
        nextByPackage,
        Collections.unmodifiableList(nextAdvisories),
        nextGroups,
        withdrawnNow,
        List.copyOf(nextWarnings),
        Collections.unmodifiableMap(nextRated),
        Collections.unmodifiableSet(nextCovered),
        false);
  }

  /** Adds the own ratings of live records and of link records (withdrawn ones rate nothing). */
  private static void rate(
      List<Advisory> live, List<OsvParser.Links> links, Map<String, Severity> into) {
    for (Advisory a : live) {
      if (a.severity().known()) {
        into.merge(a.id(), a.severity(), AdvisoryIndex::graver);
      }
    }
    for (OsvParser.Links l : links) {
      if (!l.withdrawn() && l.severity().known()) {
        into.merge(l.id(), l.severity(), AdvisoryIndex::graver);
      }
    }
  }

  private static Severity graver(Severity a, Severity b) {
    return Severity.PREFERENCE.compare(a, b) >= 0 ? a : b;
  }

  private static void cover(List<Advisory> live, Set<String> names, Set<Ecosystem> into) {
    for (Advisory a : live) {
      for (AffectedPackage ap : a.affected()) {
        ap.ecosystem().ifPresent(into::add);
      }
    }
    for (String name : names) {
      Ecosystem.fromOsv(name).ifPresent(into::add);
    }
  }

  private static AdvisoryIndex build(
      List<Advisory> input,
      List<OsvParser.Links> allLinks,
      Map<Advisory, List<Entry>> compiled,
      Set<String> ecosystemsRead) {
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
      withdrawn = (int) allLinks.stream().filter(OsvParser.Links::withdrawn).count();
    }
    // Live advisories first, then the link records, which only join groups.
    List<List<String>> keys = new ArrayList<>(live.size() + allLinks.size());
    for (Advisory a : live) {
      keys.add(AliasGroups.keys(a));
    }
    for (OsvParser.Links l : allLinks) {
      keys.add(l.withdrawn() ? List.of() : AliasGroups.keys(l));
    }
    AliasGroups groups = AliasGroups.of(keys, live.size());

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
        entries = RangeCompiler.entries(i, a, warnings);
      }
      for (Entry e : entries) {
        map.computeIfAbsent(e.ref(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<PackageRef, Entry[]> frozen = new HashMap<>(map.size() * 2);
    map.forEach((k, v) -> frozen.put(k, v.toArray(Entry[]::new)));
    Map<String, Severity> rated = new HashMap<>();
    rate(live, allLinks, rated);
    Set<Ecosystem> covered = EnumSet.noneOf(Ecosystem.class);
    cover(live, ecosystemsRead, covered);
    return new AdvisoryIndex(
        frozen,
        List.copyOf(live),
        groups,
        withdrawn,
        List.copyOf(warnings),
        Collections.unmodifiableMap(rated),
        Collections.unmodifiableSet(covered),
        !allLinks.isEmpty());
  }

  /**
   * One advisory that affects a component version, with the range's next fix above it. {@code
   * distroStatus} is what the distribution says of it beyond the range, for OS packages only, null
   * otherwise: {@code "will not fix (Debian urgency: unimportant)"}, {@code "no fix released"},
   * {@code "fixed with Ubuntu Pro"}, ... ({@link #distroStatus}).
   */
  public record Hit(
      Advisory advisory, int group, Severity severity, String fixedIn, String distroStatus) {
    public Hit(Advisory advisory, int group, Severity severity, String fixedIn) {
      this(advisory, group, severity, fixedIn, null);
    }
  }

  /** The answer to "which advisories affect this package at this version". */
  public sealed interface Lookup permits Lookup.Affected, Lookup.Clean, Lookup.Undecidable {
    record Affected(List<Hit> hits) implements Lookup {}

    record Clean() implements Lookup {}

    /** The component's version does not parse, or an advisory's bound does not. */
    record Undecidable(String reason) implements Lookup {}
  }

  private static final Entry[] NONE = new Entry[0];

  /**
   * Advisories of {@code ref} at {@code version}. For a distribution whose records are scoped to a
   * release, {@code ref.release()} must be set (a record of Debian:11 says nothing of Debian 12);
   * records of the ecosystem that name no release apply to every release.
   */
  public Lookup lookup(PackageRef ref, String version) {
    if (ref.release() == null && ref.ecosystem().hasReleases()) {
      return new Lookup.Undecidable(
          ref.ecosystem().osvName()
              + " advisories are scoped to a release, and none is known for "
              + ref.name());
    }
    Entry[] scoped = byPackage.getOrDefault(ref, NONE);
    Entry[] unscoped =
        ref.release() == null ? NONE : byPackage.getOrDefault(ref.withoutRelease(), NONE);
    if (scoped.length == 0 && unscoped.length == 0) {
      return new Lookup.Clean();
    }
    Map<VersionScheme, Comparable<?>> parsedByScheme = new HashMap<>(2);
    List<Hit> hits = new ArrayList<>();
    for (Entry[] entries : new Entry[][] {scoped, unscoped}) {
      for (Entry e : entries) {
        RangeMatcher.Result r = RangeMatcher.evaluate(e, version, parsedByScheme);
        if (r.undecidable() != null) {
          return new Lookup.Undecidable(r.undecidable());
        }
        if (r.affected()) {
          Advisory a = advisories.get(e.advisory());
          hits.add(
              new Hit(
                  a,
                  groups.groupOf(e.advisory()),
                  e.affected().severity().orElse(a.severity()),
                  r.fixedIn(),
                  distroStatus(e.affected(), r.fixedIn())));
        }
      }
    }
    return hits.isEmpty() ? new Lookup.Clean() : new Lookup.Affected(List.copyOf(hits));
  }

  /**
   * The lookup of a matching key ({@link PackageRef#forMatching}): its package and, for RPM
   * distributions, Wolfi and Chainguard, its binary package too, each advisory once.
   */
  public Lookup lookup(PackageRef.Parsed.Ok key) {
    Lookup first = lookup(key.ref(), key.version());
    if (key.binary() == null || first instanceof Lookup.Undecidable) {
      return first;
    }
    Lookup second = lookup(key.binary(), key.version());
    if (second instanceof Lookup.Undecidable || !(first instanceof Lookup.Affected a)) {
      return second;
    }
    if (!(second instanceof Lookup.Affected b)) {
      return first;
    }
    List<Hit> hits = new ArrayList<>(a.hits());
    java.util.Set<Advisory> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    a.hits().forEach(h -> seen.add(h.advisory()));
    for (Hit h : b.hits()) {
      if (seen.add(h.advisory())) {
        hits.add(h);
      }
    }
    return new Lookup.Affected(List.copyOf(hits));
  }

  /**
   * What the distribution says of an affected entry beyond its range. Debian's tracker urgency
   * {@code unimportant} and {@code end-of-life} mean no security update will come; Ubuntu lists
   * ignored, deferred and needs-triage alike as affected without a fix (its OSV documentation), so
   * "no fix released" is all that can be said there; a fix Ubuntu ships only with Pro says so.
   */
  static String distroStatus(AffectedPackage ap, String fixedIn) {
    if (ap.ecosystem().isEmpty() || !ap.ecosystem().get().isOs()) {
      return null;
    }
    String note = ap.distroNote();
    if (note != null && note.startsWith("urgency: ")) {
      String urgency = note.substring("urgency: ".length()).replace("*", "");
      if (urgency.equals("unimportant")) {
        return fixedIn == null ? "will not fix (Debian urgency: unimportant)" : null;
      }
      if (urgency.equals("end-of-life")) {
        return fixedIn == null ? "will not fix (the release is end of life)" : null;
      }
      return fixedIn == null ? "no fix released (Debian urgency: " + urgency + ")" : null;
    }
    if (note != null && note.contains("Ubuntu Pro")) {
      return fixedIn == null ? "no fix released" : "fixed with Ubuntu Pro (ESM)";
    }
    return fixedIn == null ? "no fix released" : null;
  }

  /** A rating and the id of the record that gives it. */
  public record Rated(String id, Severity severity) {}

  /**
   * The rating of a vulnerability (an alias group) by the records of its group other than {@code
   * except} (the records that matched, whose own ratings the caller has read): the graver by {@link
   * Severity#PREFERENCE}, ties to the smaller id. Empty when none of them is loaded or rated. A
   * record's rating is {@code Advisory.severity()}: top-level first, else its gravest per-package
   * rating (the skim of a record known only by its links computes the same).
   */
  public java.util.Optional<Rated> aliasRating(int group, Set<String> except) {
    Rated best = null;
    for (String id : groups.ids(group)) {
      Severity s = except.contains(id) ? null : ratedById.get(id);
      if (s != null && (best == null || Severity.PREFERENCE.compare(s, best.severity()) > 0)) {
        best = new Rated(id, s);
      }
    }
    return java.util.Optional.ofNullable(best);
  }

  /** Whether some loaded advisory names a package of {@code ecosystem}. */
  public boolean covers(Ecosystem ecosystem) {
    return covered.contains(ecosystem);
  }

  /** The ecosystems the loaded advisories name. */
  public Set<Ecosystem> covered() {
    return covered;
  }

  /** Every id known for the group: record ids, aliases and upstream ids, sorted. */
  public List<String> groupIds(int group) {
    return groups.ids(group);
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
    java.util.BitSet hit = new java.util.BitSet(groups.size());
    java.util.BitSet seen = new java.util.BitSet(groups.size());
    for (int i = 0; i < advisories.size(); i++) {
      int g = groups.groupOf(i);
      if (!seen.get(g)) {
        seen.set(g);
        for (String id : groups.ids(g)) {
          if (anyIds.contains(id)) {
            hit.set(g);
            break;
          }
        }
      }
      if (hit.get(g)) {
        for (AffectedPackage ap : advisories.get(i).affected()) {
          ap.ecosystem().ifPresent(eco -> out.add(PackageRef.of(eco, ap.name(), ap.release())));
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
