package dev.bulwark.server.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Unresolved findings by severity. A finding rated {@code none} counts as low (CVSS 0.0 is a
 * rating, the lowest one), a finding of no known severity as unknown.
 */
public record Counts(long critical, long high, long medium, long low, long unknown) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

  public Counts {
    if (critical < 0 || high < 0 || medium < 0 || low < 0 || unknown < 0) {
      throw new IllegalArgumentException("a count is never negative");
    }
  }

  @JsonProperty("total")
  public long total() {
    return critical + high + medium + low + unknown;
  }

  public Counts plus(Counts o) {
    return new Counts(
        critical + o.critical, high + o.high, medium + o.medium, low + o.low, unknown + o.unknown);
  }

  /** {@code n} more findings of the stored severity {@code severity}. */
  Counts plus(String severity, long n) {
    return switch (severity == null ? "" : severity.toLowerCase(Locale.ROOT)) {
      case "critical" -> new Counts(critical + n, high, medium, low, unknown);
      case "high" -> new Counts(critical, high + n, medium, low, unknown);
      case "medium" -> new Counts(critical, high, medium + n, low, unknown);
      case "low", "none" -> new Counts(critical, high, medium, low + n, unknown);
      default -> new Counts(critical, high, medium, low, unknown + n);
    };
  }
}
