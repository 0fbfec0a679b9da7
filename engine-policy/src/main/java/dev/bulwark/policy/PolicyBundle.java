package dev.bulwark.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A loaded policy bundle: every file parsed, every expression type-checked against {@link
 * InputSchema} and compiled to a CEL program once. Immutable and thread-safe; evaluate as often as
 * needed. A bundle with any problem is refused whole, with all its problems at once.
 *
 * <p>Rules state what must hold: an expression that evaluates to {@code true} passes. One that
 * evaluates to {@code false} fails (action {@code deny}), warns ({@code warn}) or is recorded
 * ({@code audit}). One that cannot be evaluated (an error, or a runtime limit reached) counts as
 * {@code error} and, for a deny rule, blocks: the gate fails closed.
 */
public final class PolicyBundle {
  /** Runtime limits. Every rule gets its own iteration budget per evaluation. */
  public record Limits(int maxExpressionChars, int maxNodes, int maxIterations, int maxRules) {
    public static final Limits DEFAULT = new Limits(4096, 2000, 200_000, 1000);
  }

  private static final List<String> POLICY_KEYS =
      List.of("name", "description", "scope", "variables", "rules");
  private static final List<String> SCOPE_KEYS =
      List.of("environments", "areas", "criticalities", "teams");
  private static final List<String> RULE_KEYS =
      List.of("name", "description", "expression", "message", "messageExpression", "action");

  record Scope(
      List<String> environments,
      List<String> areas,
      List<String> criticalities,
      List<String> teams) {
    boolean covers(GateInput in) {
      return (environments.isEmpty() || environments.contains(in.environment()))
          && (areas.isEmpty() || areas.contains(in.service().area()))
          && (criticalities.isEmpty() || criticalities.contains(in.service().criticality()))
          && (teams.isEmpty() || teams.contains(in.service().team()));
    }
  }

  record Rule(
      String name,
      Action action,
      String expression,
      Prog program,
      String message,
      Prog messageProgram,
      List<ReadPath> reads) {}

  /**
   * A compiled expression. {@code loopSteps} holds the ids of its comprehensions' loop steps; a
   * program with any runs on the interpreter, traced by the meter (which counts iterations there
   * and checks the clock); one without is straight-line and runs untraced.
   */
  record Prog(CelRuntime.Program program, long[] loopSteps) {
    Object eval(dev.cel.runtime.CelVariableResolver vars, Meter meter)
        throws CelEvaluationException {
      return loopSteps.length == 0
          ? program.eval(vars)
          : program.trace(vars, meter.tracing(loopSteps));
    }
  }

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

  record Policy(
      String file, String name, Scope scope, Map<String, Object> variables, List<Rule> rules) {}

  private final List<Policy> policies;
  private final Map<String, String> files;
  private final String digest;
  private final Limits limits;
  private final Budget budget;

  private PolicyBundle(
      List<Policy> policies,
      Map<String, String> files,
      String digest,
      Limits limits,
      Budget budget) {
    this.policies = policies;
    this.files = files;
    this.digest = digest;
    this.limits = limits;
    this.budget = budget;
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
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a directory");
    }
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.startsWith("tests/")
            || rel.startsWith(".")
            || rel.contains("/.")
            || !(lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
          continue;
        }
        if (Files.size(f) > Yaml.MAX_FILE_CHARS) {
          throw new IOException(rel + ": larger than " + Yaml.MAX_FILE_CHARS + " bytes");
        }
        files.put(rel, Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  /** Compiles files (relative path to text) into a bundle, or reports every problem found. */
  public static PolicyBundle compile(Map<String, String> files, Limits limits)
      throws PolicyException {
    return compile(files, limits, Budget.DEFAULT);
  }

  /**
   * Compiles files into a bundle evaluated within {@code budget}. An expression whose strings can
   * be bounded from its literals alone and exceed the rule's size budget is refused here, with its
   * position, rather than failing at every gate.
   */
  public static PolicyBundle compile(Map<String, String> files, Limits limits, Budget budget)
      throws PolicyException {
    List<Diagnostic> problems = new ArrayList<>();
    List<Policy> policies = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Map<String, String> sorted = new TreeMap<>(files);
    int rules = 0;
    for (var f : sorted.entrySet()) {
      for (Node doc : Yaml.documents(f.getKey(), f.getValue(), problems)) {
        Policy p = policy(f.getKey(), f.getValue(), doc, limits, budget, problems);
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
        List.copyOf(policies), Map.copyOf(sorted), digestOf(sorted), limits, budget);
  }

  /** SHA-256 over the sorted files: each path, a NUL, its UTF-8 bytes' length and the bytes. */
  static String digestOf(Map<String, String> sorted) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (var e : sorted.entrySet()) {
        byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Long.toString(body.length).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(body);
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Policy policy(
      String file, String text, Node doc, Limits limits, Budget budget, List<Diagnostic> problems) {
    Map<String, Node> m = Yaml.mapping(file, doc, "a policy", problems);
    if (m == null) {
      return null;
    }
    Yaml.onlyKeys(file, m, POLICY_KEYS, problems);
    String name = m.containsKey("name") ? Yaml.string(file, m.get("name"), "name", problems) : null;
    if (!m.containsKey("name")) {
      problems.add(Yaml.at(file, doc, "a policy needs a 'name'"));
    } else if (name != null && !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
      problems.add(
          Yaml.at(
              file,
              m.get("name"),
              "policy name '" + name + "': lowercase letters, digits, '.', '_' and '-' only"));
    }
    Scope scope = new Scope(List.of(), List.of(), List.of(), List.of());
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
    StructType varsType = InputSchema.struct("bulwark.Variables", varTypes);
    Env cel = cel(varsType, SimpleType.BOOL, limits);
    Env messageCel = cel(varsType, SimpleType.STRING, limits);
    List<Rule> rules = new ArrayList<>();
    if (!m.containsKey("rules")) {
      problems.add(Yaml.at(file, doc, "a policy needs 'rules'"));
    } else if (!(m.get("rules") instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      problems.add(Yaml.at(file, m.get("rules"), "'rules' must be a non-empty list"));
    } else {
      Set<String> ruleNames = new LinkedHashSet<>();
      for (Node r : seq.getValue()) {
        Rule rule = rule(file, text, r, cel, messageCel, budget, problems);
        if (rule != null && !ruleNames.add(rule.name())) {
          problems.add(Yaml.at(file, r, "a rule named '" + rule.name() + "' exists already"));
        }
        if (rule != null) {
          rules.add(rule);
        }
      }
    }
    return name == null
        ? null
        : new Policy(file, name, scope, java.util.Collections.unmodifiableMap(variables), rules);
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

  /**
   * One compile environment, two runtimes. cel-java's planner runtime evaluates straight-line rules
   * fastest. Its comprehensions are slower here: those that build a list (filter, map) grow
   * quadratically in 0.14.0 (measured: a filter over 4,000 findings took 3.8 s), and even exists
   * over 10,000 findings, linear on both, took 21 ms on the planner against 9 ms on the default
   * interpreter with our typed input. So rules with any comprehension run on the interpreter. Both
   * take the same checked AST and the same options, iteration budget included.
   */
  record Env(Cel planner, Cel interpreter) {
    CelValidationResult compile(String expression) {
      return planner.compile(expression);
    }

    Prog createProgram(CelAbstractSyntaxTree ast) throws CelEvaluationException {
      long[] steps = loopSteps(ast);
      return new Prog(
          steps.length > 0 ? interpreter.createProgram(ast) : planner.createProgram(ast), steps);
    }

    static long[] loopSteps(CelAbstractSyntaxTree ast) {
      return dev.cel.common.navigation.CelNavigableAst.fromAst(ast)
          .getRoot()
          .allNodes()
          .filter(n -> n.expr().exprKind().getKind() == CelExpr.ExprKind.Kind.COMPREHENSION)
          .mapToLong(n -> n.expr().comprehension().loopStep().id())
          .toArray();
    }
  }

  private static Env cel(StructType varsType, CelType result, Limits limits) {
    CelOptions options =
        CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(limits.maxExpressionChars())
            .maxParseExpressionNodeCount(limits.maxNodes())
            .maxParseRecursionDepth(100)
            .comprehensionMaxIterations(limits.maxIterations())
            .maxRegexProgramSize(200)
            .build();
    List<Cel> both = new ArrayList<>();
    for (var b : List.of(CelFactory.plannerCelBuilder(), CelFactory.standardCelBuilder())) {
      if (!both.isEmpty()) {
        // The interpreter overrides standard bindings only this way; it only creates programs
        // (the planner's compiler checks every expression), so its compiler needs no standard
        // declarations.
        b.setStandardEnvironmentEnabled(false);
      }
      b.setOptions(options)
          .setTypeProvider(InputSchema.provider(varsType))
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addCompilerLibraries(dev.cel.extensions.CelExtensions.strings())
          .setStandardFunctions(Meter.standardFunctions())
          .addRuntimeLibraries(Meter.runtimeStrings())
          .addFunctionBindings(Meter.bindings(options))
          .setResultType(result)
          .addVar("vars", varsType);
      InputSchema.VARIABLES.forEach(b::addVar);
      both.add(b.build());
    }
    return new Env(both.get(0), both.get(1));
  }

  private static Rule rule(
      String file,
      String text,
      Node n,
      Env cel,
      Env messageCel,
      Budget budget,
      List<Diagnostic> problems) {
    Map<String, Node> m = Yaml.mapping(file, n, "a rule", problems);
    if (m == null) {
      return null;
    }
    Yaml.onlyKeys(file, m, RULE_KEYS, problems);
    String name = null;
    if (!m.containsKey("name")) {
      problems.add(Yaml.at(file, n, "a rule needs a 'name'"));
    } else {
      name = Yaml.string(file, m.get("name"), "name", problems);
      if (name != null && !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
        problems.add(
            Yaml.at(
                file,
                m.get("name"),
                "rule name '" + name + "': lowercase letters, digits, '.', '_' and '-' only"));
      }
    }
    Action action = Action.deny;
    if (m.containsKey("action")) {
      String a = Yaml.string(file, m.get("action"), "action", problems);
      try {
        action = a == null ? Action.deny : Action.valueOf(a);
      } catch (IllegalArgumentException e) {
        problems.add(Yaml.at(file, m.get("action"), "action '" + a + "': deny, warn or audit"));
      }
    }
    Prog program = null;
    String expression = null;
    List<ReadPath> reads = List.of();
    if (!m.containsKey("expression")) {
      problems.add(Yaml.at(file, n, "a rule needs an 'expression'"));
    } else {
      expression = Yaml.string(file, m.get("expression"), "expression", problems);
      if (expression != null) {
        CelAbstractSyntaxTree ast =
            check(file, text, m.get("expression"), expression, cel, budget, problems);
        if (ast != null) {
          program = program(cel, ast, file, m.get("expression"), problems);
          reads = reads(ast).stream().map(ReadPath::of).toList();
        }
      }
    }
    String message = null;
    Prog messageProgram = null;
    if (m.containsKey("message") && m.containsKey("messageExpression")) {
      problems.add(Yaml.at(file, n, "a rule has 'message' or 'messageExpression', not both"));
    } else if (m.containsKey("message")) {
      message = Yaml.string(file, m.get("message"), "message", problems);
    } else if (m.containsKey("messageExpression")) {
      String e = Yaml.string(file, m.get("messageExpression"), "messageExpression", problems);
      if (e != null) {
        CelAbstractSyntaxTree ast =
            check(file, text, m.get("messageExpression"), e, messageCel, budget, problems);
        if (ast != null) {
          messageProgram = program(messageCel, ast, file, m.get("messageExpression"), problems);
        }
      }
    }
    if (name == null || program == null) {
      return null;
    }
    return new Rule(
        name,
        action,
        expression,
        program,
        message == null ? "rule " + name + " failed: " + expression : message,
        messageProgram,
        reads);
  }

  private static CelAbstractSyntaxTree check(
      String file,
      String text,
      Node node,
      String expression,
      Env cel,
      Budget budget,
      List<Diagnostic> problems) {
    CelValidationResult r;
    try {
      r = cel.compile(expression);
    } catch (RuntimeException e) {
      problems.add(Yaml.at(file, node, "expression not accepted: " + e.getMessage()));
      return null;
    }
    if (r.hasError()) {
      for (CelIssue issue : r.getErrors()) {
        problems.add(position(file, text, node, issue));
      }
      return null;
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = r.getAst();
    } catch (CelValidationException e) {
      problems.add(Yaml.at(file, node, e.getMessage()));
      return null;
    }
    int before = problems.size();
    checkLiterals(file, text, node, ast, problems);
    SizeEstimate.check(ast, budget.ruleSize())
        .ifPresent(
            at ->
                problems.add(
                    position(file, text, node, CelIssue.formatError(at.location(), at.message()))));
    return problems.size() == before ? ast : null;
  }

  /**
   * {@code timestamp('...')} and {@code duration('...')} take a string, so a literal that is no
   * timestamp or duration type-checks and would fail only when a gate evaluates it (closed, but at
   * the worst moment). Each such literal is converted at load by CEL's own standard functions, so
   * the check accepts exactly what evaluation accepts, and a bad one is reported with its position
   * like any other error.
   */
  private static void checkLiterals(
      String file, String text, Node node, CelAbstractSyntaxTree ast, List<Diagnostic> problems) {
    dev.cel.common.navigation.CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(n -> n.expr())
        .filter(e -> e.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL)
        .filter(e -> e.call().target().isEmpty() && e.call().args().size() == 1)
        .filter(e -> LiteralConversions.PROGRAMS.containsKey(e.call().function()))
        .forEach(
            e -> {
              CelExpr arg = e.call().args().get(0);
              if (arg.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT
                  || arg.constant().getKind() != dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
                return;
              }
              String literal = arg.constant().stringValue();
              Optional<String> error = LiteralConversions.check(e.call().function(), literal);
              if (error.isEmpty()) {
                return;
              }
              int offset = ast.getSource().getPositionsMap().getOrDefault(arg.id(), 0);
              dev.cel.common.CelSourceLocation at =
                  ast.getSource()
                      .getOffsetLocation(offset)
                      .orElse(dev.cel.common.CelSourceLocation.of(1, 0));
              problems.add(
                  position(
                      file,
                      text,
                      node,
                      CelIssue.formatError(
                          at,
                          "'"
                              + literal
                              + "' is not a valid "
                              + e.call().function()
                              + ": "
                              + error.get())));
            });
  }

  /** CEL's standard string conversions, compiled once, to check literals at load. */
  private static final class LiteralConversions {
    static final Map<String, CelRuntime.Program> PROGRAMS = programs();

    private static Map<String, CelRuntime.Program> programs() {
      Cel cel = CelFactory.standardCelBuilder().addVar("s", SimpleType.STRING).build();
      Map<String, CelRuntime.Program> out = new LinkedHashMap<>();
      for (String f : List.of("timestamp", "duration")) {
        try {
          out.put(f, cel.createProgram(cel.compile(f + "(s)").getAst()));
        } catch (CelValidationException | CelEvaluationException e) {
          throw new IllegalStateException("cannot compile " + f + "(s)", e);
        }
      }
      return Map.copyOf(out);
    }

    static Optional<String> check(String function, String literal) {
      try {
        PROGRAMS.get(function).eval(Map.of("s", literal));
        return Optional.empty();
      } catch (CelEvaluationException e) {
        // The position inside the one-call program means nothing to a policy author.
        return Optional.of(
            String.valueOf(e.getMessage()).replaceFirst("^evaluation error at <input>:\\d+: ", ""));
      }
    }
  }

  private static Prog program(
      Env cel, CelAbstractSyntaxTree ast, String file, Node node, List<Diagnostic> problems) {
    try {
      return cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      problems.add(Yaml.at(file, node, "cannot compile: " + e.getMessage()));
      return null;
    }
  }

  /**
   * Where a CEL issue sits in the file: CEL counts lines from 1 and columns from 0 inside the
   * expression; the expression starts at its YAML scalar, after the quote of a quoted scalar, or on
   * the line after the indicator of a block scalar, at the block's indentation.
   */
  static Diagnostic position(String file, String text, Node node, CelIssue issue) {
    int line0 = node.getStartMark().getLine();
    int col0 = node.getStartMark().getColumn();
    int celLine = Math.max(1, issue.getSourceLocation().getLine());
    int celCol = Math.max(0, issue.getSourceLocation().getColumn());
    String msg = issue.getMessage();
    DumperOptions.ScalarStyle style =
        node instanceof ScalarNode s ? s.getScalarStyle() : DumperOptions.ScalarStyle.PLAIN;
    if (style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED) {
      int contentLine = line0 + 1 + (celLine - 1);
      String[] lines = text.split("\n", -1);
      int indent = 0;
      if (line0 + 1 < lines.length) {
        String first = lines[line0 + 1];
        while (indent < first.length() && first.charAt(indent) == ' ') {
          indent++;
        }
      }
      return new Diagnostic(file, contentLine + 1, indent + celCol + 1, msg);
    }
    int quote =
        style == DumperOptions.ScalarStyle.SINGLE_QUOTED
                || style == DumperOptions.ScalarStyle.DOUBLE_QUOTED
            ? 1
            : 0;
    if (celLine == 1) {
      return new Diagnostic(file, line0 + 1, col0 + quote + celCol + 1, msg);
    }
    return new Diagnostic(file, line0 + celLine, celCol + 1, msg);
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

  public String digest() {
    return digest;
  }

  /** The files the bundle was compiled from, by relative path. */
  public Map<String, String> files() {
    return files;
  }

  public List<String> policyNames() {
    return policies.stream().map(Policy::name).toList();
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
    List<Decision.RuleResult> results = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    Meter meter = new Meter(budget).open();
    try {
      for (Policy p : policies) {
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

  /**
   * The decision when a gate's evaluation did not finish in time (the caller's backstop beside the
   * meter's own checks): every rule in scope is {@code error} with {@code why}, and the gate
   * denies.
   */
  public Decision unfinished(GateInput in, String why) {
    List<Decision.RuleResult> results = new ArrayList<>();
    for (Policy p : policies) {
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
      Policy p, Rule r, GateInput in, List<Waiver> waivers, Meter meter) {
    List<Decision.Read> reads = readValues(r, p, in);
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
  private boolean passesWithout(Policy p, Rule r, GateInput in, Waiver w, Meter meter) {
    try {
      return Boolean.TRUE.equals(
              r.program().eval(resolver(p, in.withoutFindings(Set.of(w.findingId()))), meter))
          && meter.ruleSpent() == null;
    } catch (CelEvaluationException | RuntimeException e) {
      return false;
    }
  }

  private static String message(Policy p, Rule r, GateInput in, Meter meter) {
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

  private static dev.cel.runtime.CelVariableResolver resolver(Policy p, GateInput in) {
    Map<String, Object> values = in.values();
    Map<String, Object> vars = p.variables();
    return name -> name.equals("vars") ? Optional.of(vars) : Optional.ofNullable(values.get(name));
  }

  /**
   * The values behind a rule's read paths. A field read while iterating lists the field's value of
   * every item when there are at most {@link #LISTED} items; a list of records is summarized by its
   * size; anything larger by its size alone.
   */
  private static List<Decision.Read> readValues(Rule r, Policy p, GateInput in) {
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

  private static Object resolve(String[] parts, Policy p, GateInput in) {
    Object v = parts[0].equals("vars") ? p.variables() : in.values().get(parts[0]);
    for (int i = 1; i < parts.length && v != null; i++) {
      v = v instanceof Map<?, ?> m ? m.get(parts[i]) : null;
    }
    return v;
  }
}
