package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Rules whose comprehensions keep a scalar (exists, all, exists_one) run on cel-java's planner;
 * rules that build a list (filter, map) on its interpreter. Each pair below says the same thing
 * both ways, so the two runtimes must agree on every input: a difference is a wrong decision.
 */
class RuntimeAgreementProperties {
  static final List<String[]> PAIRS =
      List.of(
          new String[] {
            "findings.exists(f, f.severity == 'critical' && f.state == 'open')",
            "findings.filter(f, f.severity == 'critical' && f.state == 'open').size() > 0"
          },
          new String[] {
            "findings.all(f, !f.overdue || f.state != 'open')",
            "findings.filter(f, f.overdue && f.state == 'open').size() == 0"
          },
          new String[] {
            "findings.exists_one(f, f.fixAvailable && f.severity == 'high')",
            "findings.filter(f, f.fixAvailable && f.severity == 'high').size() == 1"
          },
          new String[] {
            "findings.all(f, findings.exists(g, g.id == f.id))",
            "findings.map(f, f.id).size() == size(findings)"
          },
          new String[] {
            "!findings.exists(f, f.severity in ['critical', 'high'] && f.overdue)",
            "findings.filter(f, f.severity in ['critical', 'high']).all(f, !f.overdue)"
          });

  static final PolicyBundle BUNDLE = bundle();

  static PolicyBundle bundle() {
    StringBuilder yaml = new StringBuilder("name: pairs\nrules:\n");
    for (int i = 0; i < PAIRS.size(); i++) {
      yaml.append("  - name: planner-").append(i).append("\n    expression: \"");
      yaml.append(PAIRS.get(i)[0]).append("\"\n");
      yaml.append("  - name: interpreter-").append(i).append("\n    expression: \"");
      yaml.append(PAIRS.get(i)[1]).append("\"\n");
    }
    try {
      return PolicyBundle.compile(Map.of("p.yaml", yaml.toString()), PolicyBundle.Limits.DEFAULT);
    } catch (PolicyException e) {
      throw new IllegalStateException(e.diagnostics().toString(), e);
    }
  }

  @Provide
  Arbitrary<GateInput.Finding> findings() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 5),
            Arbitraries.of("critical", "high", "medium", "low", "unknown"),
            Arbitraries.of("open", "not_affected", "fixed", "accepted"),
            Arbitraries.of(true, false),
            Arbitraries.of("1.2.3", null))
        .as(
            (id, severity, state, overdue, fixed) ->
                new GateInput.Finding(
                    "F-" + id,
                    List.of(),
                    "dependency",
                    severity,
                    state,
                    "pkg:npm/x@1",
                    PolicyBundleTest.NOW,
                    overdue,
                    fixed));
  }

  @Property(tries = 500)
  void plannerAndInterpreterAgree(
      @ForAll @Size(max = 40) List<GateInput.@From("findings") Finding> findings) {
    Decision d = BUNDLE.evaluate(PolicyBundleTest.input("prod", findings), List.of());
    List<Outcome> planner = new ArrayList<>();
    List<Outcome> interpreter = new ArrayList<>();
    for (Decision.RuleResult r : d.results()) {
      assertThat(r.outcome()).as(r.rule() + ": " + r.message()).isIn(Outcome.pass, Outcome.fail);
      (r.rule().startsWith("planner-") ? planner : interpreter).add(r.outcome());
    }
    assertThat(planner).hasSize(PAIRS.size()).isEqualTo(interpreter);
  }

  @Property(tries = 1)
  void thePairsRunOnDifferentRuntimes(@ForAll("findings") GateInput.Finding unused)
      throws Exception {
    for (String[] pair : PAIRS) {
      assertThat(buildsCollection(pair[0])).as(pair[0]).isFalse();
      assertThat(buildsCollection(pair[1])).as(pair[1]).isTrue();
    }
  }

  static boolean buildsCollection(String expression) throws Exception {
    return PolicyBundle.Env.buildsCollection(
        dev.cel.bundle.CelFactory.standardCelBuilder()
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .build()
            .parse(expression)
            .getAst());
  }
}
