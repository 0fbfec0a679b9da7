package dev.bulwark.policy;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one gate question, with its reasons: every rule evaluated, what it came to, why,
 * and which input values it read. {@code allow} unless a {@code deny} rule failed or erred.
 */
public record Decision(
    boolean allowed,
    String bundleDigest,
    String inputDigest,
    List<RuleResult> results,
    List<String> waiversUsed) {
  public Decision {
    Objects.requireNonNull(bundleDigest, "bundleDigest");
    Objects.requireNonNull(inputDigest, "inputDigest");
    results = List.copyOf(results);
    waiversUsed = List.copyOf(waiversUsed);
  }

  public String decision() {
    return allowed ? "allow" : "deny";
  }

  /** One input value a rule read: a path such as {@code release.digest}, and its value. */
  public record Read(String path, Object value) {}

  public record RuleResult(
      String policy,
      String rule,
      Action action,
      Outcome outcome,
      String message,
      List<Read> reads,
      String waiver) {
    public RuleResult {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(outcome, "outcome");
      message = message == null ? "" : message;
      reads = List.copyOf(reads);
    }

    public String id() {
      return policy + "/" + rule;
    }

    /** True when the rule erred because its budget or the gate's ran out (see {@link Budget}). */
    public boolean overBudget() {
      return outcome == Outcome.error
          && (message.startsWith(OVER_BUDGET) || message.startsWith(NOT_EVALUATED));
    }

    static final String OVER_BUDGET = "budget exceeded: ";
    static final String NOT_EVALUATED = "not evaluated: ";

    /** Only a deny rule that fails or errs blocks: warn and audit rules never do. */
    public boolean blocks() {
      return action == Action.deny && (outcome == Outcome.fail || outcome == Outcome.error);
    }
  }
}
