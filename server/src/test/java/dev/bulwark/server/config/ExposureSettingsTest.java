package dev.bulwark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExposureSettingsTest {
  @Test
  void defaultsAreStrict() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of(), null);
    assertThat(c.exposure().webhookAllowedNetworks()).isEmpty();
    assertThat(c.exposure().trustedProxies()).isEmpty();
    assertThat(c.exposure().tokenMaxLifetime()).isEqualTo(Duration.ofDays(365));
    assertThat(c.gates().decisionValidity()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void settingsAreReadAndChecked() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "BULWARK_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, fd00:1::/32",
                "BULWARK_HTTP_TRUSTED_PROXIES", "127.0.0.1",
                "BULWARK_TOKEN_MAX_DAYS", "30",
                "BULWARK_GATE_DECISION_VALID_MINUTES", "90"),
            null);
    assertThat(c.exposure().webhookAllowedNetworks())
        .containsExactly(Cidr.parse("10.20.0.0/16"), Cidr.parse("fd00:1::/32"));
    assertThat(c.exposure().trustedProxies()).containsExactly(Cidr.parse("127.0.0.1/32"));
    assertThat(c.exposure().tokenMaxLifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(c.gates().decisionValidity()).isEqualTo(Duration.ofMinutes(90));
    for (Map.Entry<String, String> bad :
        List.of(
            Map.entry("BULWARK_WEBHOOK_ALLOWED_NETWORKS", "internal.example.com"),
            Map.entry("BULWARK_HTTP_TRUSTED_PROXIES", "10.0.0.0/40"),
            Map.entry("BULWARK_TOKEN_MAX_DAYS", "0"),
            Map.entry("BULWARK_GATE_DECISION_VALID_MINUTES", "0"))) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.ofEntries(bad), null))
          .as(bad.getKey())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(bad.getKey());
    }
  }
}
