package dev.bulwark.policy;

import static dev.bulwark.policy.PolicyBundleTest.finding;
import static dev.bulwark.policy.PolicyBundleTest.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 12, repro 3: a policy cannot exhaust the memory or the time of the server. */
class PolicyBudgetTest {
  static final String HUNDRED = "a".repeat(100);

  /**
   * A clock that never moves, for the tests of the other budgets: the time budgets, which a loaded
   * host could otherwise reach first, never decide there.
   */
  static final LongSupplier STILL = () -> 0L;

  /** Bytes allocated by this thread so far (HotSpot's per-thread allocation counter). */
  static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void aChainOfReplacesOnLiteralsIsRefusedAtLoadWithItsPosition() {
    String chain =
        "size('aaaaaaaaaaaaaaa'" + ".replace('a', '%s')".formatted(HUNDRED).repeat(4) + ") > 0";
    String yaml =
        """
        name: hostile
        rules:
          - name: ok
            expression: release.sbom
          - name: huge
            expression: "%s"
        """
            .formatted(chain);
    assertThatThrownBy(
            () -> PolicyBundle.compile(Map.of("p.yaml", yaml), PolicyBundle.Limits.DEFAULT))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.diagnostics())
                    .singleElement()
                    .satisfies(
                        d -> {
                          assertThat(d.file()).isEqualTo("p.yaml");
                          assertThat(d.line()).isEqualTo(6);
                          // The third replace is the first past the budget (15,000,000 chars).
                          int third =
                              chain.indexOf(
                                  ".replace",
                                  chain.indexOf(".replace", chain.indexOf(".replace") + 1) + 1);
                          // CEL places a member call at its parenthesis.
                          assertThat(d.column())
                              .isEqualTo(
                                  "    expression: \"".length() + third + ".replace".length() + 1);
                          assertThat(d.message())
                              .contains("15000000 characters")
                              .contains("policy.ruleMaxSize");
                        }));
  }

  @Test
  void replacesOnVariablesFailClosedAtRunTimeWithoutAllocatingTheirResult() throws Exception {
    // The variable hides the sizes from the load-time estimate: the meter stops it at run time.
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      rules.append(
          """
            - name: huge-%d
              expression: size(vars.seed%s) > 0
          """
              .formatted(i, ".replace('a', vars.hundred)".repeat(4)));
    }
    String yaml =
        """
        name: hostile
        variables:
          seed: aaaaaaaaaaaaaaa
          hundred: %s
        rules:
        %s"""
            .formatted(HUNDRED, rules);
    PolicyBundle b = PolicyBundle.compile(Map.of("p.yaml", yaml), PolicyBundle.Limits.DEFAULT);
    long before = allocated();
    Decision d = b.evaluate(input("prod", List.of()), List.of(), STILL);
    long used = allocated() - before;
    assertThat(d.allowed()).isFalse();
    assertThat(d.results())
        .hasSize(4)
        .allSatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.error);
              assertThat(r.message())
                  .isEqualTo(
                      "budget exceeded: the rule would allocate more than 4000000 characters and"
                          + " list items (policy.ruleMaxSize)");
            });
    // Each rule built 150,000 characters before the meter refused the next 15,000,000 (the old
    // engine built 1.5 GB per rule).
    assertThat(used).isLessThan(64L << 20);
  }

  /** A bundle of {@code n} rules that each walk a 440 x 440 grid: within 200,000 iterations. */
  static Map<String, String> cheapRules(int n) {
    String xs =
        IntStream.range(0, 440).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    StringBuilder y = new StringBuilder("name: slow\nvariables:\n  xs: [" + xs + "]\nrules:\n");
    for (int i = 0; i < n; i++) {
      y.append("  - name: r")
          .append(i)
          .append("\n    expression: vars.xs.all(x, vars.xs.all(z, x + z >= 0))\n");
    }
    return Map.of("p.yaml", y.toString());
  }

  @Test
  void aThousandRulesWithinTheirIterationsStopAtTheGatesIterationBudget() throws Exception {
    // The default budget but for time, which must not decide here.
    Budget untimed =
        new Budget(
            Budget.DEFAULT.ruleSize(),
            Duration.ofMinutes(5),
            Budget.DEFAULT.gateIterations(),
            Budget.DEFAULT.gateSize(),
            Duration.ofMinutes(5));
    PolicyBundle b = PolicyBundle.compile(cheapRules(1000), PolicyBundle.Limits.DEFAULT, untimed);
    Decision d = b.evaluate(input("prod", List.of()), List.of(), STILL);
    assertThat(d.allowed()).isFalse();
    assertThat(d.results()).hasSize(1000);
    // 2,000,000 iterations: ten rules of 193,600 pass, the eleventh is stopped, the rest not run.
    assertThat(d.results().subList(0, 10)).allMatch(r -> r.outcome() == Outcome.pass);
    assertThat(d.results().get(10).message())
        .isEqualTo(
            "budget exceeded: the gate's rules ran more than 2000000 comprehension iterations"
                + " together (policy.gateMaxIterations)");
    assertThat(d.results().subList(11, 1000))
        .allSatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.error);
              assertThat(r.message()).startsWith("not evaluated: the gate's rules ran more than");
            });
  }

  /**
   * A fake monotonic clock for the meter: every read moves it on by {@code step} nanoseconds, so
   * the time budgets are reached after a fixed number of the meter's checks, whatever the host.
   */
  static final class Ticking implements LongSupplier {
    final long step;
    long now;
    int reads;

    Ticking(Duration step) {
      this.step = step.toNanos();
    }

    @Override
    public long getAsLong() {
      reads++;
      return now += step;
    }
  }

  @Test
  void aGateStopsAtItsTimeCeilingAndDenies() throws Exception {
    Budget tight =
        new Budget(
            4_000_000,
            Duration.ofSeconds(30),
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            Duration.ofMillis(50));
    PolicyBundle b = PolicyBundle.compile(cheapRules(1000), PolicyBundle.Limits.DEFAULT, tight);
    Ticking clock = new Ticking(Duration.ofMillis(1));
    Decision d = b.evaluate(input("prod", List.of()), List.of(), clock);
    assertThat(d.allowed()).isFalse();
    assertThat(d.results()).hasSize(1000);
    // The first rule's loop steps pass the ceiling (one read every 128 steps of its 193,600).
    assertThat(d.results().get(0).message())
        .isEqualTo(
            "budget exceeded: the gate's time ceiling of 50 ms was reached (gate.ceilingMillis)");
    assertThat(d.results().subList(1, 1000))
        .allSatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.error);
              assertThat(r.message())
                  .isEqualTo(
                      "not evaluated: the gate's time ceiling of 50 ms was reached"
                          + " (gate.ceilingMillis)");
            });
    // The rest stopped at once: one read for each rule not run, where a rule that ran its loops
    // would read the clock about 1,500 times.
    assertThat(clock.reads).isLessThan(50 + 1000 + 100);
  }

  @Test
  void aRuleAloneStopsAtItsOwnTimeBudgetAndTheNextRuleStillRuns() throws Exception {
    Budget b =
        new Budget(
            4_000_000,
            Duration.ofMillis(20),
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            Duration.ofSeconds(60));
    // Seconds of CEL within the 200,000 iterations (one expensive regex per iteration); the fake
    // clock decides when the rule's 20 ms are up.
    String yaml =
        """
        name: slow
        variables:
          xs: [%s]
          long: %s
        rules:
          - name: slow
            expression: vars.xs.all(x, vars.xs.all(z, vars.long.matches('^(a|b)*c$') || true))
          - name: quick
            expression: release.sbom
        """
            .formatted(
                IntStream.range(0, 440)
                    .mapToObj(Integer::toString)
                    .collect(Collectors.joining(", ")),
                "ab".repeat(2000));
    PolicyBundle bundle =
        PolicyBundle.compile(Map.of("p.yaml", yaml), PolicyBundle.Limits.DEFAULT, b);
    Decision d =
        bundle.evaluate(input("prod", List.of()), List.of(), new Ticking(Duration.ofMillis(1)));
    assertThat(d.results().get(0).message())
        .isEqualTo("budget exceeded: the rule ran longer than 20 ms (policy.ruleMaxMillis)");
    assertThat(d.results().get(1).outcome()).isEqualTo(Outcome.pass);
    assertThat(d.allowed()).isFalse();
  }

  @Test
  void listsBuiltByMapAndFilterCountAndOrdinaryRulesStayWithinTheBudget() throws Exception {
    List<GateInput.Finding> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(finding("CVE-2026-" + i, i % 2 == 0 ? "critical" : "low", true));
    }
    PolicyBundle ok =
        PolicyBundleTest.bundle(
            """
            name: sla
            rules:
              - name: no-overdue-critical
                expression: summary.overdue.critical == 0
                messageExpression: >-
                  'critical findings past their SLA: ' + findings.filter(f, f.severity == 'critical'
                    && f.overdue).map(f, f.id).join(', ')
              - name: lists
                expression: size(findings.map(f, f.id) + findings.map(f, f.severity)) == 20000
            """);
    Decision d = ok.evaluate(input("prod", many), List.of(), STILL);
    assertThat(d.results().get(0).outcome()).isEqualTo(Outcome.fail);
    assertThat(d.results().get(0).message())
        .startsWith("critical findings past their SLA: CVE-2026-0, CVE-2026-2");
    assertThat(d.results().get(1).outcome())
        .as(d.results().get(1).message())
        .isEqualTo(Outcome.pass);

    Budget small =
        new Budget(
            15_000, Duration.ofSeconds(10), Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofSeconds(10));
    PolicyBundle tight = PolicyBundle.compile(ok.files(), PolicyBundle.Limits.DEFAULT, small);
    Decision t = tight.evaluate(input("prod", many), List.of(), STILL);
    assertThat(t.results().get(1).outcome()).isEqualTo(Outcome.error);
    assertThat(t.results().get(1).message())
        .isEqualTo(
            "budget exceeded: the rule would allocate more than 15000 characters and list items"
                + " (policy.ruleMaxSize)");
    assertThat(t.results().get(0).message())
        .startsWith(
            "rule no-overdue-critical failed (its messageExpression could not be evaluated: budget exceeded");
  }
}
