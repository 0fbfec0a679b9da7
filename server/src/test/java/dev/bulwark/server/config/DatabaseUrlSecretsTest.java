package dev.bulwark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.testing.MutableClock;
import dev.bulwark.server.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password anywhere in {@code BULWARK_DB_URL} (before the host, or as a property) never shows in
 * what a real start prints: log lines, the console, the error that stops it.
 */
class DatabaseUrlSecretsTest {
  @TempDir Path dir;

  /** Everything a start writes to stdout and stderr (the log), and the console it is given. */
  static String capture(Runnable start) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    PrintStream sink = new PrintStream(all, true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(sink);
    System.setErr(sink);
    try {
      start.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  @Test
  void maskUrlMasksEveryPasswordForm() {
    assertThat(ServerConfig.maskUrl("jdbc:postgresql://bob:secret@host/db"))
        .isEqualTo("jdbc:postgresql://bob:****@host/db");
    assertThat(ServerConfig.maskUrl("jdbc:postgresql://bob:p@ss@host:5432/db"))
        .isEqualTo("jdbc:postgresql://bob:****@host:5432/db");
    assertThat(
            ServerConfig.maskUrl(
                "jdbc:postgresql://host/db?user=bob&password=a&sslpassword=b;ssl_key_secret=c"))
        .isEqualTo(
            "jdbc:postgresql://host/db?user=bob&password=****&sslpassword=****;ssl_key_secret=****");
    assertThat(ServerConfig.maskUrl("jdbc:postgresql://host:5432/db?PASSWORD=x"))
        .isEqualTo("jdbc:postgresql://host:5432/db?PASSWORD=****");
    assertThat(ServerConfig.maskUrl("jdbc:postgresql://host:5432/db"))
        .isEqualTo("jdbc:postgresql://host:5432/db");
  }

  @Test
  void aUserAndPasswordBeforeTheHostBecomeDbUserAndDbPassword() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of("BULWARK_DB_URL", "jdbc:postgresql://bob:s%40cret@db.internal:5432/bulwark"),
            null);
    assertThat(c.dbUrl()).contains("jdbc:postgresql://db.internal:5432/bulwark");
    assertThat(c.dbUser()).contains("bob");
    assertThat(c.dbPassword().orElseThrow().value()).isEqualTo("s@cret");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(),
                    Map.of(
                        "BULWARK_DB_URL",
                        "jdbc:postgresql://bob:secret@db/x",
                        "BULWARK_DB_USER",
                        "alice"),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("give them once")
        .message()
        .doesNotContain("secret");
  }

  @Test
  void aFailedStartPrintsNoPassword() {
    // Port 1: nothing listens, so the start fails after the pool's connection timeout.
    ServerConfig config =
        ConfigLoader.load(
            Map.of("data", dir.toString(), "port", "0"),
            Map.of(
                "BULWARK_DB_URL",
                "jdbc:postgresql://bob:hunter2-userinfo@127.0.0.1:1/db?sslpassword=hunter2-ssl"),
            null);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    String[] error = new String[1];
    String printed =
        capture(
            () ->
                error[0] =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            ConfigException.class,
                            () ->
                                BulwarkServer.start(
                                        config,
                                        MutableClock.at("2026-11-27T10:00:00Z"),
                                        new PrintStream(console, true, StandardCharsets.UTF_8))
                                    .close())
                        .getMessage());
    assertThat(printed).contains("starting Bulwark").contains("127.0.0.1:1");
    assertThat(error[0]).contains("cannot connect to PostgreSQL");
    assertThat(printed + error[0] + console + config)
        .doesNotContain("hunter2-userinfo")
        .doesNotContain("hunter2-ssl");
  }

  @Test
  void aSuccessfulStartPrintsNoPassword() throws Exception {
    TestDatabases.requirePostgres();
    String base =
        System.getenv()
            .getOrDefault("BULWARK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = System.getenv().getOrDefault("BULWARK_TEST_PG_USER", "postgres");
    String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Properties p = new Properties();
    p.setProperty("user", user);
    try (Connection c = DriverManager.getConnection(base, p);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    try {
      // The test server trusts local connections, so any password is accepted.
      String url =
          base.replace("jdbc:postgresql://", "jdbc:postgresql://" + user + ":hunter2-userinfo@")
              + (base.contains("?") ? "&" : "?")
              + "currentSchema="
              + schema
              + "&password=hunter2-query";
      ServerConfig config =
          ConfigLoader.load(
              Map.of("data", dir.toString(), "port", "0"), Map.of("BULWARK_DB_URL", url), null);
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      String printed =
          capture(
              () -> {
                try (BulwarkServer s =
                    BulwarkServer.start(
                        config,
                        MutableClock.at("2026-11-27T10:00:00Z"),
                        new PrintStream(console, true, StandardCharsets.UTF_8))) {
                  assertThat(s.port()).isPositive();
                }
              });
      assertThat(printed).contains("starting Bulwark").contains("Bulwark listens");
      assertThat(printed + console + config)
          .doesNotContain("hunter2-userinfo")
          .doesNotContain("hunter2-query");
    } finally {
      try (Connection c = DriverManager.getConnection(base, p);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
