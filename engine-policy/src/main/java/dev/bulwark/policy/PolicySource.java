package dev.bulwark.policy;

import dev.cel.common.types.CelType;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A policy as parsed from its YAML document, before any expression is compiled: the parser's output
 * and the compiler's input. Nodes are kept for the positions of diagnostics. A name that was
 * missing or refused is null; the compiler still checks the policy's expressions, so that every
 * problem is reported at once.
 */
record PolicySource(
    String file,
    String text,
    Node node,
    String name,
    Scope scope,
    Map<String, Object> variables,
    Map<String, CelType> variableTypes,
    List<RuleSource> rules) {

  /** Which gates a policy applies to; an empty list matches every value. */
  record Scope(
      List<String> environments,
      List<String> areas,
      List<String> criticalities,
      List<String> teams) {
    static final Scope EVERYWHERE = new Scope(List.of(), List.of(), List.of(), List.of());

    boolean covers(GateInput in) {
      return (environments.isEmpty() || environments.contains(in.environment()))
          && (areas.isEmpty() || areas.contains(in.service().area()))
          && (criticalities.isEmpty() || criticalities.contains(in.service().criticality()))
          && (teams.isEmpty() || teams.contains(in.service().team()));
    }
  }

  /**
   * One rule as written. {@code expression} and {@code messageExpression} are CEL source, null when
   * absent or not a string; {@code name} is null when missing.
   */
  record RuleSource(
      Node node,
      String name,
      Action action,
      String expression,
      Node expressionNode,
      String message,
      String messageExpression,
      Node messageExpressionNode) {}
}
