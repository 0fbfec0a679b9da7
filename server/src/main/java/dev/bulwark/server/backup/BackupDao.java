package dev.bulwark.server.backup;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;

/** The SQL of backups: SQLite's own statements to copy a database and to check a copy. */
final class BackupDao {
  private BackupDao() {}

  /** A consistent copy of the database of {@code h}, written by SQLite to {@code target}. */
  static void vacuumInto(Handle h, Path target) throws SQLException {
    try (PreparedStatement ps = h.getConnection().prepareStatement("VACUUM INTO ?")) {
      ps.setString(1, target.toAbsolutePath().toString());
      ps.execute();
    }
  }

  /**
   * What a candidate file holds: SQLite's integrity check answer, and how many of the tables every
   * Bulwark database has are there (of {@link #BULWARK_TABLES}).
   */
  record Contents(String integrity, int bulwarkTables) {}

  /** Tables every Bulwark database has had since the ledger (V2). */
  static final int BULWARK_TABLES = 3;

  /** Reads {@code file} read-only. */
  static Contents contents(Path file) throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
        Statement st = c.createStatement()) {
      String integrity;
      try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
        integrity = rs.next() ? rs.getString(1) : "no answer";
      }
      if (!"ok".equals(integrity)) {
        return new Contents(integrity, 0);
      }
      try (ResultSet rs =
          st.executeQuery(
              """
              SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'view')
                AND name IN ('flyway_schema_history', 'services', 'ledger_entries')
              """)) {
        return new Contents(integrity, rs.next() ? rs.getInt(1) : 0);
      }
    }
  }

  /** A backup's ledger: how many entries, and its latest signed checkpoint (null before one). */
  record Ledger(long entries, String latestCheckpoint) {}

  /** Reads the ledger of the database {@code file}, read-only. */
  static Ledger ledger(Path file) throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
        Statement st = c.createStatement()) {
      long entries;
      try (ResultSet rs = st.executeQuery("SELECT value FROM ledger_state WHERE name = 'size'")) {
        entries = rs.next() ? rs.getLong(1) : 0;
      }
      try (ResultSet rs =
          st.executeQuery("SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")) {
        return new Ledger(entries, rs.next() ? rs.getString(1) : null);
      }
    }
  }
}
