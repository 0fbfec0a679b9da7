package dev.bulwark.policy;

import dev.bulwark.policy.PolicySource.Scope;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.List;
import java.util.Map;

/**
 * One policy compiled: its scope, variables and rules, each rule's expression checked and planned
 * once. Immutable; the compiler's output and what {@link PolicyEvaluator} runs.
 */
record PolicyProgram(
    String file, String name, Scope scope, Map<String, Object> variables, List<Rule> rules) {

  record Rule(
      String name,
      Action action,
      String expression,
      Prog program,
      String message,
      Prog messageProgram,
      List<Explanation.ReadPath> reads) {}

  /**
   * A compiled expression. {@code loopSteps} holds the ids of its comprehensions' loop steps; a
   * program with any runs on the interpreter, traced by the meter (which counts iterations there
   * and checks the clock); one without is straight-line and runs untraced.
   */
  record Prog(CelRuntime.Program program, long[] loopSteps) {
    Object eval(CelVariableResolver vars, Meter meter) throws CelEvaluationException {
      return loopSteps.length == 0
          ? program.eval(vars)
          : program.trace(vars, meter.tracing(loopSteps));
    }
  }
}
