package dev.bulwark.vuln.osv;

import java.util.Locale;
import java.util.Optional;
import us.springett.cvss.Cvss;

/**
 * A vulnerability's severity: a level, and where it came from (a CVSS vector with its base score, a
 * database's own rating, or nothing). Without a source the level is {@link Level#UNKNOWN}: never a
 * guess.
 */
public record Severity(Level level, Double score, String vector, String source) {
  public enum Level {
    UNKNOWN,
    NONE,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Level> parse(String s) {
      if (s == null) {
        return Optional.empty();
      }
      return switch (s.strip().toUpperCase(Locale.ROOT)) {
        case "CRITICAL" -> Optional.of(CRITICAL);
        case "HIGH", "IMPORTANT" -> Optional.of(HIGH);
        case "MEDIUM", "MODERATE" -> Optional.of(MEDIUM);
        case "LOW", "NEGLIGIBLE" -> Optional.of(LOW);
        case "NONE" -> Optional.of(NONE);
        case "UNKNOWN" -> Optional.of(UNKNOWN);
        default -> Optional.empty();
      };
    }
  }

  public static final Severity UNKNOWN = new Severity(Level.UNKNOWN, null, null, null);

  /** CVSS qualitative rating scale (v3.x and v4.0 share it). */
  public static Level fromScore(double score) {
    if (score == 0.0) {
      return Level.NONE;
    }
    if (score < 4.0) {
      return Level.LOW;
    }
    if (score < 7.0) {
      return Level.MEDIUM;
    }
    if (score < 9.0) {
      return Level.HIGH;
    }
    return Level.CRITICAL;
  }

  /**
   * The severity of a CVSS v2, v3.x or v4.0 vector, scored by cvss-calculator; empty if invalid.
   */
  public static Optional<Severity> fromCvss(String vector, String type) {
    if (vector == null || vector.isBlank()) {
      return Optional.empty();
    }
    try {
      Cvss cvss = Cvss.fromVector(vector.strip());
      if (cvss == null) {
        return Optional.empty();
      }
      double score = cvss.calculateScore().getBaseScore();
      return Optional.of(new Severity(fromScore(score), score, vector.strip(), type));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether this severity says anything: a level other than {@link Level#UNKNOWN}. */
  public boolean known() {
    return level != Level.UNKNOWN;
  }

  /**
   * The order in which ratings are preferred when several records of one vulnerability rate it: the
   * higher level first (of two sources that disagree, the graver one: a gate should not pass on the
   * milder reading), then a CVSS vector over a bare rating, then the higher score. Unknown is last.
   * Ties are broken by the caller (the smaller record id), so the choice is the same on every run
   * and in every build of the index.
   */
  public static final java.util.Comparator<Severity> PREFERENCE =
      java.util.Comparator.comparing(Severity::level)
          .thenComparing(s -> s.vector() != null)
          .thenComparing(s -> s.score() == null ? -1.0 : s.score());

  public boolean atLeast(Level threshold) {
    return level.compareTo(threshold) >= 0 && level != Level.UNKNOWN;
  }
}
