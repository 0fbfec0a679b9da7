package dev.bulwark.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A loaded policy bundle: every file parsed, every expression type-checked against {@link
 * InputSchema} and compiled to a CEL program once. Immutable and thread-safe; evaluate as often as
 * needed. A bundle with any problem is refused whole, with all its problems at once.
 *
 * <p>Rules state what must hold: an expression that evaluates to {@code true} passes. One that
 * evaluates to {@code false} fails (action {@code deny}), warns ({@code warn}) or is recorded
 * ({@code audit}). One that cannot be evaluated (an error, or a runtime limit reached) counts as
 * {@code error} and, for a deny rule, blocks: the gate fails closed.
 *
 * <p>The facade over the stages, as cel-java separates its policy parser and compiler: {@link
 * BundleFiles} (which files, their digest), {@link PolicyParser} (YAML to {@link PolicySource}),
 * {@link PolicyCompiler} (CEL check and plan to {@link PolicyProgram}), {@link PolicyEvaluator} (a
 * decision within the budget) and {@link Explanation} (what each rule read).
 */
public final class PolicyBundle {
  /** Runtime limits. Every rule gets its own iteration budget per evaluation. */
  public record Limits(int maxExpressionChars, int maxNodes, int maxIterations, int maxRules) {
    public static final Limits DEFAULT = new Limits(4096, 2000, 200_000, 1000);
  }

  private final List<PolicyProgram> policies;
  private final Map<String, String> files;
  private final String digest;
  private final Limits limits;
  private final Budget budget;
  private final PolicyEvaluator evaluator;

  private PolicyBundle(
      List<PolicyProgram> policies,
      Map<String, String> files,
      String digest,
      Limits limits,
      Budget budget) {
    this.policies = policies;
    this.files = files;
    this.digest = digest;
    this.limits = limits;
    this.budget = budget;
    this.evaluator = new PolicyEvaluator(policies, digest, budget);
  }

  /**
   * Loads the policy files of a directory (a Git checkout): every {@code .yaml}/{@code .yml} file,
   * recursively, except under {@code tests/} (test cases) and hidden directories such as {@code
   * .git}.
   */
  public static PolicyBundle load(Path dir) throws PolicyException, IOException {
    return compile(read(dir), Limits.DEFAULT);
  }

  /** {@link #load(Path)} with a cost budget other than {@link Budget#DEFAULT}. */
  public static PolicyBundle load(Path dir, Budget budget) throws PolicyException, IOException {
    return compile(read(dir), Limits.DEFAULT, budget);
  }

  /** The policy files of a directory by relative path (forward slashes), sorted. */
  public static Map<String, String> read(Path dir) throws IOException {
    return BundleFiles.read(dir);
  }

  /** Compiles files (relative path to text) into a bundle, or reports every problem found. */
  public static PolicyBundle compile(Map<String, String> files, Limits limits)
      throws PolicyException {
    return compile(files, limits, Budget.DEFAULT);
  }

  /**
   * Compiles files into a bundle evaluated within {@code budget}. An expression whose strings can
   * be bounded from its literals alone and exceed the rule's size budget is refused here, with its
   * position, rather than failing at every gate. Problems come policy by policy in file order: a
   * policy's structural problems, then those of its expressions.
   */
  public static PolicyBundle compile(Map<String, String> files, Limits limits, Budget budget)
      throws PolicyException {
    List<Diagnostic> problems = new ArrayList<>();
    List<PolicyProgram> policies = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Map<String, String> sorted = new TreeMap<>(files);
    int rules = 0;
    for (var f : sorted.entrySet()) {
      for (Node doc : Yaml.documents(f.getKey(), f.getValue(), problems)) {
        PolicySource source = PolicyParser.parse(f.getKey(), f.getValue(), doc, problems);
        PolicyProgram p =
            source == null ? null : PolicyCompiler.compile(source, limits, budget, problems);
        if (p != null) {
          if (!names.add(p.name())) {
            problems.add(
                Yaml.at(f.getKey(), doc, "a policy named '" + p.name() + "' exists already"));
          }
          policies.add(p);
          rules += p.rules().size();
        }
      }
    }
    if (sorted.isEmpty()) {
      problems.add(new Diagnostic(".", 1, 1, "no policy files (.yaml or .yml) in the bundle"));
    }
    if (rules > limits.maxRules()) {
      problems.add(
          new Diagnostic(".", 1, 1, rules + " rules; a bundle may hold " + limits.maxRules()));
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new PolicyBundle(
        List.copyOf(policies), Map.copyOf(sorted), BundleFiles.digestOf(sorted), limits, budget);
  }

  public String digest() {
    return digest;
  }

  /** The files the bundle was compiled from, by relative path. */
  public Map<String, String> files() {
    return files;
  }

  public List<String> policyNames() {
    return policies.stream().map(PolicyProgram::name).toList();
  }

  public int ruleCount() {
    return policies.stream().mapToInt(p -> p.rules().size()).sum();
  }

  public Limits limits() {
    return limits;
  }

  public Budget budget() {
    return budget;
  }

  /**
   * Evaluates every rule of every policy whose scope covers the input, within the bundle's {@link
   * Budget}: a rule past its own budget is {@code error}; once the gate's budget is spent, the rule
   * running then and every later one are {@code error} without running, and the gate denies.
   */
  public Decision evaluate(GateInput in, List<Waiver> waivers) {
    return evaluate(in, waivers, System::nanoTime);
  }

  /** {@link #evaluate(GateInput, List)} with the time budgets read from {@code nanoTime}. */
  Decision evaluate(GateInput in, List<Waiver> waivers, LongSupplier nanoTime) {
    return evaluator.evaluate(in, waivers, nanoTime);
  }

  /**
   * The decision when a gate's evaluation did not finish in time (the caller's backstop beside the
   * meter's own checks): every rule in scope is {@code error} with {@code why}, and the gate
   * denies.
   */
  public Decision unfinished(GateInput in, String why) {
    return evaluator.unfinished(in, why);
  }
}
