package dev.bulwark.vuln.osv;

import dev.bulwark.vuln.version.Ecosystem;
import java.util.List;
import java.util.Optional;

/**
 * One {@code affected[]} entry: the package (its ecosystem when Bulwark knows it), the ranges and
 * the explicit versions list. {@code severity} is set when the entry carries its own rating. {@code
 * release} is the distribution release the ecosystem value scopes the entry to ({@link
 * dev.bulwark.vuln.version.Distros#releaseOfOsv}), null for none. {@code distroNote} is what the
 * distribution says of the entry beyond its ranges, in its own words, null when nothing: Debian's
 * {@code ecosystem_specific.urgency} ({@code unimportant}, {@code end-of-life}, ...), Ubuntu's
 * {@code ecosystem_specific.availability} ({@code Available with Ubuntu Pro: ...}).
 */
public record AffectedPackage(
    String ecosystemName,
    Optional<Ecosystem> ecosystem,
    String name,
    String purl,
    List<Range> ranges,
    List<String> versions,
    Optional<Severity> severity,
    String release,
    String distroNote) {
  public AffectedPackage {
    ranges = List.copyOf(ranges);
    versions = List.copyOf(versions);
  }

  public AffectedPackage(
      String ecosystemName,
      Optional<Ecosystem> ecosystem,
      String name,
      String purl,
      List<Range> ranges,
      List<String> versions,
      Optional<Severity> severity) {
    this(
        ecosystemName,
        ecosystem,
        name,
        purl,
        ranges,
        versions,
        severity,
        ecosystem
            .map(e -> dev.bulwark.vuln.version.Distros.releaseOfOsv(e, ecosystemName))
            .orElse(null),
        null);
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
