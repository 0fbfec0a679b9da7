package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.AffectedPackage;
import dev.bulwark.vuln.osv.AffectedPackage.Event;
import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.InvalidVersionException;
import dev.bulwark.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Range compilation: an advisory's affected packages with every version bound parsed once, at build
 * time, in the scheme its range orders by. Lookups then compare parsed versions only.
 */
final class RangeCompiler {
  private RangeCompiler() {}

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

  /** The compiled entries of advisory {@code i}, in the order of its affected list. */
  static List<Entry> entries(int i, Advisory a, List<String> warnings) {
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
        ranges.add(range(schemeFor(eco, r.type()), r, a.id(), warnings));
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
              PackageRef.of(eco, ap.name(), ap.release()),
              ap,
              scheme,
              ranges.toArray(CompiledRange[]::new),
              parsed.toArray(Comparable<?>[]::new),
              Set.copyOf(ap.versions())));
    }
    return out;
  }

  /**
   * Ranges of type SEMVER are SemVer 2.0 except in Go, whose scheme is SemVer with a v prefix; in
   * crates.io they are Cargo's strict SemVer, which has no v prefix.
   */
  private static VersionScheme schemeFor(Ecosystem eco, AffectedPackage.Range.Type type) {
    if (type == AffectedPackage.Range.Type.SEMVER && eco != Ecosystem.GO) {
      return eco == Ecosystem.CRATES_IO ? VersionScheme.CARGO : VersionScheme.SEMVER;
    }
    return eco.scheme();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static CompiledRange range(
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
}
