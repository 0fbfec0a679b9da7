package dev.bulwark.policy;

import dev.bulwark.policy.PolicyProgram.Rule;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The explanation of a decision, rule by rule: which input paths each rule reads (found in its
 * checked expression when the bundle compiles) and the values it read there (at every evaluation),
 * summarized so that a decision stays small.
 */
final class Explanation {
  private Explanation() {}

  /**
   * A path the rule reads, split once when the bundle compiles (every gate reports the values of
   * every rule's paths): the path to a value ({@code head}) and, for a path through a list such as
   * {@code findings[].severity}, the field path within each item ({@code item}, empty for the list
   * itself).
   */
  record ReadPath(String path, String[] head, String[] item) {
    static ReadPath of(String path) {
      int iter = path.indexOf("[]");
      if (iter < 0) {
        return new ReadPath(path, path.split("\\."), null);
      }
      String rest = path.substring(iter + 2);
      return new ReadPath(
          path,
          path.substring(0, iter).split("\\."),
          rest.isEmpty() ? new String[0] : rest.substring(1).split("\\."));
    }
  }

  /**
   * The input paths an expression reads, in order of appearance: {@code release.digest}, or {@code
   * findings[].severity} for a field read while iterating over a list.
   */
  static List<String> reads(CelAbstractSyntaxTree ast) {
    Set<String> out = new LinkedHashSet<>();
    walk(ast.getExpr(), Map.of(), out);
    return List.copyOf(out);
  }

  private static void walk(CelExpr e, Map<String, String> iterVars, Set<String> out) {
    switch (e.exprKind().getKind()) {
      case IDENT, SELECT -> {
        Optional<String> p = path(e, iterVars);
        if (p.isPresent()) {
          out.add(p.get());
          return;
        }
        if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.SELECT) {
          walk(e.select().operand(), iterVars, out);
        }
      }
      case CALL -> {
        e.call().target().ifPresent(t -> walk(t, iterVars, out));
        e.call().args().forEach(a -> walk(a, iterVars, out));
      }
      case LIST -> e.list().elements().forEach(x -> walk(x, iterVars, out));
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  x -> {
                    walk(x.key(), iterVars, out);
                    walk(x.value(), iterVars, out);
                  });
      case COMPREHENSION -> {
        var c = e.comprehension();
        walk(c.iterRange(), iterVars, out);
        Optional<String> range = path(c.iterRange(), iterVars);
        Map<String, String> inner = new LinkedHashMap<>(iterVars);
        range.ifPresent(r -> inner.put(c.iterVar(), r + "[]"));
        walk(c.accuInit(), inner, out);
        walk(c.loopCondition(), inner, out);
        walk(c.loopStep(), inner, out);
        walk(c.result(), inner, out);
      }
      default -> {}
    }
  }

  private static Optional<String> path(CelExpr e, Map<String, String> iterVars) {
    switch (e.exprKind().getKind()) {
      case IDENT -> {
        String name = e.ident().name();
        if (iterVars.containsKey(name)) {
          return Optional.of(iterVars.get(name));
        }
        return InputSchema.VARIABLES.containsKey(name) || name.equals("vars")
            ? Optional.of(name)
            : Optional.empty();
      }
      case SELECT -> {
        if (e.select().testOnly()) {
          return Optional.empty();
        }
        return path(e.select().operand(), iterVars).map(p -> p + "." + e.select().field());
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /**
   * The values behind a rule's read paths. A field read while iterating lists the field's value of
   * every item when there are at most {@link #LISTED} items; a list of records is summarized by its
   * size; anything larger by its size alone.
   */
  static List<Decision.Read> readValues(Rule r, PolicyProgram p, GateInput in) {
    List<Decision.Read> out = new ArrayList<>(r.reads().size());
    for (ReadPath path : r.reads()) {
      Object v = resolve(path.head(), p, in);
      if (path.item() == null) {
        out.add(new Decision.Read(path.path(), summary(v)));
      } else if (!(v instanceof List<?> items)) {
        out.add(new Decision.Read(path.path(), null));
      } else if (items.size() > LISTED || path.item().length == 0) {
        out.add(new Decision.Read(path.path(), count(items.size())));
      } else {
        List<Object> values = new ArrayList<>(items.size());
        for (Object item : items) {
          Object x = item;
          for (String part : path.item()) {
            x = x instanceof Map<?, ?> m ? m.get(part) : null;
          }
          values.add(summary(x));
        }
        out.add(new Decision.Read(path.path(), values));
      }
    }
    return out;
  }

  static final int LISTED = 20;

  private static Object summary(Object v) {
    if (v instanceof List<?> l) {
      if (l.size() > LISTED) {
        return count(l.size());
      }
      for (Object x : l) { // a loop, not a stream: this runs for every read of every rule
        if (x instanceof Map<?, ?>) {
          return count(l.size());
        }
      }
    }
    return GateInput.plain(v);
  }

  private static String count(int n) {
    return n == 1 ? "1 item" : n + " items";
  }

  private static Object resolve(String[] parts, PolicyProgram p, GateInput in) {
    Object v = parts[0].equals("vars") ? p.variables() : in.values().get(parts[0]);
    for (int i = 1; i < parts.length && v != null; i++) {
      v = v instanceof Map<?, ?> m ? m.get(parts[i]) : null;
    }
    return v;
  }
}
