package dev.bulwark.vuln.match;

import dev.bulwark.vuln.match.RangeCompiler.CompiledRange;
import dev.bulwark.vuln.match.RangeCompiler.Entry;
import dev.bulwark.vuln.osv.AffectedPackage.Event;
import dev.bulwark.vuln.version.InvalidVersionException;
import dev.bulwark.vuln.version.VersionScheme;
import java.util.Map;

/**
 * Lookup of one version in one compiled entry: the OSV evaluation algorithm over sorted, parsed
 * events, with the next fix above an affected version.
 */
final class RangeMatcher {
  private RangeMatcher() {}

  record Result(boolean affected, String fixedIn, String undecidable) {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  static Result evaluate(Entry e, String version, Map<VersionScheme, Comparable<?>> cache) {
    // A listed version is affected; its ranges still say which fix is next (distributions list
    // their affected versions and give the fix as a range: Ubuntu's records).
    boolean listed = e.rawVersions().contains(version);
    if (e.ranges().length == 0 && e.versions().length == 0) {
      return new Result(listed, null, null);
    }
    Comparable v;
    try {
      v = parsed(e.scheme(), version, cache);
    } catch (InvalidVersionException ex) {
      return listed ? new Result(true, null, null) : new Result(false, null, ex.getMessage());
    }
    for (Comparable<?> l : e.versions()) {
      if (!listed && ((Comparable) l).compareTo(v) == 0) {
        listed = true;
      }
    }
    for (CompiledRange r : e.ranges()) {
      Comparable rv;
      try {
        // A SEMVER-typed range orders by SemVer 2.0 even where the ecosystem's own rules differ.
        rv = r.scheme() == e.scheme() ? v : parsed(r.scheme(), version, cache);
      } catch (InvalidVersionException ex) {
        return listed ? new Result(true, null, null) : new Result(false, null, ex.getMessage());
      }
      if (!beforeLimits(rv, r)) {
        continue;
      }
      boolean vulnerable = false;
      int lastIndex = -1;
      for (int i = 0; i < r.kinds().length; i++) {
        Comparable bound = (Comparable) r.bounds()[i];
        switch (r.kinds()[i]) {
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
      if (vulnerable && r.broken() != null) {
        if (listed) {
          return new Result(true, null, null);
        }
        return new Result(
            false,
            null,
            "an advisory bound '"
                + r.broken()
                + "' does not parse, so the range cannot be decided");
      }
      if (vulnerable) {
        String fixed = null;
        for (int i = lastIndex + 1; i < r.kinds().length; i++) {
          if (r.kinds()[i] == Event.Kind.FIXED) {
            fixed = r.raw()[i];
            break;
          }
        }
        return new Result(true, fixed, null);
      }
    }
    return new Result(listed, null, null);
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
    if (r.limits().length == 0) {
      return true;
    }
    for (Comparable<?> l : r.limits()) {
      if (v.compareTo(l) < 0) {
        return true;
      }
    }
    return false;
  }
}
