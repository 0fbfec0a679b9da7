package dev.bulwark.server.testing;

import dev.bulwark.server.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The two databases every repository and API test runs against. PostgreSQL comes from {@code
 * BULWARK_TEST_PG_URL} (default the local server's {@code test} database); each test database is a
 * fresh schema, dropped afterwards. When PostgreSQL is unreachable its tests are skipped with a
 * notice, unless {@code BULWARK_TEST_POSTGRES=required}, which turns that into a failure.
 */
public final class TestDatabases {
  public enum Kind {
    SQLITE,
    POSTGRESQL
  }

  public static final String PG_URL =
      System.getenv().getOrDefault("BULWARK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String PG_USER =
      System.getenv().getOrDefault("BULWARK_TEST_PG_USER", "postgres");
  private static Boolean pgReachable;

  private TestDatabases() {}

  /** A database of {@code kind}: a SQLite file under {@code dir}, or a fresh PostgreSQL schema. */
  public static TestDb open(Kind kind, Path dir) {
    return switch (kind) {
      case SQLITE -> new TestDb(Database.openSqlite(dir), null);
      case POSTGRESQL -> {
        requirePostgres();
        String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        yield new TestDb(Database.openPostgres(PG_URL, PG_USER, null, schema), schema);
      }
    };
  }

  /**
   * A second, independent connection pool on the same PostgreSQL schema, as a second node would
   * open. SQLite has no second node: its data directory is locked by one server.
   */
  public static Database secondPostgresNode(TestDb first) {
    return Database.openPostgres(PG_URL, PG_USER, null, first.schema());
  }

  /** Skips (or, when required, fails) the calling test when PostgreSQL cannot be reached. */
  public static synchronized void requirePostgres() {
    if (pgReachable == null) {
      pgReachable = reachable();
    }
    if (!pgReachable) {
      String why = "PostgreSQL is not reachable at " + PG_URL + " as " + PG_USER;
      if ("required".equals(System.getenv("BULWARK_TEST_POSTGRES"))) {
        throw new IllegalStateException(why + ", and BULWARK_TEST_POSTGRES=required");
      }
      System.err.println("NOTICE: " + why + ": PostgreSQL tests are SKIPPED");
      Assumptions.abort(why + ": PostgreSQL tests skipped");
    }
  }

  private static boolean reachable() {
    Properties p = new Properties();
    p.setProperty("user", PG_USER);
    p.setProperty("connectTimeout", "3");
    try (Connection c = DriverManager.getConnection(PG_URL, p)) {
      return c.isValid(3);
    } catch (SQLException e) {
      return false;
    }
  }

  /** An open test database; closing it drops a PostgreSQL schema. */
  public record TestDb(Database db, String schema) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
      if (schema != null) {
        Properties p = new Properties();
        p.setProperty("user", PG_USER);
        try (Connection c = DriverManager.getConnection(PG_URL, p);
            Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + schema.toLowerCase(Locale.ROOT) + " CASCADE");
        } catch (SQLException e) {
          throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
      }
    }
  }
}
