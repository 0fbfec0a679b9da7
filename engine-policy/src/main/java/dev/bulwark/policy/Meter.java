package dev.bulwark.policy;

import dev.cel.common.CelOptions;
import dev.cel.common.ast.CelExpr;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.ConcatenatedListView;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.RuntimeHelpers;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The cost of one gate evaluation so far, against its {@link Budget}.
 *
 * <p>cel-java 0.14.0 bounds comprehension iterations per evaluation and nothing else: a single
 * {@code replace} on a literal can build a string of gigabytes, and nothing stops a gate of a
 * thousand rules that each stay within their iterations. So the functions that build strings and
 * lists ({@code +} on strings and lists, which {@code map} and {@code filter} use for their results
 * too, and the strings extension's {@code replace}, {@code join} and {@code split}) are bound to
 * versions that charge the size of their result to the meter before delegating to CEL's own
 * implementation; and rules with comprehensions, which alone can loop, are traced by the meter,
 * which counts their iterations and checks the clock. Written by hand because cel-java has no cost
 * tracking at run time, and its late-bound functions (the per-evaluation alternative) are not
 * supported by the interpreter runtime; the meter therefore reaches the bound functions through a
 * thread-local set for exactly one gate evaluation on the evaluating thread.
 */
final class Meter implements CelEvaluationListener {
  private static final ThreadLocal<Meter> CURRENT = new ThreadLocal<>();
  private static final long[] NONE = new long[0];

  private final Budget budget;
  private final LongSupplier nanoTime;
  private final long gateDeadline;
  private long gateIterations;
  private long gateSize;
  private long ruleSize;
  private long ruleDeadline;
  private long[] loopSteps = NONE;
  private int calls;
  private String spent;
  private String ruleSpent;

  /**
   * @param nanoTime the monotonic time source ({@code System::nanoTime}; tests pass a fake so that
   *     the time budgets decide deterministically)
   */
  Meter(Budget budget, LongSupplier nanoTime) {
    this.budget = budget;
    this.nanoTime = nanoTime;
    this.gateDeadline = nanoTime.getAsLong() + budget.gateTime().toNanos();
  }

  /** Makes this meter the one the bound functions charge, until {@link #close()}. */
  Meter open() {
    CURRENT.set(this);
    return this;
  }

  void close() {
    CURRENT.remove();
  }

  /** Why the gate's budget is spent, or null while it is not. */
  String spent() {
    return spent;
  }

  /**
   * Why the current rule's budget is spent, or null. CEL's logical operators absorb errors ({@code
   * error || true} is true), so a limit reached inside one is not always the evaluation's result:
   * the evaluator asks here afterwards, and the meter keeps refusing every later step of the rule.
   */
  String ruleSpent() {
    return ruleSpent != null ? ruleSpent : spent;
  }

  /** A new rule: its own size and time budget, within what is left of the gate's. */
  void startRule() {
    ruleSize = 0;
    ruleSpent = null;
    long now = nanoTime.getAsLong();
    long ruleEnd = now + budget.ruleTime().toNanos();
    ruleDeadline = ruleEnd - gateDeadline < 0 ? ruleEnd : gateDeadline;
    checkTime(now);
  }

  /** The comprehension loop steps of the program about to be traced. */
  Meter tracing(long[] steps) {
    loopSteps = steps;
    return this;
  }

  @Override
  public void callback(CelExpr expr, Object result) {
    if (ruleSpent != null || spent != null) {
      checkTime(0);
    }
    long id = expr.id();
    for (long step : loopSteps) {
      if (step == id) {
        if (++gateIterations > budget.gateIterations()) {
          throw gate(
              "the gate's rules ran more than "
                  + budget.gateIterations()
                  + " comprehension iterations together (policy.gateMaxIterations)");
        }
        break;
      }
    }
    if ((++calls & 127) == 0) {
      checkTime(nanoTime.getAsLong());
    }
  }

  /** Counts what a call is about to allocate, or refuses it (nothing is counted then). */
  void charge(long units) {
    if (units > budget.ruleSize() - ruleSize) {
      throw rule(
          "the rule would allocate more than "
              + budget.ruleSize()
              + " characters and list items (policy.ruleMaxSize)");
    }
    if (units > budget.gateSize() - gateSize) {
      throw gate(
          "the gate's rules would allocate more than "
              + budget.gateSize()
              + " characters and list items together (policy.gateMaxSize)");
    }
    ruleSize += units;
    gateSize += units;
    checkTime(nanoTime.getAsLong());
  }

  void checkTime(long now) {
    if (spent != null) {
      throw new Budget.Exceeded(spent, true);
    }
    if (ruleSpent != null) {
      throw new Budget.Exceeded(ruleSpent, false);
    }
    if (now - gateDeadline > 0) {
      throw gate(
          "the gate's time ceiling of "
              + budget.gateTime().toMillis()
              + " ms was reached (gate.ceilingMillis)");
    }
    if (now - ruleDeadline > 0) {
      throw rule(
          "the rule ran longer than "
              + budget.ruleTime().toMillis()
              + " ms (policy.ruleMaxMillis)");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw gate("the gate's evaluation was stopped at its time ceiling");
    }
  }

  private Budget.Exceeded rule(String why) {
    if (ruleSpent == null) {
      ruleSpent = why;
    }
    return new Budget.Exceeded(ruleSpent, false);
  }

  /** Marks the gate's budget spent: every later rule errs with the same reason. */
  Budget.Exceeded gate(String why) {
    if (spent == null) {
      spent = why;
    }
    return new Budget.Exceeded(spent, true);
  }

  private static void chargeCurrent(long units) {
    Meter m = CURRENT.get();
    if (m != null) {
      m.charge(units);
    }
  }

  /** The strings extension without the functions {@link #bindings} replaces. */
  static CelStringExtensions runtimeStrings() {
    return CelExtensions.strings(
        EnumSet.complementOf(
            EnumSet.of(
                CelStringExtensions.Function.REPLACE,
                CelStringExtensions.Function.JOIN,
                CelStringExtensions.Function.SPLIT)));
  }

  /**
   * CEL's standard functions without string and list concatenation, which {@link #bindings} has.
   */
  static CelStandardFunctions standardFunctions() {
    return CelStandardFunctions.newBuilder()
        .filterFunctions((f, overload) -> !concatenation(f, overload))
        .build();
  }

  private static boolean concatenation(
      CelStandardFunctions.StandardFunction f,
      dev.cel.runtime.standard.CelStandardOverload overload) {
    return f == CelStandardFunctions.StandardFunction.ADD
        && (overload.toString().equals("ADD_STRING") || overload.toString().equals("ADD_LIST"));
  }

  /**
   * Metered bindings of the functions that build strings and lists, each charging its result's size
   * (known from its arguments) before CEL's own implementation runs.
   */
  static List<CelFunctionBinding> bindings(CelOptions options) {
    List<CelFunctionBinding> originals = new ArrayList<>();
    originals.addAll(
        record(
            CelExtensions.strings(
                CelStringExtensions.Function.REPLACE,
                CelStringExtensions.Function.JOIN,
                CelStringExtensions.Function.SPLIT)));
    originals.addAll(
        CelStandardFunctions.newBuilder()
            .filterFunctions(Meter::concatenation)
            .build()
            .newFunctionBindings(
                RuntimeEquality.create(RuntimeHelpers.create(), options), options));
    Map<String, List<CelFunctionBinding>> byFunction = new LinkedHashMap<>();
    for (CelFunctionBinding b : originals) {
      String id = b.getOverloadId();
      String function;
      if (id.startsWith("add_")) {
        function = "_+_";
      } else if (id.startsWith("string_replace")) {
        function = "replace";
      } else if (id.startsWith("list_join")) {
        function = "join";
      } else if (id.startsWith("string_split")) {
        function = "split";
      } else {
        continue; // the dynamic dispatch by function name, rebuilt below from the metered ones
      }
      CelFunctionOverload original = b.getDefinition();
      byFunction
          .computeIfAbsent(function, k -> new ArrayList<>())
          .add(
              CelFunctionBinding.from(
                  id,
                  b.getArgTypes(),
                  args -> {
                    chargeCurrent(size(id, args));
                    return original.apply(args);
                  }));
    }
    List<CelFunctionBinding> out = new ArrayList<>();
    byFunction.forEach(
        (f, overloads) -> out.addAll(CelFunctionBinding.fromOverloads(f, overloads)));
    return out;
  }

  /** The size of what a call will build, from its arguments alone. */
  static long size(String overloadId, Object[] args) {
    switch (overloadId) {
      case "add_string" -> {
        return (long) ((String) args[0]).length() + ((String) args[1]).length();
      }
      case "add_list" -> {
        // map and filter append to a view of their result: only the new items are allocated.
        long added = ((Collection<?>) args[1]).size();
        return args[0] instanceof ConcatenatedListView<?>
            ? added
            : added + ((Collection<?>) args[0]).size();
      }
      case "string_replace_string_string", "string_replace_string_string_int" -> {
        String text = (String) args[0];
        String search = (String) args[1];
        String replacement = (String) args[2];
        long limit = args.length > 3 ? (Long) args[3] : -1;
        long matches = search.isEmpty() ? text.length() + 1L : count(text, search, limit);
        if (limit >= 0) {
          matches = Math.min(matches, limit);
        }
        long grows = Math.max(0, replacement.length() - search.length());
        return text.length() + saturatedMultiply(matches, Math.max(grows, 0));
      }
      case "list_join", "list_join_string" -> {
        List<?> items = (List<?>) args[0];
        long separator = args.length > 1 ? ((String) args[1]).length() : 0;
        long total = Math.max(0, items.size() - 1) * separator;
        for (Object item : items) {
          total += item instanceof String s ? s.length() : 0;
        }
        return total;
      }
      default -> {
        // split: at most one item per character, and the characters themselves.
        return 2L * ((String) args[0]).length() + 1;
      }
    }
  }

  private static long count(String text, String search, long limit) {
    long n = 0;
    int at = text.indexOf(search);
    while (at >= 0 && (limit < 0 || n < limit)) {
      n++;
      at = text.indexOf(search, at + search.length());
    }
    return n;
  }

  static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  /** The function bindings a runtime library would add, without adding them anywhere. */
  private static List<CelFunctionBinding> record(CelRuntimeLibrary library) {
    List<CelFunctionBinding> out = new ArrayList<>();
    CelRuntimeBuilder[] self = new CelRuntimeBuilder[1];
    self[0] =
        (CelRuntimeBuilder)
            Proxy.newProxyInstance(
                Meter.class.getClassLoader(),
                new Class<?>[] {CelRuntimeBuilder.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("addFunctionBindings")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  if (args[0] instanceof CelFunctionBinding[] array) {
                    out.addAll(Arrays.asList(array));
                  } else {
                    for (Object b : (Iterable<?>) args[0]) {
                      out.add((CelFunctionBinding) b);
                    }
                  }
                  return self[0];
                });
    library.setRuntimeOptions(self[0]);
    return out;
  }
}
