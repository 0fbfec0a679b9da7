package dev.bulwark.policy;

import dev.bulwark.policy.PolicyProgram.Rule;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Evaluation of compiled policies over one gate input, within a {@link Budget} metered by {@link
 * Meter}: each rule's outcome, its message, and the waivers that apply.
 */
final class PolicyEvaluator {
  private final List<PolicyProgram> policies;
  private final String digest;
  private final Budget budget;

  PolicyEvaluator(List<PolicyProgram> policies, String digest, Budget budget) {
    this.policies = policies;
    this.digest = digest;
    this.budget = budget;
  }

  /** See {@link PolicyBundle#evaluate}. */
  Decision evaluate(GateInput in, List<Waiver> waivers, LongSupplier nanoTime) {
    List<Decision.RuleResult> results = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    Meter meter = new Meter(budget, nanoTime).open();
    try {
      for (PolicyProgram p : policies) {
        if (!p.scope().covers(in)) {
          continue;
        }
        for (Rule r : p.rules()) {
          Decision.RuleResult res = evaluate(p, r, in, waivers, meter);
          if (res.waiver() != null) {
            used.add(res.waiver());
          }
          results.add(res);
        }
      }
    } finally {
      meter.close();
    }
    boolean allowed =
        meter.spent() == null && results.stream().noneMatch(Decision.RuleResult::blocks);
    return new Decision(allowed, digest, in.digest(), results, List.copyOf(used));
  }

  /** See {@link PolicyBundle#unfinished}. */
  Decision unfinished(GateInput in, String why) {
    List<Decision.RuleResult> results = new ArrayList<>();
    for (PolicyProgram p : policies) {
      if (p.scope().covers(in)) {
        for (Rule r : p.rules()) {
          results.add(
              new Decision.RuleResult(
                  p.name(),
                  r.name(),
                  r.action(),
                  Outcome.error,
                  Decision.RuleResult.NOT_EVALUATED + why,
                  List.of(),
                  null));
        }
      }
    }
    return new Decision(false, digest, in.digest(), results, List.of());
  }

  private Decision.RuleResult evaluate(
      PolicyProgram p, Rule r, GateInput in, List<Waiver> waivers, Meter meter) {
    List<Decision.Read> reads = Explanation.readValues(r, p, in);
    if (meter.spent() != null) {
      return new Decision.RuleResult(
          p.name(),
          r.name(),
          r.action(),
          Outcome.error,
          Decision.RuleResult.NOT_EVALUATED + meter.spent(),
          reads,
          null);
    }
    Object value;
    try {
      meter.startRule();
      value = r.program().eval(resolver(p, in), meter);
      if (meter.ruleSpent() != null) {
        throw new Budget.Exceeded(meter.ruleSpent(), false);
      }
    } catch (CelEvaluationException | RuntimeException e) {
      Budget.Exceeded limit = exceeded(e);
      return new Decision.RuleResult(
          p.name(),
          r.name(),
          r.action(),
          Outcome.error,
          limit != null
              ? Decision.RuleResult.OVER_BUDGET + limit.getMessage()
              : "evaluation failed: " + e.getMessage(),
          reads,
          null);
    }
    if (Boolean.TRUE.equals(value)) {
      return new Decision.RuleResult(p.name(), r.name(), r.action(), Outcome.pass, "", reads, null);
    }
    String message = message(p, r, in, meter);
    if (r.action() != Action.audit) {
      for (Waiver w : waivers) {
        if (w.appliesTo(p.name(), r.name(), in)
            && (w.findingId() == null || passesWithout(p, r, in, w, meter))) {
          return new Decision.RuleResult(
              p.name(),
              r.name(),
              r.action(),
              Outcome.waived,
              message + " (waived by " + w.id() + ")",
              reads,
              w.id());
        }
      }
    }
    Outcome outcome = r.action() == Action.warn ? Outcome.warn : Outcome.fail;
    return new Decision.RuleResult(p.name(), r.name(), r.action(), outcome, message, reads, null);
  }

  /** The budget limit behind an evaluation failure, if one was reached. */
  private static Budget.Exceeded exceeded(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Budget.Exceeded x) {
        return x;
      }
    }
    return null;
  }

  /** A finding-scoped waiver applies only if the rule passes once that finding is set aside. */
  private boolean passesWithout(PolicyProgram p, Rule r, GateInput in, Waiver w, Meter meter) {
    try {
      return Boolean.TRUE.equals(
              r.program().eval(resolver(p, in.withoutFindings(Set.of(w.findingId()))), meter))
          && meter.ruleSpent() == null;
    } catch (CelEvaluationException | RuntimeException e) {
      return false;
    }
  }

  private static String message(PolicyProgram p, Rule r, GateInput in, Meter meter) {
    if (r.messageProgram() == null) {
      return r.message();
    }
    try {
      String message = String.valueOf(r.messageProgram().eval(resolver(p, in), meter));
      if (meter.ruleSpent() != null) {
        throw new Budget.Exceeded(meter.ruleSpent(), false);
      }
      return message;
    } catch (CelEvaluationException | RuntimeException e) {
      Budget.Exceeded limit = exceeded(e);
      return "rule "
          + r.name()
          + " failed (its messageExpression could not be evaluated: "
          + (limit != null ? Decision.RuleResult.OVER_BUDGET + limit.getMessage() : e.getMessage())
          + ")";
    }
  }

  private static CelVariableResolver resolver(PolicyProgram p, GateInput in) {
    Map<String, Object> values = in.values();
    Map<String, Object> vars = p.variables();
    return name -> name.equals("vars") ? Optional.of(vars) : Optional.ofNullable(values.get(name));
  }
}
