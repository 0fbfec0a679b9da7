package db.migration;

import static java.util.stream.Collectors.joining;

import dev.bulwark.server.catalog.ServiceName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Services get a stable id, and every row that refers to a service keeps that id instead of its
 * name: releases (and through them findings, components, attestations, reports), gate decisions,
 * waivers, deployments, promotions and service-scoped decisions. A deleted service is archived, not
 * removed: its row stays in {@code service_records} with {@code archived_at}, and what referred to
 * it stays with it; {@code services} becomes the view of the live ones, so a new service of the
 * same name starts with none of it. {@code name_key} is the lookalike key ({@link
 * ServiceName#key}); live services do not share one.
 *
 * <p>A Java migration because the keys of the existing names come from ICU, and because SQLite
 * rebuilds a table only with foreign keys off, which it refuses to change inside a transaction: the
 * migration runs its own transaction and checks every foreign key before it commits.
 */
public class V14__Service_ids extends BaseJavaMigration {
  @Override
  public boolean canExecuteInTransaction() {
    return false;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    boolean sqlite = c.getMetaData().getDatabaseProductName().toLowerCase().contains("sqlite");
    boolean autoCommit = c.getAutoCommit();
    if (sqlite) {
      exec(c, "PRAGMA foreign_keys = OFF");
    }
    c.setAutoCommit(false);
    try {
      if (sqlite) {
        sqlite(c);
      } else {
        postgres(c);
      }
      common(c);
      if (sqlite) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
          if (rs.next()) {
            throw new SQLException(
                "V14 left a dangling reference in " + rs.getString(1) + " row " + rs.getLong(2));
          }
        }
      }
      c.commit();
    } catch (Exception e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
      if (sqlite) {
        exec(c, "PRAGMA foreign_keys = ON");
      }
    }
  }

  /** The tables that named a service. */
  private static final List<String> REFERRING =
      List.of("releases", "gate_decisions", "waivers", "deployments", "promotions");

  private static final Pattern SERVICE_COLUMN =
      Pattern.compile(
          "\\bservice\\s+TEXT\\s+NOT\\s+NULL\\s+REFERENCES\\s+services\\s*\\(\\s*name\\s*\\)\\s+ON\\s+DELETE\\s+CASCADE",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SERVICE_IN_KEY =
      Pattern.compile("\\((\\s*)service(\\s*),", Pattern.CASE_INSENSITIVE);

  /**
   * SQLite: every table that named a service is rebuilt around service_id. Each is rebuilt from its
   * own current definition (as sqlite_master keeps it, columns added by later ALTERs included),
   * with only the service column and the keys over it changed, so no column another migration added
   * is lost.
   */
  private static void sqlite(Connection c) throws SQLException {
    exec(
        c,
        """
        CREATE TABLE service_records (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          name        TEXT NOT NULL,
          name_key    TEXT,
          team        TEXT NOT NULL,
          area        TEXT NOT NULL CHECK (area IN ('website', 'backend', 'data')),
          criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
          value       DOUBLE PRECISION,
          created_at  BIGINT NOT NULL,
          updated_at  BIGINT NOT NULL,
          archived_at BIGINT,
          archived_by TEXT
        )
        """,
        """
        INSERT INTO service_records (name, team, area, criticality, value, created_at, updated_at)
        SELECT name, team, area, criticality, value, created_at, updated_at FROM services
        ORDER BY created_at, name
        """);
    for (String t : REFERRING) {
      String sql = query(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", t);
      Matcher head =
          Pattern.compile("^CREATE\\s+TABLE\\s+\"?" + t + "\"?\\s*\\(", Pattern.CASE_INSENSITIVE)
              .matcher(sql);
      Matcher column = SERVICE_COLUMN.matcher(sql);
      if (!head.find() || !column.find()) {
        throw new SQLException("V14 does not recognize the definition of " + t + ": " + sql);
      }
      String rebuilt =
          SERVICE_IN_KEY
              .matcher(
                  column.replaceFirst("service_id BIGINT NOT NULL REFERENCES service_records (id)"))
              .replaceAll("($1service_id$2,");
      rebuilt = "CREATE TABLE " + t + "_v14 (" + rebuilt.substring(head.end());
      List<String> columns = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA table_info(" + t + ")")) {
        while (rs.next()) {
          columns.add(rs.getString("name"));
        }
      }
      String into =
          columns.stream().map(n -> n.equals("service") ? "service_id" : n).collect(joining(", "));
      String from =
          columns.stream().map(n -> n.equals("service") ? "s.id" : "o." + n).collect(joining(", "));
      exec(
          c,
          rebuilt,
          "INSERT INTO "
              + t
              + "_v14 ("
              + into
              + ") SELECT "
              + from
              + " FROM "
              + t
              + " o JOIN service_records s ON s.name = o.service");
      String before = query(c, "SELECT COUNT(*) FROM " + t);
      String after = query(c, "SELECT COUNT(*) FROM " + t + "_v14");
      if (!before.equals(after)) {
        throw new SQLException(
            "V14 would lose rows of " + t + " (" + before + " rows, " + after + " mapped)");
      }
      // AUTOINCREMENT keeps a table's high-water mark in sqlite_sequence under its name: the
      // rebuilt table takes over the old one's, so an id of a row deleted before is not reused.
      Long old = sequence(c, t);
      if (old != null) {
        Long copied = sequence(c, t + "_v14");
        exec(c, "DELETE FROM sqlite_sequence WHERE name = '" + t + "_v14'");
        exec(
            c,
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('"
                + t
                + "_v14', "
                + Math.max(old, copied == null ? 0 : copied)
                + ")");
      }
      exec(c, "DROP TABLE " + t, "ALTER TABLE " + t + "_v14 RENAME TO " + t);
    }
    exec(c, "DROP TABLE services");
  }

  private static Long sequence(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT MAX(seq) FROM sqlite_sequence WHERE name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  private static String query(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("V14: no answer to " + sql);
        }
        return rs.getString(1);
      }
    }
  }

  /** PostgreSQL: columns change in place; identity and foreign keys move from name to id. */
  private static void postgres(Connection c) throws SQLException {
    exec(
        c,
        "ALTER TABLE services RENAME TO service_records",
        "ALTER TABLE service_records ADD COLUMN id BIGINT GENERATED BY DEFAULT AS IDENTITY",
        "ALTER TABLE service_records ADD COLUMN name_key TEXT",
        "ALTER TABLE service_records ADD COLUMN archived_at BIGINT",
        "ALTER TABLE service_records ADD COLUMN archived_by TEXT",
        "ALTER TABLE service_records ADD CONSTRAINT service_records_id UNIQUE (id)");
    for (String t : REFERRING) {
      exec(
          c,
          "ALTER TABLE " + t + " ADD COLUMN service_id BIGINT",
          "UPDATE "
              + t
              + " SET service_id = (SELECT s.id FROM service_records s WHERE s.name = "
              + t
              + ".service)",
          // Dropping the name drops its foreign key, the unique (service, version) of releases and
          // the primary key of promotions with it; they come back on the id below.
          "ALTER TABLE " + t + " DROP COLUMN service",
          "ALTER TABLE " + t + " ALTER COLUMN service_id SET NOT NULL");
    }
    exec(
        c,
        "ALTER TABLE service_records DROP CONSTRAINT services_pkey",
        "ALTER TABLE service_records ADD PRIMARY KEY (id)",
        "ALTER TABLE service_records DROP CONSTRAINT service_records_id",
        "ALTER TABLE releases ADD CONSTRAINT releases_service_version UNIQUE (service_id, version)",
        "ALTER TABLE promotions ADD PRIMARY KEY (service_id, digest, environment, event)");
    for (String t : REFERRING) {
      exec(
          c,
          "ALTER TABLE "
              + t
              + " ADD CONSTRAINT "
              + t
              + "_service_id FOREIGN KEY (service_id) REFERENCES service_records (id)");
    }
  }

  /** Both: indexes, the live view, decisions by id, and the lookalike keys of existing names. */
  private static void common(Connection c) throws SQLException {
    exec(
        c,
        "DROP INDEX IF EXISTS services_team",
        "CREATE INDEX service_records_team ON service_records (team)",
        "CREATE UNIQUE INDEX service_records_live_name ON service_records (name) WHERE archived_at IS NULL",
        "CREATE UNIQUE INDEX service_records_live_key ON service_records (name_key) WHERE archived_at IS NULL",
        "CREATE INDEX gate_decisions_digest ON gate_decisions (service_id, digest, environment, id)",
        "CREATE INDEX waivers_service ON waivers (service_id, expires_at)",
        "CREATE INDEX deployments_env ON deployments (environment, service_id, id)",
        """
        CREATE VIEW services AS
        SELECT id, name, name_key, team, area, criticality, value, created_at, updated_at
        FROM service_records WHERE archived_at IS NULL
        """,
        "ALTER TABLE decisions ADD COLUMN service_id BIGINT REFERENCES service_records (id)",
        "ALTER TABLE decisions ADD COLUMN archived_at BIGINT",
        // A service-scoped decision belongs to the service of that name that existed when it was
        // made; one older than the service now holding the name was a predecessor's: archived.
        """
        UPDATE decisions SET service_id = (
          SELECT s.id FROM service_records s WHERE s.name = decisions.scope_value AND s.created_at <= decisions.at)
        WHERE scope = 'service'
        """,
        "UPDATE decisions SET archived_at = at WHERE scope = 'service' AND service_id IS NULL",
        "CREATE INDEX decisions_service ON decisions (service_id)");
    // Existing names keep working as they are; the first of a set of lookalikes keeps the key and
    // the others none (so they block nobody twice), and a new name that looks like any of them is
    // refused.
    Map<Long, String> names = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name FROM service_records ORDER BY id")) {
      while (rs.next()) {
        names.put(rs.getLong("id"), rs.getString("name"));
      }
    }
    Set<String> taken = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE service_records SET name_key = ? WHERE id = ?")) {
      for (Map.Entry<Long, String> e : names.entrySet()) {
        String key = ServiceName.key(e.getValue());
        if (taken.add(key)) {
          ps.setString(1, key);
          ps.setLong(2, e.getKey());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }
}
