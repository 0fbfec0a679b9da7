package dev.bulwark.server.testing;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A database as an older version of Bulwark left it, for migration tests: the schema up to a given
 * migration, rows written as that version wrote them, then opened by today's code (which runs the
 * later migrations).
 */
public final class OlderSchema {
  /** Writes the rows an older version would have written. */
  public interface Rows {
    void insert(Connection c) throws Exception;
  }

  /** Checks the database after today's code opened (and migrated) it. */
  public interface Check {
    void check(Database db) throws Exception;
  }

  private OlderSchema() {}

  /** Applies the migrations up to and including {@code version}, nothing later. */
  public static void migrate(FluentConfiguration fw, Dialect dialect, String version) {
    fw.locations("classpath:db/migration")
        .placeholders(dialect.placeholders())
        .target(version)
        .load()
        .migrate();
  }

  /**
   * A fresh PostgreSQL schema at {@code version} with {@code rows}, opened by today's code and
   * checked, then dropped. Skips (or fails, when required) without PostgreSQL.
   */
  public static void postgres(String version, Rows rows, Check check) throws Exception {
    TestDatabases.requirePostgres();
    String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String url = TestDatabases.PG_URL;
    String user = TestDatabases.PG_USER;
    try {
      migrate(
          Flyway.configure().dataSource(url, user, null).schemas(schema).createSchemas(true),
          Dialect.POSTGRESQL,
          version);
      try (Connection c = DriverManager.getConnection(url, user, null)) {
        c.setSchema(schema);
        rows.insert(c);
      }
      try (Database db = Database.openPostgres(url, user, null, schema)) {
        check.check(db);
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url, user, null);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema.toLowerCase(Locale.ROOT) + " CASCADE");
      }
    }
  }
}
