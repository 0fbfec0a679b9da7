package dev.bulwark.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.List;
import java.util.Optional;

/**
 * Upper bounds, at load, of the strings an expression builds from what it holds itself (literals
 * and the string operations over them): {@code 'a'.replace('a', 'aa')} chained a few times is known
 * to be too large before any gate runs it. cel-java 0.14.0 has no cost estimator, so this covers
 * the string-building functions the run-time meter charges; anything that depends on the input is
 * left to the meter.
 */
final class SizeEstimate {
  private SizeEstimate() {}

  /** Where an expression exceeds the rule's size budget, and why. */
  record TooLarge(CelSourceLocation location, String message) {}

  private static final long UNKNOWN = -1;

  private static final class Walk {
    final CelAbstractSyntaxTree ast;
    final long budget;
    long total;
    TooLarge found;

    Walk(CelAbstractSyntaxTree ast, long budget) {
      this.ast = ast;
      this.budget = budget;
    }

    /** The most characters {@code e} can evaluate to, or UNKNOWN. */
    long bound(CelExpr e) {
      if (found != null) {
        return UNKNOWN;
      }
      switch (e.exprKind().getKind()) {
        case CONSTANT -> {
          return e.constant().getKind() == CelConstant.Kind.STRING_VALUE
              ? e.constant().stringValue().length()
              : UNKNOWN;
        }
        case LIST -> {
          e.list().elements().forEach(this::bound);
          return UNKNOWN;
        }
        case COMPREHENSION -> {
          var c = e.comprehension();
          bound(c.iterRange());
          bound(c.accuInit());
          bound(c.loopCondition());
          bound(c.loopStep());
          bound(c.result());
          return UNKNOWN;
        }
        case SELECT -> {
          bound(e.select().operand());
          return UNKNOWN;
        }
        case MAP -> {
          e.map()
              .entries()
              .forEach(
                  x -> {
                    bound(x.key());
                    bound(x.value());
                  });
          return UNKNOWN;
        }
        case CALL -> {
          return call(e);
        }
        default -> {
          return UNKNOWN;
        }
      }
    }

    private long call(CelExpr e) {
      var call = e.call();
      long target = call.target().map(this::bound).orElse(UNKNOWN);
      List<CelExpr> args = call.args();
      long[] a = new long[args.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = bound(args.get(i));
      }
      if (found != null) {
        return UNKNOWN;
      }
      long result =
          switch (call.function()) {
            case "_+_" -> a.length == 2 && a[0] >= 0 && a[1] >= 0 ? sum(a[0], a[1]) : UNKNOWN;
            case "_?_:_" ->
                a.length == 3 && a[1] >= 0 && a[2] >= 0 ? Math.max(a[1], a[2]) : UNKNOWN;
            case "lowerAscii", "upperAscii", "trim", "reverse" -> target;
            case "replace" -> replace(target, args, a);
            case "join" -> join(call.target().orElse(null), args, a);
            default -> UNKNOWN;
          };
      if (result >= 0 && allocates(call.function())) {
        total = sum(total, result);
        if (result > budget) {
          found =
              at(
                  e,
                  "builds a string of up to "
                      + result
                      + " characters; a rule may allocate "
                      + budget
                      + " (policy.ruleMaxSize)");
        } else if (total > budget) {
          found =
              at(
                  e,
                  "the expression's strings add up to "
                      + total
                      + " characters; a rule may allocate "
                      + budget
                      + " (policy.ruleMaxSize)");
        }
      }
      return found == null ? result : UNKNOWN;
    }

    private static boolean allocates(String function) {
      return switch (function) {
        case "_+_", "replace", "join" -> true;
        default -> false;
      };
    }

    private static long replace(long target, List<CelExpr> args, long[] a) {
      if (target < 0 || args.size() < 2 || a[1] < 0) {
        return UNKNOWN;
      }
      CelExpr search = args.get(0);
      long searchLength;
      if (search.exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT
          && search.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
        searchLength = search.constant().stringValue().length();
      } else {
        searchLength = 1; // unknown pattern: every character may match a one-character one
      }
      long matches = searchLength == 0 ? target + 1 : target / searchLength;
      if (args.size() == 3
          && args.get(2).exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT
          && args.get(2).constant().getKind() == CelConstant.Kind.INT64_VALUE
          && args.get(2).constant().int64Value() >= 0) {
        matches = Math.min(matches, args.get(2).constant().int64Value());
      }
      return sum(target, Meter.saturatedMultiply(matches, Math.max(0, a[1] - searchLength)));
    }

    private long join(CelExpr list, List<CelExpr> args, long[] a) {
      if (list == null || list.exprKind().getKind() != CelExpr.ExprKind.Kind.LIST) {
        return UNKNOWN;
      }
      long separator = args.isEmpty() ? 0 : a[0];
      if (separator < 0) {
        return UNKNOWN;
      }
      List<CelExpr> items = list.list().elements();
      long total = Meter.saturatedMultiply(Math.max(0, items.size() - 1), separator);
      for (CelExpr item : items) {
        long b = bound(item);
        if (b < 0) {
          return UNKNOWN;
        }
        total = sum(total, b);
      }
      return total;
    }

    private TooLarge at(CelExpr e, String message) {
      int offset = ast.getSource().getPositionsMap().getOrDefault(e.id(), 0);
      return new TooLarge(
          ast.getSource().getOffsetLocation(offset).orElse(CelSourceLocation.of(1, 0)), message);
    }
  }

  private static long sum(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  /** The first place where {@code ast} is known to exceed {@code budget}, if any. */
  static Optional<TooLarge> check(CelAbstractSyntaxTree ast, long budget) {
    Walk w = new Walk(ast, budget);
    w.bound(ast.getExpr());
    return Optional.ofNullable(w.found);
  }
}
