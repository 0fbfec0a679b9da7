package dev.bulwark.policy;

import dev.bulwark.policy.PolicyProgram.Prog;
import dev.bulwark.policy.PolicyProgram.Rule;
import dev.bulwark.policy.PolicySource.RuleSource;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The policy compiler: every expression of a parsed policy type-checked against {@link InputSchema}
 * and the policy's variables, its literals and size bound checked, and planned into an immutable
 * {@link PolicyProgram}. Every problem is reported, at its position in the file.
 */
final class PolicyCompiler {
  private PolicyCompiler() {}

  /** The compiled policy, or null when its name or any rule is refused (see {@code problems}). */
  static PolicyProgram compile(
      PolicySource p, PolicyBundle.Limits limits, Budget budget, List<Diagnostic> problems) {
    StructType varsType = InputSchema.struct("bulwark.Variables", p.variableTypes());
    Env cel = cel(varsType, SimpleType.BOOL, limits);
    Env messageCel = cel(varsType, SimpleType.STRING, limits);
    List<Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new LinkedHashSet<>();
    for (RuleSource r : p.rules()) {
      Rule rule = rule(p.file(), p.text(), r, cel, messageCel, budget, problems);
      if (rule != null && !ruleNames.add(rule.name())) {
        problems.add(
            Yaml.at(p.file(), r.node(), "a rule named '" + rule.name() + "' exists already"));
      }
      if (rule != null) {
        rules.add(rule);
      }
    }
    return p.name() == null
        ? null
        : new PolicyProgram(p.file(), p.name(), p.scope(), p.variables(), rules);
  }

  private static Rule rule(
      String file,
      String text,
      RuleSource r,
      Env cel,
      Env messageCel,
      Budget budget,
      List<Diagnostic> problems) {
    Prog program = null;
    List<Explanation.ReadPath> reads = List.of();
    if (r.expression() != null) {
      CelAbstractSyntaxTree ast =
          check(file, text, r.expressionNode(), r.expression(), cel, budget, problems);
      if (ast != null) {
        program = program(cel, ast, file, r.expressionNode(), problems);
        reads = Explanation.reads(ast).stream().map(Explanation.ReadPath::of).toList();
      }
    }
    Prog messageProgram = null;
    if (r.messageExpression() != null) {
      CelAbstractSyntaxTree ast =
          check(
              file,
              text,
              r.messageExpressionNode(),
              r.messageExpression(),
              messageCel,
              budget,
              problems);
      if (ast != null) {
        messageProgram = program(messageCel, ast, file, r.messageExpressionNode(), problems);
      }
    }
    if (r.name() == null || program == null) {
      return null;
    }
    return new Rule(
        r.name(),
        r.action(),
        r.expression(),
        program,
        r.message() == null ? "rule " + r.name() + " failed: " + r.expression() : r.message(),
        messageProgram,
        reads);
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

  static Env cel(StructType varsType, CelType result, PolicyBundle.Limits limits) {
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
}
