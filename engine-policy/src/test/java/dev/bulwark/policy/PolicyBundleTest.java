package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyBundleTest {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  static GateInput input(String environment, List<GateInput.Finding> findings) {
    return new GateInput(
        new GateInput.Service("payments", "pay", "data", "critical"),
        new GateInput.Release("1.0.0", "sha256:" + "a".repeat(64), true, 10),
        findings,
        List.of(),
        List.of(),
        environment,
        List.of(),
        NOW);
  }

  static GateInput.Finding finding(String id, String severity, boolean overdue) {
    return new GateInput.Finding(
        id, List.of(), "dependency", severity, "open", "pkg:npm/x@1", NOW, overdue, null);
  }

  static PolicyBundle bundle(String yaml) throws PolicyException {
    return PolicyBundle.compile(Map.of("p.yaml", yaml), PolicyBundle.Limits.DEFAULT);
  }

  @Test
  void everyProblemOfEveryFileIsReportedAtOnceWithItsPosition() {
    String a =
        """
        name: one
        rules:
          - name: typo
            expression: release.digets == 'x'
          - name: syntax
            expression: "release.sbom &&"
          - name: not-bool
            expression: release.components
          - name: bad-action
            expression: 'true'
            action: block
            colour: red
        """;
    String b =
        """
        name: one
        rules:
          - name: ok
            expression: |
              findings.all(f,
                f.severty != 'x')
        """;
    assertThatThrownBy(
            () ->
                PolicyBundle.compile(Map.of("a.yaml", a, "b.yaml", b), PolicyBundle.Limits.DEFAULT))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e -> {
              List<String> d = e.diagnostics().stream().map(Diagnostic::toString).toList();
              assertThat(d)
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith("a.yaml:4:24: ")
                              .contains("undefined field 'digets'"))
                  .anySatisfy(
                      s -> assertThat(s).startsWith("a.yaml:6:").contains("mismatched input"))
                  .anySatisfy(
                      s -> assertThat(s).startsWith("a.yaml:8:").contains("expected type 'bool'"))
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith("a.yaml:11:13: ")
                              .contains("deny, warn or audit"))
                  .anySatisfy(
                      s -> assertThat(s).startsWith("a.yaml:12:").contains("unknown key 'colour'"))
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith("b.yaml:6:10: ")
                              .contains("undefined field 'severty'"))
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith("b.yaml:1:")
                              .contains("a policy named 'one' exists already"));
            });
  }

  @Test
  void timestampLiteralsCompareAndABadOneIsRefusedAtLoad() throws Exception {
    PolicyBundle ok =
        bundle(
            """
            name: dates
            rules:
              - name: after-cutover
                expression: now > timestamp('2026-01-01T00:00:00Z') && now < timestamp('2027-01-01T00:00:00Z')
            """);
    assertThat(ok.evaluate(input("prod", List.of()), List.of()).allowed()).isTrue();
    // A literal that is no timestamp or duration type-checks (it is a string), so it is converted
    // at load: refused with its position, together with the bundle's other problems.
    assertThatThrownBy(
            () ->
                bundle(
                    """
                    name: dates
                    rules:
                      - name: typo
                        expression: now > timestamp('2026-13-01') && now < timestamp('2027-01-01T00:00:00Z')
                      - name: span
                        expression: "now - timestamp('2026-01-01T00:00:00Z') > duration('30 days')"
                      - name: message
                        expression: 'true'
                        messageExpression: "'since ' + string(timestamp('yesterday'))"
                    """))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.diagnostics().stream().map(Diagnostic::toString).toList())
                    .hasSize(3)
                    .anySatisfy(
                        s ->
                            assertThat(s)
                                .isEqualTo(
                                    "p.yaml:4:33: '2026-13-01' is not a valid timestamp: Text '2026-13-01' could not be parsed at index 10"))
                    .anySatisfy(
                        s ->
                            assertThat(s)
                                .startsWith("p.yaml:6:69: ")
                                .contains("'30 days' is not a valid duration"))
                    .anySatisfy(
                        s ->
                            assertThat(s)
                                .startsWith("p.yaml:9:53: ")
                                .contains("'yesterday' is not a valid timestamp")));
    // A good duration literal loads; a bad string that is not a literal (a variable) still fails
    // closed when evaluated.
    bundle(
        """
        name: dates
        rules:
          - name: span
            expression: "now - timestamp('2026-01-01T00:00:00Z') > duration('720h')"
        """);
    PolicyBundle typo =
        bundle(
            """
            name: dates
            variables:
              cutover: '2026-13-01'
            rules:
              - name: typo
                expression: now > timestamp(vars.cutover)
            """);
    Decision d = typo.evaluate(input("prod", List.of()), List.of());
    assertThat(d.results().get(0).outcome()).isEqualTo(Outcome.error);
    assertThat(d.allowed()).isFalse();
  }

  @Test
  void aRunawayRuleStopsAtItsIterationBudgetAndFailsClosed() throws Exception {
    PolicyBundle b =
        PolicyBundle.compile(
            Map.of(
                "p.yaml",
                """
                name: runaway
                rules:
                  - name: quadratic
                    expression: findings.all(x, findings.all(y, x.id != '' || y.id != ''))
                """),
            new PolicyBundle.Limits(4096, 2000, 10_000, 100));
    List<GateInput.Finding> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(finding("F-" + i, "low", false));
    }
    // The clock stands still: the iterations decide, not the rule's time budget on a busy host.
    Decision d = b.evaluate(input("prod", many), List.of(), PolicyBudgetTest.STILL);
    assertThat(d.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.error);
              assertThat(r.message()).contains("Iteration budget exceeded");
            });
    assertThat(d.allowed()).isFalse();
    // Under the budget the same rule passes.
    assertThat(
            b.evaluate(input("prod", many.subList(0, 50)), List.of(), PolicyBudgetTest.STILL)
                .allowed())
        .isTrue();
  }

  @Test
  void warnAndAuditRulesNeverBlockAndEveryResultExplainsWhatItRead() throws Exception {
    PolicyBundle b =
        bundle(
            """
            name: mixed
            variables:
              maxFindings: 1
            rules:
              - name: few-findings
                expression: size(findings) <= vars.maxFindings
                messageExpression: "string(size(findings)) + ' findings, more than ' + string(vars.maxFindings)"
                action: warn
              - name: no-critical
                expression: "!findings.exists(f, f.severity == 'critical')"
                action: audit
              - name: digest-pinned
                expression: release.digest.startsWith('sha256:')
            """);
    Decision d =
        b.evaluate(
            input("prod", List.of(finding("A", "critical", false), finding("B", "low", false))),
            List.of());
    assertThat(d.allowed()).isTrue();
    assertThat(d.results())
        .extracting(r -> r.rule() + "=" + r.outcome())
        .containsExactly("few-findings=warn", "no-critical=fail", "digest-pinned=pass");
    assertThat(d.results().get(0).message()).isEqualTo("2 findings, more than 1");
    assertThat(d.results().get(0).reads())
        .containsExactly(
            new Decision.Read("findings", "2 items"), new Decision.Read("vars.maxFindings", 1L));
    assertThat(d.results().get(1).reads())
        .containsExactly(
            new Decision.Read("findings", "2 items"),
            new Decision.Read("findings[].severity", List.of("critical", "low")));
    assertThat(d.results().get(2).reads())
        .containsExactly(new Decision.Read("release.digest", "sha256:" + "a".repeat(64)));
  }

  @Test
  void scopeSelectsPoliciesByEnvironmentAreaCriticalityAndTeam() throws Exception {
    PolicyBundle b =
        bundle(
            """
            name: prod-data
            scope:
              environments: [prod]
              areas: [data]
              criticalities: [critical, high]
              teams: [pay]
            rules:
              - name: never
                expression: 'false'
            """);
    assertThat(b.evaluate(input("prod", List.of()), List.of()).allowed()).isFalse();
    assertThat(b.evaluate(input("staging", List.of()), List.of()).results()).isEmpty();
  }

  @Test
  void sameBundleAndInputGiveTheSameDecisionAndDigests() throws Exception {
    String yaml =
        """
        name: sla
        rules:
          - name: no-overdue-critical
            expression: "!findings.exists(f, f.severity == 'critical' && f.overdue)"
        """;
    PolicyBundle one = bundle(yaml);
    PolicyBundle two = bundle(yaml);
    assertThat(one.digest()).isEqualTo(two.digest()).startsWith("sha256:");
    assertThat(bundle(yaml + "\n").digest()).isNotEqualTo(one.digest());
    GateInput in = input("prod", List.of(finding("A", "critical", true)));
    GateInput same = input("prod", List.of(finding("A", "critical", true)));
    assertThat(one.evaluate(in, List.of())).isEqualTo(two.evaluate(same, List.of()));
    assertThat(in.digest()).isEqualTo(same.digest());
    assertThat(input("prod", List.of(finding("A", "critical", false))).digest())
        .isNotEqualTo(in.digest());
  }

  @Test
  void waiversApplyOnlyToTheirRuleDigestAndFindingUntilTheyExpire() throws Exception {
    PolicyBundle b =
        bundle(
            """
            name: sla
            rules:
              - name: no-overdue-critical
                expression: "!findings.exists(f, f.severity == 'critical' && f.overdue)"
            """);
    GateInput in = input("prod", List.of(finding("A", "critical", true)));
    Instant later = NOW.plusSeconds(3600);
    assertThat(
            b.evaluate(
                in, List.of(new Waiver("W1", "sla", "no-overdue-critical", null, null, later))))
        .satisfies(
            d -> {
              assertThat(d.allowed()).isTrue();
              assertThat(d.waiversUsed()).containsExactly("W1");
              assertThat(d.results().get(0).outcome()).isEqualTo(Outcome.waived);
            });
    // Expired (expiry is exclusive), another rule, another digest, another finding: no effect.
    for (Waiver w :
        List.of(
            new Waiver("W2", "sla", "no-overdue-critical", null, null, NOW),
            new Waiver("W3", "sla", "other", null, null, later),
            new Waiver("W4", "sla", "no-overdue-critical", "sha256:" + "b".repeat(64), null, later),
            new Waiver("W5", "sla", "no-overdue-critical", null, "B", later))) {
      Decision d = b.evaluate(in, List.of(w));
      assertThat(d.allowed()).as(w.id()).isFalse();
      assertThat(d.waiversUsed()).as(w.id()).isEmpty();
    }
    assertThat(
            b.evaluate(
                    in,
                    List.of(
                        new Waiver(
                            "W6",
                            "sla",
                            "no-overdue-critical",
                            "sha256:" + "a".repeat(64),
                            "A",
                            later)))
                .allowed())
        .isTrue();
  }

  @Test
  void hostileFilesAreRefusedWithAReason() {
    String bomb =
        """
        name: bomb
        variables:
          a: &a [x, x, x, x, x, x, x, x]
          b: [*a, *a, *a, *a, *a, *a, *a, *a]
        rules:
          - name: r
            expression: 'true'
        """;
    assertThatThrownBy(() -> bundle(bomb))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("p.yaml:");
    assertThatThrownBy(
            () ->
                bundle(
                    "name: big\nrules:\n  - name: r\n    expression: '"
                        + "true && ".repeat(1000)
                        + "true'\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("p.yaml:4:");
    assertThatThrownBy(() -> bundle("x".repeat(Yaml.MAX_FILE_CHARS + 1)))
        .hasMessageContaining("larger than");
    assertThatThrownBy(() -> bundle("name: a\nname: b\nrules: []\n"))
        .hasMessageContaining("p.yaml:2:1")
        .hasMessageContaining("duplicate key");
    assertThatThrownBy(() -> PolicyBundle.compile(Map.of(), PolicyBundle.Limits.DEFAULT))
        .hasMessageContaining("no policy files");
  }
}
