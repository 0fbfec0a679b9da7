package dev.bulwark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = dir.resolve("bulwark.yaml");
    Files.writeString(file, "port: 7000\nhost: 0.0.0.0\nhttp:\n  maxBodyBytes: 2048\n");
    ServerConfig c =
        ConfigLoader.load(
            Map.of("port", "9000"),
            Map.of("BULWARK_PORT", "8000", "BULWARK_HOST", "127.0.0.2"),
            file);
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.host()).isEqualTo("127.0.0.2");
    assertThat(c.maxBodyBytes()).isEqualTo(2048);
    assertThat(ConfigLoader.load(Map.of(), Map.of("BULWARK_PORT", "8000"), file).port())
        .isEqualTo(8000);
    assertThat(ConfigLoader.load(Map.of(), Map.of(), file).port()).isEqualTo(7000);
    assertThat(ConfigLoader.load(Map.of(), Map.of(), null).port()).isEqualTo(8080);
  }

  @Test
  void secondPersonCriticalitiesDefaultToHighAndCriticalAndCanBeTurnedOff() {
    assertThat(ConfigLoader.load(Map.of(), Map.of(), null).secondPersonCriticalities())
        .containsExactly("high", "critical");
    String key = ConfigLoader.envName("findings.secondPersonCriticalities");
    assertThat(key).isEqualTo("BULWARK_FINDINGS_SECOND_PERSON_CRITICALITIES");
    assertThat(
            ConfigLoader.load(Map.of(), Map.of(key, "medium, high, critical"), null)
                .secondPersonCriticalities())
        .containsExactly("medium", "high", "critical");
    assertThat(ConfigLoader.load(Map.of(), Map.of(key, "none"), null).secondPersonCriticalities())
        .isEmpty();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(key, "severe"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("findings.secondPersonCriticalities");
  }

  @Test
  void consoleSettingsHaveDefaultsAndAreValidated() {
    ServerConfig d = ConfigLoader.load(Map.of(), Map.of(), null);
    assertThat(d.console().idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(d.console().absoluteTimeout()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(d.console().secureCookies()).isFalse();
    assertThat(d.console().oidcClientId()).isEmpty();
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "BULWARK_CONSOLE_IDLE_MINUTES", "15",
                "BULWARK_CONSOLE_ABSOLUTE_HOURS", "8",
                "BULWARK_CONSOLE_SECURE_COOKIES", "true",
                "BULWARK_CONSOLE_PUBLIC_URL", "https://bulwark.example.org/",
                "BULWARK_OIDC_ISSUER", "https://idp.example",
                "BULWARK_OIDC_AUDIENCE", "bulwark",
                "BULWARK_OIDC_CLIENT_ID", "console",
                "BULWARK_OIDC_CLIENT_SECRET", "s3cret"),
            null);
    assertThat(c.console().idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThat(c.console().absoluteTimeout()).isEqualTo(java.time.Duration.ofHours(8));
    assertThat(c.console().secureCookies()).isTrue();
    assertThat(c.console().publicUrl().orElseThrow().toString())
        .isEqualTo("https://bulwark.example.org");
    assertThat(c.console().oidcClientId()).contains("console");
    assertThat(c.toString()).doesNotContain("s3cret");
    for (Map<String, String> bad :
        java.util.List.of(
            Map.of("BULWARK_CONSOLE_IDLE_MINUTES", "0"),
            Map.of("BULWARK_CONSOLE_ABSOLUTE_HOURS", "721"),
            Map.of("BULWARK_CONSOLE_PUBLIC_URL", "ftp://x"),
            Map.of("BULWARK_OIDC_CLIENT_ID", "console"))) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of(), bad, null))
          .as(bad.toString())
          .isInstanceOf(ConfigException.class);
    }
  }

  @Test
  void theOidcSubjectClaimDefaultsToSub() {
    Map<String, String> env =
        Map.of("BULWARK_OIDC_ISSUER", "https://idp.example", "BULWARK_OIDC_AUDIENCE", "bulwark");
    assertThat(ConfigLoader.load(Map.of(), env, null).oidc().orElseThrow().subjectClaim())
        .isEqualTo("sub");
    Map<String, String> email = new java.util.HashMap<>(env);
    email.put("BULWARK_OIDC_SUBJECT_CLAIM", "email");
    assertThat(ConfigLoader.load(Map.of(), email, null).oidc().orElseThrow().subjectClaim())
        .isEqualTo("email");
  }

  @Test
  void osvSourcesMixPathsAndUrls() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "BULWARK_OSV_SOURCES",
                "/srv/osv/Go.zip, https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
                "BULWARK_OSV_SYNC_MINUTES",
                "15"),
            null);
    assertThat(c.osvSources()).containsExactly(Path.of("/srv/osv/Go.zip"));
    assertThat(c.osvUrls())
        .containsExactly(
            java.net.URI.create("https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip"));
    assertThat(c.osvSyncInterval()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_OSV_SOURCES", "https://"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("osv.sources");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_OSV_SYNC_MINUTES", "-1"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("osv.syncMinutes");
  }

  @Test
  void unknownKeysStopTheServerAndNameTheKey() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "prot: 7000\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("prot");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BULWARK_PROT", "1"), null))
        .hasMessageContaining("BULWARK_PROT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("nope", "1"), Map.of(), null))
        .hasMessageContaining("nope");
    // The client's variables and unrelated ones are not server settings.
    assertThat(
            ConfigLoader.load(
                Map.of(),
                Map.of("BULWARK_URL", "http://x", "BULWARK_TOKEN", "t", "HOME", "/root"),
                null))
        .isNotNull();
  }

  @Test
  void badValuesAreRefusedNotCorrected() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BULWARK_PORT", "80x"), null))
        .hasMessageContaining("port")
        .hasMessageContaining("BULWARK_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("port", "70000"), Map.of(), null))
        .hasMessageContaining("between");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("demo", "yes"), Map.of(), null))
        .hasMessageContaining("true or false");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_DB_URL", "jdbc:mysql://x"), null))
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_OIDC_ISSUER", "https://idp"), null))
        .hasMessageContaining("oidc.audience");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_OIDC_AUDIENCE", "x"), null))
        .hasMessageContaining("oidc.issuer");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_HTTP_MAX_BODY_BYTES", "10"), null))
        .hasMessageContaining("http.maxBodyBytes");
  }

  @Test
  void malformedYamlNamesItsPosition() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "port: 1\n  host: [x\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), file))
        .hasMessageContaining("line");
  }

  @Test
  void secretsAreMaskedEverywhereTheConfigIsPrinted() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "BULWARK_DB_URL", "jdbc:postgresql://db/x?password=hunter2",
                "BULWARK_DB_PASSWORD", "hunter2",
                "BULWARK_BOOTSTRAP_TOKEN", "bwk_supersecretvalue"),
            null);
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("supersecretvalue");
    assertThat(String.join(" ", c.describe())).doesNotContain("hunter2");
    assertThat(c.dbPassword().orElseThrow().value()).isEqualTo("hunter2");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BULWARK_DB_PASSWORD", ""), null))
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void ledgerSettingsAreReadAndChecked() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "BULWARK_LEDGER_ORIGIN",
                "audit.example/prod",
                "BULWARK_LEDGER_CHECKPOINT_EVERY",
                "50",
                "BULWARK_LEDGER_CHECKPOINT_SECONDS",
                "3"),
            null);
    assertThat(c.ledger().origin()).isEqualTo("audit.example/prod");
    assertThat(c.ledger().checkpointEvery()).isEqualTo(50);
    assertThat(c.ledger().checkpointInterval()).hasSeconds(3);
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_LEDGER_ORIGIN", "has space"), null))
        .hasMessageContaining("ledger.origin");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("BULWARK_LEDGER_CHECKPOINT_EVERY", "0"), null))
        .hasMessageContaining("ledger.checkpointEvery");
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(ConfigLoader.envName("http.maxBodyBytes")).isEqualTo("BULWARK_HTTP_MAX_BODY_BYTES");
    assertThat(ConfigLoader.envName("db.url")).isEqualTo("BULWARK_DB_URL");
    assertThat(ConfigLoader.envName("bootstrap.token")).isEqualTo("BULWARK_BOOTSTRAP_TOKEN");
  }
}
