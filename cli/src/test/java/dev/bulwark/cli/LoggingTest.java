package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {
  @AfterEach
  void quiet() {
    Logging.quiet();
  }

  @Test
  void levelsParseARootLevelAndLoggerPairs() {
    assertThat(Logging.Levels.parse(null)).isEqualTo(new Logging.Levels(Level.WARN, Map.of()));
    assertThat(Logging.Levels.parse("INFO,org.eclipse.jetty=debug , com.zaxxer=off"))
        .isEqualTo(
            new Logging.Levels(
                Level.INFO, Map.of("org.eclipse.jetty", Level.DEBUG, "com.zaxxer", Level.OFF)));
    assertThat(Logging.Levels.parse("dev.bulwark=debug").root()).isEqualTo(Level.WARN);
    assertThatThrownBy(() -> Logging.Levels.parse("verbose"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("off|error|warn|info|debug|trace");
    assertThatThrownBy(() -> Logging.Levels.parse("=info")).isInstanceOf(CliException.class);
  }

  @Test
  void clientCommandsLogNothing() {
    // Nothing configured the backend but its service file: every logger is off.
    assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isErrorEnabled())
        .isFalse();
  }

  @Test
  void masksTokensAuthorizationPasswordsAndKnownSecrets() {
    Logging.secret("hunter2-the-db-password");
    String masked =
        Logging.mask(
            "Authorization: Bearer bwk_abcDEF123-_x token bwk_zzz"
                + " jdbc:postgresql://u:pw@db/x?password=p1&ssl=true"
                + " {\"password\":\"p2\"} the password hunter2-the-db-password");
    assertThat(masked)
        .doesNotContain("bwk_abc")
        .doesNotContain("bwk_zzz")
        .doesNotContain(":pw@")
        .doesNotContain("p1")
        .doesNotContain("p2")
        .doesNotContain("hunter2")
        .contains("ssl=true")
        .contains("Authorization: Bearer ****");
    assertThat(Logging.mask("Authorization: Basic dXNlcjpwYXNz"))
        .isEqualTo("Authorization: Basic ****");
  }

  @Test
  void jsonLinesAreJsonAndMasked() throws Exception {
    ByteArrayOutputStream to = new ByteArrayOutputStream();
    Logging.configure(Logging.Levels.parse("info"), true, to);
    Logger log = LoggerFactory.getLogger("dev.bulwark.test");
    log.info("issued {} to {}", "bwk_secretvalue", "ci");
    log.debug("not at info");
    String[] lines = to.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = Json.MAPPER.readTree(lines[0]);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("dev.bulwark.test");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("issued bwk_**** to ci");
    assertThat(line.path("timestamp").isNumber()).isTrue();
  }

  @Test
  void plainLinesAtTheDefaultLevelLeaveLibraryInfoOut() {
    ByteArrayOutputStream to = new ByteArrayOutputStream();
    Logging.configure(Logging.Levels.parse(null), false, to);
    LoggerFactory.getLogger("org.flywaydb.core.FlywayExecutor").info("Database: jdbc:sqlite");
    LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource").warn("pool is slow");
    assertThat(to.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .satisfies(
            l -> assertThat(l).contains("WARN").contains("com.zaxxer").endsWith("pool is slow"));
  }
}
