package dev.bulwark.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * What one gate evaluation may cost, per rule and for the whole gate: time, comprehension
 * iterations and allocated size. Size counts the characters of every string and the items of every
 * list a rule builds (concatenation, {@code replace}, {@code join}, {@code split}, and the lists
 * {@code map} and {@code filter} build), checked before the allocation where the result's size is
 * known beforehand. A rule past its budget is {@code error}; once the gate's budget is spent every
 * remaining rule is {@code error} and the gate denies. Per-rule iterations are {@link
 * PolicyBundle.Limits#maxIterations()}, enforced by CEL itself.
 *
 * @param ruleSize the most a rule (with its message) may allocate
 * @param ruleTime the longest one rule may run
 * @param gateIterations comprehension iterations of all rules of one gate together
 * @param gateSize what all rules of one gate may allocate together
 * @param gateTime the ceiling of one gate's evaluation
 */
public record Budget(
    long ruleSize, Duration ruleTime, long gateIterations, long gateSize, Duration gateTime) {
  public static final Budget DEFAULT =
      new Budget(4_000_000, Duration.ofSeconds(1), 2_000_000, 32_000_000, Duration.ofSeconds(1));

  public Budget {
    Objects.requireNonNull(ruleTime, "ruleTime");
    Objects.requireNonNull(gateTime, "gateTime");
    if (ruleSize < 1 || gateIterations < 1 || gateSize < 1) {
      throw new IllegalArgumentException("policy budgets must be positive");
    }
    if (ruleTime.isNegative() || ruleTime.isZero() || gateTime.isNegative() || gateTime.isZero()) {
      throw new IllegalArgumentException("policy time budgets must be positive");
    }
  }

  /** A limit reached while evaluating: the rule errs with this message. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** True when the gate's budget is spent, not only the rule's: no further rule runs. */
    final boolean gate;

    Exceeded(String message, boolean gate) {
      super(message, null, false, false);
      this.gate = gate;
    }
  }
}
