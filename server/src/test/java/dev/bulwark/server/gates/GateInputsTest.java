package dev.bulwark.server.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.policy.CoreInputs;
import dev.bulwark.policy.InputType;
import dev.bulwark.policy.PolicyInput;
import dev.bulwark.server.attestations.Attestations;
import dev.bulwark.server.feature.PolicyInputSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every declared fact of a gate input has exactly one source among the features. */
class GateInputsTest {
  static List<PolicyInputSource<?>> served() {
    List<PolicyInputSource<?>> all = new ArrayList<>(GateInputs.core(null));
    all.add(Attestations.policyInput());
    return all;
  }

  @Test
  void everyDeclaredFactHasExactlyOneSource() {
    List<String> facts =
        CoreInputs.ALL.stream()
            .filter(in -> in.kind() == PolicyInput.Kind.FACT)
            .map(PolicyInput::name)
            .toList();
    assertThat(served().stream().map(s -> s.input().name()))
        .containsExactlyInAnyOrderElementsOf(facts);
    GateInputs.of(served(), in -> {});
  }

  @Test
  void aFactWithoutASourceOrWithTwoIsRefused() {
    List<PolicyInputSource<?>> missing = new ArrayList<>(served());
    missing.removeIf(s -> s.input() == CoreInputs.ATTESTATIONS);
    assertThatThrownBy(() -> GateInputs.of(missing, in -> {}))
        .hasMessageContaining("'attestations' has no source");
    List<PolicyInputSource<?>> twice = new ArrayList<>(served());
    twice.add(Attestations.policyInput());
    assertThatThrownBy(() -> GateInputs.of(twice, in -> {}))
        .hasMessageContaining("'attestations' has two sources");
  }

  @Test
  void aSourceOfAnInputNobodyDeclaredIsRefused() {
    PolicyInput<String> undeclared =
        PolicyInput.fact(
            "undeclared", InputType.STRING, "never registered", v -> v, (f, n) -> "", "");
    List<PolicyInputSource<?>> sources = new ArrayList<>(served());
    sources.add(new PolicyInputSource<>(undeclared, f -> "x"));
    assertThatThrownBy(() -> GateInputs.of(sources, in -> {}))
        .hasMessageContaining("'undeclared' has a source but no declaration");
  }

  @Test
  void onlyFactsHaveSources() {
    assertThatThrownBy(() -> new PolicyInputSource<>(CoreInputs.NOW, f -> null))
        .hasMessageContaining("now is not a fact");
  }
}
