package dev.bulwark.vuln.osv;

import dev.bulwark.vuln.version.Ecosystem;
import java.util.List;
import java.util.Optional;

/**
 * One {@code affected[]} entry: the package (its ecosystem when Bulwark knows it), the ranges and
 * the explicit versions list. {@code severity} is set when the entry carries its own rating.
 */
public record AffectedPackage(
    String ecosystemName,
    Optional<Ecosystem> ecosystem,
    String name,
    String purl,
    List<Range> ranges,
    List<String> versions,
    Optional<Severity> severity) {
  public AffectedPackage {
    ranges = List.copyOf(ranges);
    versions = List.copyOf(versions);
  }

  /** An OSV range: its type and events in the order given. */
  public record Range(Type type, List<Event> events, String repo) {
    public Range {
      events = List.copyOf(events);
    }

    public enum Type {
      SEMVER,
      ECOSYSTEM,
      GIT
    }
  }

  /** One range event. */
  public record Event(Kind kind, String version) {
    public enum Kind {
      INTRODUCED,
      FIXED,
      LAST_AFFECTED,
      LIMIT
    }
  }
}
