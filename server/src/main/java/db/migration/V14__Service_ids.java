package db.migration;

import dev.bulwark.server.catalog.ServiceName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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

  /** SQLite: every table that named a service is rebuilt around service_id. */
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
        """,
        """
        CREATE TABLE releases_v14 (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          service_id  BIGINT NOT NULL REFERENCES service_records (id),
          version     TEXT NOT NULL,
          digest      TEXT NOT NULL,
          created_at  BIGINT NOT NULL,
          sbom_sha256 TEXT,
          sbom_format TEXT,
          sbom        BLOB,
          facts_rev   BIGINT NOT NULL DEFAULT 0,
          UNIQUE (service_id, version)
        )
        """,
        """
        INSERT INTO releases_v14 (id, service_id, version, digest, created_at, sbom_sha256, sbom_format, sbom, facts_rev)
        SELECT r.id, s.id, r.version, r.digest, r.created_at, r.sbom_sha256, r.sbom_format, r.sbom, r.facts_rev
        FROM releases r JOIN service_records s ON s.name = r.service
        """,
        """
        CREATE TABLE gate_decisions_v14 (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          service_id    BIGINT NOT NULL REFERENCES service_records (id),
          version       TEXT NOT NULL,
          digest        TEXT NOT NULL,
          environment   TEXT NOT NULL,
          decision      TEXT NOT NULL,
          bundle_digest TEXT NOT NULL,
          input_digest  TEXT NOT NULL,
          waivers       TEXT NOT NULL,
          ledger_index  BIGINT NOT NULL,
          actor         TEXT NOT NULL,
          decided_at    BIGINT NOT NULL
        )
        """,
        """
        INSERT INTO gate_decisions_v14 (id, service_id, version, digest, environment, decision, bundle_digest, input_digest, waivers, ledger_index, actor, decided_at)
        SELECT g.id, s.id, g.version, g.digest, g.environment, g.decision, g.bundle_digest, g.input_digest, g.waivers, g.ledger_index, g.actor, g.decided_at
        FROM gate_decisions g JOIN service_records s ON s.name = g.service
        """,
        """
        CREATE TABLE waivers_v14 (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          service_id    BIGINT NOT NULL REFERENCES service_records (id),
          policy        TEXT NOT NULL,
          rule          TEXT NOT NULL,
          digest        TEXT,
          finding       TEXT,
          reason        TEXT NOT NULL,
          expires_at    BIGINT NOT NULL,
          requested_by  TEXT NOT NULL,
          requested_at  BIGINT NOT NULL,
          approved_by   TEXT,
          approved_at   BIGINT,
          revoked_by    TEXT,
          revoked_at    BIGINT,
          revoke_reason TEXT
        )
        """,
        """
        INSERT INTO waivers_v14 (id, service_id, policy, rule, digest, finding, reason, expires_at, requested_by, requested_at, approved_by, approved_at, revoked_by, revoked_at, revoke_reason)
        SELECT w.id, s.id, w.policy, w.rule, w.digest, w.finding, w.reason, w.expires_at, w.requested_by, w.requested_at, w.approved_by, w.approved_at, w.revoked_by, w.revoked_at, w.revoke_reason
        FROM waivers w JOIN service_records s ON s.name = w.service
        """,
        """
        CREATE TABLE deployments_v14 (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          service_id  BIGINT NOT NULL REFERENCES service_records (id),
          version     TEXT NOT NULL,
          digest      TEXT NOT NULL,
          environment TEXT NOT NULL,
          decision_id BIGINT NOT NULL REFERENCES gate_decisions (id),
          deployed_by TEXT NOT NULL,
          deployed_at BIGINT NOT NULL
        )
        """,
        """
        INSERT INTO deployments_v14 (id, service_id, version, digest, environment, decision_id, deployed_by, deployed_at)
        SELECT d.id, s.id, d.version, d.digest, d.environment, d.decision_id, d.deployed_by, d.deployed_at
        FROM deployments d JOIN service_records s ON s.name = d.service
        """,
        """
        CREATE TABLE promotions_v14 (
          service_id  BIGINT NOT NULL REFERENCES service_records (id),
          digest      TEXT NOT NULL,
          environment TEXT NOT NULL,
          event       TEXT NOT NULL CHECK (event IN ('allowed', 'deployed')),
          first_at    BIGINT NOT NULL,
          PRIMARY KEY (service_id, digest, environment, event)
        )
        """,
        """
        INSERT INTO promotions_v14 (service_id, digest, environment, event, first_at)
        SELECT s.id, p.digest, p.environment, p.event, p.first_at
        FROM promotions p JOIN service_records s ON s.name = p.service
        """);
    // AUTOINCREMENT keeps a table's high-water mark in sqlite_sequence under its name; the rebuilt
    // table takes over the old one's, so an id of a row deleted before is never given out again.
    for (String t : new String[] {"releases", "gate_decisions", "waivers", "deployments"}) {
      exec(
          c,
          "INSERT INTO sqlite_sequence (name, seq) SELECT '"
              + t
              + "_v14', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '"
              + t
              + "_v14')",
          "UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('"
              + t
              + "', '"
              + t
              + "_v14')) WHERE name = '"
              + t
              + "_v14'");
    }
    for (String t :
        new String[] {"releases", "gate_decisions", "waivers", "deployments", "promotions"}) {
      exec(c, "DROP TABLE " + t, "ALTER TABLE " + t + "_v14 RENAME TO " + t);
    }
    exec(c, "DROP TABLE services");
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
    for (String t :
        new String[] {"releases", "gate_decisions", "waivers", "deployments", "promotions"}) {
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
    for (String t :
        new String[] {"releases", "gate_decisions", "waivers", "deployments", "promotions"}) {
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
