package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.PrivateFiles;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL backup path of docs/backup.md, for real: pg_dump -Fc plus the ledger key file,
 * pg_restore into an empty database, a server on the restored database with the key, and {@code
 * bulwark ledger verify} accepts its ledger. Skipped with a notice without PostgreSQL or its tools,
 * unless BULWARK_TEST_POSTGRES=required.
 */
class PostgresBackupTest {
  @TempDir Path tmp;

  @Test
  void pgDumpPlusTheKeyFileRestoresAVerifiableLedger() throws Exception {
    TestDatabases.requirePostgres();
    requireTool("pg_dump");
    requireTool("pg_restore");
    URI pg = URI.create(TestDatabases.PG_URL.substring("jdbc:".length()));
    String host = pg.getHost();
    String port = String.valueOf(pg.getPort() < 0 ? 5432 : pg.getPort());
    String sourceDb = pg.getPath().substring(1);
    String scratch = "bw_restore_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path dump = tmp.resolve("bulwark.dump");
    Path keyBackup = tmp.resolve("ledger-signing.key");
    String key;
    String schema;
    try (TestServer ts = new TestServer(TestDatabases.Kind.POSTGRESQL, tmp.resolve("live"))) {
      BackupCliTest.change(ts, "payments");
      BackupCliTest.change(ts, "website");
      key = BackupCliTest.client(ts, "ledger", "public-key").out().strip();
      schema = ts.testDb.schema().toLowerCase(java.util.Locale.ROOT);
      // While the server runs: pg_dump takes a consistent snapshot.
      exec(
          "pg_dump",
          "-h",
          host,
          "-p",
          port,
          "-U",
          TestDatabases.PG_USER,
          "-d",
          sourceDb,
          "-Fc",
          "-n",
          schema,
          "-f",
          dump.toString());
      Files.copy(ts.dataDir.resolve("ledger-signing.key"), keyBackup);
    }
    assertThat(Files.size(dump)).isPositive();
    sql("CREATE DATABASE " + scratch);
    try {
      exec(
          "pg_restore",
          "-h",
          host,
          "-p",
          port,
          "-U",
          TestDatabases.PG_USER,
          "-d",
          scratch,
          "--no-owner",
          "--exit-on-error",
          dump.toString());
      Path data = tmp.resolve("restored");
      PrivateFiles.directory(data);
      Files.copy(keyBackup, data.resolve("ledger-signing.key"));
      PrivateFiles.restrict(data.resolve("ledger-signing.key"));
      String url = TestDatabases.PG_URL.replaceFirst("/[^/?]+(\\?|$)", "/" + scratch + "$1");
      Database db = Database.openPostgres(url, TestDatabases.PG_USER, null, schema);
      try (BulwarkServer server =
          BulwarkServer.start(
              ServerConfig.embeddedDefaults(data).withBootstrapToken(TestServer.ADMIN),
              db,
              Clock.systemUTC(),
              new PrintStream(OutputStream.nullOutputStream()))) {
        String base = "--server=http://127.0.0.1:" + server.port();
        BackupCliTest.Result verified =
            BackupCliTest.run(
                "ledger", "verify", "--key", key, base, "--token=" + TestServer.ADMIN);
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("ledger verified");
      }
    } finally {
      sql("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
    }
  }

  private static void requireTool(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    String why = tool + " is not on PATH";
    if ("required".equals(System.getenv("BULWARK_TEST_POSTGRES"))) {
      throw new IllegalStateException(why + ", and BULWARK_TEST_POSTGRES=required");
    }
    System.err.println("NOTICE: " + why + ": the PostgreSQL backup test is SKIPPED");
    Assumptions.abort(why);
  }

  private static void sql(String statement) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", TestDatabases.PG_USER);
    try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL, p);
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static void exec(String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + output);
    }
  }
}
