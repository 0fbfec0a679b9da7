package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.PackageTypes;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.version.InvalidVersionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Matches SBOM components against an {@link AdvisoryIndex}; pure and thread-safe. */
public final class Scanner {
  private final AdvisoryIndex index;

  public Scanner(AdvisoryIndex index) {
    this.index = index;
  }

  /**
   * The reverse question: which of {@code components} the vulnerability known by {@code anyId} (a
   * record id or any alias) affects. Only components of the packages the advisory names are
   * evaluated.
   */
  public List<Component> affectedBy(String anyId, java.util.Collection<Component> components) {
    java.util.Set<PackageRef> packages = index.packagesOf(anyId);
    List<Component> out = new ArrayList<>();
    if (packages.isEmpty()) {
      return out;
    }
    for (Component c : components) {
      if (c.purl() == null
          || !(PackageRef.forMatching(c) instanceof PackageRef.Parsed.Ok ok)
          || !(packages.contains(ok.ref())
              || (ok.binary() != null && packages.contains(ok.binary())))) {
        continue;
      }
      String version = ok.version() != null ? ok.version() : c.version();
      if (version != null
          && index.lookup(new PackageRef.Parsed.Ok(ok.ref(), version, ok.binary()))
              instanceof AdvisoryIndex.Lookup.Affected a
          && a.hits().stream().anyMatch(h -> index.groupIds(h.group()).contains(anyId))) {
        out.add(c);
      }
    }
    return out;
  }

  public ScanResult scan(Sbom sbom) {
    return scan(sbom.components());
  }

  public ScanResult scan(List<Component> components) {
    List<ScanResult.VulnerableComponent> vulnerable = new ArrayList<>();
    List<Component> clean = new ArrayList<>();
    List<ScanResult.Unmatched> unmatched = new ArrayList<>();
    List<Component> notCovered = new ArrayList<>();
    for (Component c : components) {
      if (c.purl() == null || c.purl().isBlank()) {
        String type = c.origin().packageType();
        unmatched.add(
            new ScanResult.Unmatched(
                c,
                PackageTypes.isOsPackage(type)
                    ? "no purl, though the SBOM records a "
                        + type
                        + " package: OS packages are matched by their purl (type, distro"
                        + " qualifier), which the generator could not write"
                    : "no purl"));
        continue;
      }
      PackageRef.Parsed parsed = matchKey(c);
      if (!(parsed instanceof PackageRef.Parsed.Malformed)) {
        String conflict = typeConflict(c);
        if (conflict != null) {
          unmatched.add(new ScanResult.Unmatched(c, conflict, true));
          continue;
        }
      }
      switch (parsed) {
        case PackageRef.Parsed.Malformed m ->
            unmatched.add(new ScanResult.Unmatched(c, m.reason()));
        case PackageRef.Parsed.Unmatched u ->
            unmatched.add(new ScanResult.Unmatched(c, u.reason()));
        case PackageRef.Parsed.Unsupported u ->
            unmatched.add(
                new ScanResult.Unmatched(
                    c, "purl type '" + u.type() + "' has no supported ecosystem"));
        case PackageRef.Parsed.Ok ok -> {
          String version = ok.version() != null ? ok.version() : c.version();
          if (!index.covers(ok.ref().ecosystem())) {
            notCovered.add(c);
            continue;
          }
          if (version == null || version.isBlank()) {
            unmatched.add(new ScanResult.Unmatched(c, "no version"));
            continue;
          }
          switch (index.lookup(new PackageRef.Parsed.Ok(ok.ref(), version, ok.binary()))) {
            case AdvisoryIndex.Lookup.Clean cl -> clean.add(c);
            case AdvisoryIndex.Lookup.Undecidable und ->
                unmatched.add(new ScanResult.Unmatched(c, und.reason()));
            case AdvisoryIndex.Lookup.Affected a ->
                vulnerable.add(component(c, ok.ref(), version, a.hits()));
          }
        }
      }
    }
    vulnerable.sort(
        Comparator.comparing(ScanResult.VulnerableComponent::worst)
            .reversed()
            .thenComparing(v -> v.component().label()));
    return new ScanResult(vulnerable, clean, unmatched, notCovered);
  }

  /**
   * The package and version to look up for a component. The one place the purl is read for
   * matching: OS packages are matched by the source package the SBOM records, which the
   * OS-ecosystem mapping in {@link PackageRef} decides.
   */
  private static PackageRef.Parsed matchKey(Component c) {
    return PackageRef.forMatching(c);
  }

  /**
   * Why a component's purl type and the package type its generator recorded cannot both be right,
   * or null when they agree or the recorded type is not one whose purl type is certain.
   */
  static String typeConflict(Component c) {
    String recorded = c.origin().packageType();
    String purlType = PackageTypes.purlType(c.purl());
    if (recorded == null || purlType == null) {
      return null;
    }
    return PackageTypes.purlTypeOf(recorded)
        .filter(expected -> !expected.equals(purlType))
        .map(
            expected ->
                "the purl type '"
                    + purlType
                    + "' disagrees with the package type '"
                    + recorded
                    + "' the SBOM's generator recorded (a pkg:"
                    + expected
                    + " package); which is right cannot be told, so it was not matched")
        .orElse(null);
  }

  private ScanResult.VulnerableComponent component(
      Component c, PackageRef ref, String version, List<AdvisoryIndex.Hit> hits) {
    Map<Integer, List<AdvisoryIndex.Hit>> byGroup = new LinkedHashMap<>();
    for (AdvisoryIndex.Hit h : hits) {
      byGroup.computeIfAbsent(h.group(), g -> new ArrayList<>()).add(h);
    }
    List<ScanResult.Finding> findings = new ArrayList<>();
    for (var e : byGroup.entrySet()) {
      List<AdvisoryIndex.Hit> group = e.getValue();
      String id = group.stream().map(h -> h.advisory().id()).sorted().findFirst().orElseThrow();
      List<String> aliases = new ArrayList<>(new TreeSet<>(index.groupIds(e.getKey())));
      aliases.remove(id);
      // The matching records' own ratings first; where none carries one, the group's other records.
      AdvisoryIndex.Hit rated = null;
      for (AdvisoryIndex.Hit h : group) {
        if (h.severity().known()
            && (rated == null
                || Severity.PREFERENCE.compare(h.severity(), rated.severity()) > 0
                || (Severity.PREFERENCE.compare(h.severity(), rated.severity()) == 0
                    && h.advisory().id().compareTo(rated.advisory().id()) < 0))) {
          rated = h;
        }
      }
      Severity severity = Severity.UNKNOWN;
      String from = null;
      boolean byAlias = false;
      if (rated != null) {
        severity = rated.severity();
        from = rated.advisory().id();
      } else {
        Set<String> matched = new HashSet<>();
        group.forEach(h -> matched.add(h.advisory().id()));
        Optional<AdvisoryIndex.Rated> alias = index.aliasRating(e.getKey(), matched);
        if (alias.isPresent()) {
          severity = alias.get().severity();
          from = alias.get().id();
          byAlias = true;
        }
      }
      String fixed = highestFix(ref, group);
      findings.add(
          new ScanResult.Finding(
              c,
              id,
              aliases,
              severity,
              from,
              byAlias,
              fixed,
              group.get(0).advisory().summary(),
              distroStatus(group)));
    }
    findings.sort(
        Comparator.comparing((ScanResult.Finding f) -> f.severity().level())
            .reversed()
            .thenComparing(ScanResult.Finding::id));
    return new ScanResult.VulnerableComponent(c, findings, advice(ref, version, findings, byGroup));
  }

  /**
   * The distribution's verdict on the package ("will not fix", "postponed", ...), from the first
   * record of the group that carries one; null when none does.
   */
  private static String distroStatus(List<AdvisoryIndex.Hit> group) {
    return group.stream()
        .map(AdvisoryIndex.Hit::distroStatus)
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** The fix for a group is the highest of its records' next fixes: all records must be fixed. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static String highestFix(PackageRef ref, List<AdvisoryIndex.Hit> group) {
    String best = null;
    Comparable bestParsed = null;
    for (AdvisoryIndex.Hit h : group) {
      if (h.fixedIn() == null) {
        return null;
      }
      try {
        Comparable p = ref.ecosystem().scheme().parse(h.fixedIn());
        if (bestParsed == null || p.compareTo(bestParsed) > 0) {
          bestParsed = p;
          best = h.fixedIn();
        }
      } catch (InvalidVersionException e) {
        return null;
      }
    }
    return best;
  }

  /**
   * Patch advice: among the fix versions above the current one, the lowest that clears every
   * finding; where none does, the lowest that clears the most. Each candidate is checked against
   * the index, so a fix that lands in a later vulnerable range is not advised.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private ScanResult.Advice advice(
      PackageRef ref,
      String version,
      List<ScanResult.Finding> findings,
      Map<Integer, List<AdvisoryIndex.Hit>> byGroup) {
    List<String> candidates = new ArrayList<>();
    for (ScanResult.Finding f : findings) {
      if (f.fixed() != null && !candidates.contains(f.fixed())) {
        candidates.add(f.fixed());
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    try {
      List<Comparable> parsed = new ArrayList<>();
      for (String s : candidates) {
        parsed.add(ref.ecosystem().scheme().parse(s));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        order.add(i);
      }
      order.sort((a, b) -> parsed.get(a).compareTo(parsed.get(b)));
      String bestVersion = null;
      int bestClears = -1;
      for (int i : order) {
        String cand = candidates.get(i);
        AdvisoryIndex.Lookup after = index.lookup(ref, cand);
        int stillAffected = 0;
        if (after instanceof AdvisoryIndex.Lookup.Affected a) {
          for (Integer g : byGroup.keySet()) {
            if (a.hits().stream().anyMatch(h -> h.group() == g)) {
              stillAffected++;
            }
          }
        } else if (after instanceof AdvisoryIndex.Lookup.Undecidable) {
          continue;
        }
        int clears = byGroup.size() - stillAffected;
        if (clears > bestClears) {
          bestClears = clears;
          bestVersion = cand;
        }
        if (clears == byGroup.size()) {
          break;
        }
      }
      return bestVersion == null
          ? null
          : new ScanResult.Advice(bestVersion, bestClears, byGroup.size());
    } catch (InvalidVersionException e) {
      return null;
    }
  }
}
