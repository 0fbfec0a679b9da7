package dev.bulwark.server.releases;

import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How long a finding may stay open: days by severity and by the service's criticality (do not spend
 * 200 to protect a 5 asset). Findings of unknown severity get the medium row: they still need
 * triage, and no severity is guessed. The area is part of the key so that a later version can
 * tighten internet-facing websites; today every area has the same days.
 */
public final class SlaPolicy {
  /** Days: rows are severities critical, high, medium, low; columns criticality critical..low. */
  private static final Map<String, int[]> DAYS =
      Map.of(
          "critical", new int[] {7, 14, 30, 60},
          "high", new int[] {14, 30, 60, 90},
          "medium", new int[] {30, 60, 90, 120},
          "low", new int[] {60, 90, 120, 180});

  public static Duration due(String severity, Criticality criticality, Area area) {
    int[] row = DAYS.getOrDefault(severity.toLowerCase(Locale.ROOT), DAYS.get("medium"));
    int column =
        switch (criticality) {
          case critical -> 0;
          case high -> 1;
          case medium -> 2;
          case low -> 3;
        };
    return Duration.ofDays(row[column]);
  }

  private SlaPolicy() {}
}
