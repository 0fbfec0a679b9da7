package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.Node;

/** An input a feature declares reaches the schema, the fixture reader and the rules. */
class PolicyInputsRegistrationTest {
  static final PolicyInput<String> LABEL =
      PolicyInput.fact(
          "extraLabel",
          InputType.STRING,
          "a label only this test declares",
          v -> v,
          (f, n) -> f.string(n, "extraLabel"),
          "");

  @Test
  void aRegisteredInputIsTypedReadFromFixturesAndReadByRules() throws Exception {
    PolicyInputs.register(LABEL);
    PolicyInputs.register(LABEL); // the same declaration again changes nothing
    assertThat(InputSchema.VARIABLES).containsKey("extraLabel");
    assertThat(FixtureReader.top()).contains("extraLabel");

    PolicyBundle bundle =
        PolicyBundleTest.bundle(
            """
            name: labels
            rules:
              - name: labelled
                expression: extraLabel == 'gold'
            """);
    GateInput unlabelled = PolicyBundleTest.input("prod", List.of());
    assertThat(unlabelled.get(LABEL)).isEmpty();
    assertThat(bundle.evaluate(unlabelled, List.of()).allowed()).isFalse();

    List<Diagnostic> problems = new ArrayList<>();
    Node doc =
        Yaml.documents(
                "t.yaml",
                """
                service: {name: a, team: t, area: data, criticality: low}
                release: {version: "1", digest: "sha256:00"}
                environment: prod
                now: "2026-11-27T00:00:00Z"
                extraLabel: gold
                """,
                problems)
            .get(0);
    Map<String, Node> fixture = Yaml.mapping("t.yaml", doc, "fixture", problems);
    GateInput labelled = new FixtureReader("t.yaml", problems).read(fixture, Map.of(), doc);
    assertThat(problems).isEmpty();
    assertThat(labelled.get(LABEL)).isEqualTo("gold");
    assertThat(labelled.now()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(bundle.evaluate(labelled, List.of()).allowed()).isTrue();
    assertThat(GateInput.builder().set(LABEL, "gold")).isNotNull();
  }

  @Test
  void aSecondDeclarationOfANameIsRefused() {
    PolicyInput<String> again =
        PolicyInput.fact("service", InputType.STRING, "another service", v -> v, (f, n) -> "", "");
    assertThatThrownBy(() -> PolicyInputs.register(again)).hasMessageContaining("declared twice");
  }
}
