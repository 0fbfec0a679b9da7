package dev.bulwark.server.examplefeature;

import java.time.Instant;
import java.util.Objects;

/** One drill as the API shows it. */
public record Drill(
    long id, String service, String scenario, Outcome outcome, Instant performedAt, String by) {
  public Drill {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(performedAt, "performedAt");
    Objects.requireNonNull(by, "by");
  }

  /** How a drill ended: a closed set, so every reader handles both. */
  public enum Outcome {
    passed,
    failed
  }
}
