package dev.bulwark.policy;

import dev.bulwark.policy.PolicySource.RuleSource;
import dev.bulwark.policy.PolicySource.Scope;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The policy parser: one YAML document to a {@link PolicySource}, with every structural problem
 * (unknown keys, missing or malformed fields, names, actions, variables) at its file:line:col.
 * Expressions are kept as source; {@link PolicyCompiler} checks them.
 */
final class PolicyParser {
  private static final List<String> POLICY_KEYS =
      List.of("name", "description", "scope", "variables", "rules");
  private static final List<String> SCOPE_KEYS =
      List.of("environments", "areas", "criticalities", "teams");
  private static final List<String> RULE_KEYS =
      List.of("name", "description", "expression", "message", "messageExpression", "action");

  private PolicyParser() {}

  /** The policy of one document, or null when the document is not a mapping. */
  static PolicySource parse(String file, String text, Node doc, List<Diagnostic> problems) {
    Map<String, Node> m = Yaml.mapping(file, doc, "a policy", problems);
    if (m == null) {
      return null;
    }
    Yaml.onlyKeys(file, m, POLICY_KEYS, problems);
    String name = name(file, doc, m, "policy", problems);
    Scope scope = Scope.EVERYWHERE;
    if (m.containsKey("scope")) {
      Map<String, Node> s = Yaml.mapping(file, m.get("scope"), "scope", problems);
      if (s != null) {
        Yaml.onlyKeys(file, s, SCOPE_KEYS, problems);
        scope =
            new Scope(
                s.containsKey("environments")
                    ? Yaml.strings(file, s.get("environments"), "scope.environments", problems)
                    : List.of(),
                s.containsKey("areas")
                    ? Yaml.strings(file, s.get("areas"), "scope.areas", problems)
                    : List.of(),
                s.containsKey("criticalities")
                    ? Yaml.strings(file, s.get("criticalities"), "scope.criticalities", problems)
                    : List.of(),
                s.containsKey("teams")
                    ? Yaml.strings(file, s.get("teams"), "scope.teams", problems)
                    : List.of());
      }
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    Map<String, CelType> varTypes = new LinkedHashMap<>();
    if (m.containsKey("variables")) {
      Map<String, Node> v = Yaml.mapping(file, m.get("variables"), "variables", problems);
      if (v != null) {
        for (var e : v.entrySet()) {
          if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problems.add(Yaml.at(file, e.getValue(), "variable name '" + e.getKey() + "'"));
            continue;
          }
          Typed t = typed(file, e.getValue(), problems);
          if (t != null) {
            variables.put(e.getKey(), t.value());
            varTypes.put(e.getKey(), t.type());
          }
        }
      }
    }
    List<RuleSource> rules = new ArrayList<>();
    if (!m.containsKey("rules")) {
      problems.add(Yaml.at(file, doc, "a policy needs 'rules'"));
    } else if (!(m.get("rules") instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      problems.add(Yaml.at(file, m.get("rules"), "'rules' must be a non-empty list"));
    } else {
      for (Node r : seq.getValue()) {
        RuleSource rule = rule(file, r, problems);
        if (rule != null) {
          rules.add(rule);
        }
      }
    }
    return new PolicySource(
        file,
        text,
        doc,
        name,
        scope,
        Collections.unmodifiableMap(variables),
        Collections.unmodifiableMap(varTypes),
        List.copyOf(rules));
  }

  /** The name of a policy or a rule: required, lowercase letters, digits, '.', '_' and '-'. */
  private static String name(
      String file, Node owner, Map<String, Node> m, String what, List<Diagnostic> problems) {
    if (!m.containsKey("name")) {
      problems.add(Yaml.at(file, owner, "a " + what + " needs a 'name'"));
      return null;
    }
    String name = Yaml.string(file, m.get("name"), "name", problems);
    if (name != null && !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
      problems.add(
          Yaml.at(
              file,
              m.get("name"),
              what + " name '" + name + "': lowercase letters, digits, '.', '_' and '-' only"));
    }
    return name;
  }

  private static RuleSource rule(String file, Node n, List<Diagnostic> problems) {
    Map<String, Node> m = Yaml.mapping(file, n, "a rule", problems);
    if (m == null) {
      return null;
    }
    Yaml.onlyKeys(file, m, RULE_KEYS, problems);
    String name = name(file, n, m, "rule", problems);
    Action action = Action.deny;
    if (m.containsKey("action")) {
      String a = Yaml.string(file, m.get("action"), "action", problems);
      try {
        action = a == null ? Action.deny : Action.valueOf(a);
      } catch (IllegalArgumentException e) {
        problems.add(Yaml.at(file, m.get("action"), "action '" + a + "': deny, warn or audit"));
      }
    }
    String expression = null;
    if (!m.containsKey("expression")) {
      problems.add(Yaml.at(file, n, "a rule needs an 'expression'"));
    } else {
      expression = Yaml.string(file, m.get("expression"), "expression", problems);
    }
    String message = null;
    String messageExpression = null;
    if (m.containsKey("message") && m.containsKey("messageExpression")) {
      problems.add(Yaml.at(file, n, "a rule has 'message' or 'messageExpression', not both"));
    } else if (m.containsKey("message")) {
      message = Yaml.string(file, m.get("message"), "message", problems);
    } else if (m.containsKey("messageExpression")) {
      messageExpression =
          Yaml.string(file, m.get("messageExpression"), "messageExpression", problems);
    }
    return new RuleSource(
        n,
        name,
        action,
        expression,
        m.get("expression"),
        message,
        messageExpression,
        m.get("messageExpression"));
  }

  private record Typed(Object value, CelType type) {}

  /** A variable's value and CEL type: a scalar, or a list of scalars of one type. */
  private static Typed typed(String file, Node n, List<Diagnostic> problems) {
    if (n instanceof ScalarNode s) {
      String tag = s.getTag().getValue();
      if (tag.endsWith(":int")) {
        try {
          return new Typed(Long.parseLong(s.getValue()), SimpleType.INT);
        } catch (NumberFormatException e) {
          problems.add(Yaml.at(file, n, "integer out of range"));
          return null;
        }
      }
      if (tag.endsWith(":float")) {
        return new Typed(Double.parseDouble(s.getValue()), SimpleType.DOUBLE);
      }
      if (tag.endsWith(":bool")) {
        return new Typed(
            Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT)), SimpleType.BOOL);
      }
      if (tag.endsWith(":null")) {
        problems.add(Yaml.at(file, n, "a variable needs a value"));
        return null;
      }
      return new Typed(s.getValue(), SimpleType.STRING);
    }
    if (n instanceof SequenceNode seq) {
      List<Object> values = new ArrayList<>();
      CelType element = null;
      for (Node item : seq.getValue()) {
        if (!(item instanceof ScalarNode)) {
          problems.add(Yaml.at(file, item, "list variables hold scalars only"));
          return null;
        }
        Typed t = typed(file, item, problems);
        if (t == null) {
          return null;
        }
        if (element != null && !element.equals(t.type())) {
          problems.add(Yaml.at(file, item, "all items of a list variable must have one type"));
          return null;
        }
        element = t.type();
        values.add(t.value());
      }
      return new Typed(
          List.copyOf(values), ListType.create(element == null ? SimpleType.STRING : element));
    }
    problems.add(Yaml.at(file, n, "variables are scalars or lists of scalars"));
    return null;
  }
}
