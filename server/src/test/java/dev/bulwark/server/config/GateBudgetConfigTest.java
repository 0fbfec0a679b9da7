package dev.bulwark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.policy.Budget;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's evaluation budget from configuration: defaults, every key, and bad values. */
class GateBudgetConfigTest {
  @Test
  void defaultsAreTheEnginesAndEveryLimitIsASetting() {
    assertThat(ConfigLoader.load(Map.of(), Map.of(), null).gates().budget())
        .isEqualTo(Budget.DEFAULT);
    assertThat(Budget.DEFAULT.gateTime()).isEqualTo(Duration.ofSeconds(1));
    Budget b =
        ConfigLoader.load(
                Map.of("gate.ceilingMillis", "250"),
                Map.of(
                    "BULWARK_POLICY_RULE_MAX_MILLIS", "100",
                    "BULWARK_POLICY_RULE_MAX_SIZE", "100000",
                    "BULWARK_POLICY_GATE_MAX_ITERATIONS", "5000",
                    "BULWARK_POLICY_GATE_MAX_SIZE", "200000"),
                null)
            .gates()
            .budget();
    assertThat(b)
        .isEqualTo(
            new Budget(100_000, Duration.ofMillis(100), 5000, 200_000, Duration.ofMillis(250)));
  }

  @Test
  void aCeilingOfZeroIsRefusedWithItsKey() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("gate.ceilingMillis", "0"), Map.of(), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gate.ceilingMillis");
  }
}
