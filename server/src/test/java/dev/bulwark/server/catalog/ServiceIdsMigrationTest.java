package dev.bulwark.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.Dialect;
import dev.bulwark.server.testing.OlderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * V14 moves every reference to a service from its name to its id: rows of an existing database map
 * to the service of that name, service decisions older than that service (a predecessor's) and
 * those of a service that no longer exists are archived, lookalike keys are filled, and ids of rows
 * deleted before are not handed out again. On both databases.
 */
class ServiceIdsMigrationTest {
  static final String D = "sha256:" + "11".repeat(32);
  static final String CYRILLIC = "pay-ap\u0456"; // Cyrillic i: a lookalike from before V14

  /** Rows as V12 stored them. */
  static final List<String> BEFORE =
      List.of(
          "INSERT INTO services (name, team, area, criticality, created_at, updated_at) VALUES ('pay-api', 'pay', 'data', 'critical', 1000, 1000)",
          "INSERT INTO services (name, team, area, criticality, created_at, updated_at) VALUES ('"
              + CYRILLIC
              + "', 'evil', 'data', 'low', 2000, 2000)",
          "INSERT INTO releases (id, service, version, digest, created_at) VALUES (1, 'pay-api', '1.0', '"
              + D
              + "', 1500)",
          "INSERT INTO releases (id, service, version, digest, created_at) VALUES (2, 'pay-api', '2.0', '"
              + D
              + "', 1600)",
          "DELETE FROM releases WHERE id = 2",
          "INSERT INTO findings (id, release_id, component_ref, vuln_id, aliases, severity, state, first_seen) VALUES (7, 1, 'gin', 'GO-2020-0001', '[]', 'high', 'open', 1500)",
          "INSERT INTO gate_decisions (id, service, version, digest, environment, decision, bundle_digest, input_digest, waivers, ledger_index, actor, decided_at) VALUES (1, 'pay-api', '1.0', '"
              + D
              + "', 'prod', 'allow', 'sha256:b', 'sha256:i', '[]', 1, 'ci', 1700)",
          "INSERT INTO deployments (service, version, digest, environment, decision_id, deployed_by, deployed_at) VALUES ('pay-api', '1.0', '"
              + D
              + "', 'prod', 1, 'ci', 1800)",
          "INSERT INTO promotions (service, digest, environment, event, first_at) VALUES ('pay-api', '"
              + D
              + "', 'prod', 'allowed', 1700)",
          "INSERT INTO waivers (service, policy, rule, reason, expires_at, requested_by, requested_at) VALUES ('pay-api', 'p', 'r', 'why', 9000, 'dev', 1700)",
          // A column another migration added before V14: the rebuild keeps it and its values.
          "ALTER TABLE waivers ADD COLUMN v14_probe TEXT",
          "UPDATE waivers SET v14_probe = 'kept'",
          decision("service", "pay-api", 1200), // the current pay-api's
          decision("service", "pay-api", 500), // made before pay-api was created: a predecessor's
          decision("service", "gone-api", 1300), // a service deleted before V14
          decision("team", "pay", 1400));

  static String decision(String scope, String value, long at) {
    return "INSERT INTO decisions (scope, scope_value, ecosystem, package, vuln_ids, state, reason, actor, at) VALUES ('"
        + scope
        + "', '"
        + value
        + "', 'Go', 'github.com/gin-gonic/gin', '[\"GO-2020-0001\"]', 'not_affected', 'r', 'dev', "
        + at
        + ")";
  }

  @Test
  void sqliteMovesEveryReferenceToTheServiceId() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-v14");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("bulwark.db"));
    ds.setEnforceForeignKeys(true);
    OlderSchema.migrate(Flyway.configure().dataSource(ds), Dialect.SQLITE, "12");
    try (Connection c = ds.getConnection()) {
      insert(c);
    }
    try (Database db = Database.openSqlite(dir)) {
      check(db);
      db.jdbi()
          .useHandle(
              h -> {
                assertThat(h.createQuery("PRAGMA foreign_key_check").mapToMap().list()).isEmpty();
                long id = payId(h);
                h.execute(
                    "INSERT INTO releases (service_id, version, digest, created_at) VALUES (?, '3.0', ?, 1)",
                    id,
                    D);
                assertThat(
                        h.createQuery("SELECT id FROM releases WHERE version = '3.0'")
                            .mapTo(Long.class)
                            .one())
                    .as("release 2 was deleted before V14; its id is not given out again")
                    .isEqualTo(3L);
              });
    }
  }

  @Test
  void postgresMovesEveryReferenceToTheServiceId() throws Exception {
    OlderSchema.postgres("12", ServiceIdsMigrationTest::insert, ServiceIdsMigrationTest::check);
  }

  private static void check(Database db) {
    db.jdbi()
        .useHandle(
            h -> {
              long id = payId(h);
              for (String t :
                  List.of("releases", "gate_decisions", "deployments", "promotions", "waivers")) {
                assertThat(h.createQuery("SELECT service_id FROM " + t).mapTo(Long.class).list())
                    .as(t)
                    .containsExactly(id);
              }
              assertThat(h.createQuery("SELECT v14_probe FROM waivers").mapTo(String.class).one())
                  .isEqualTo("kept");
              assertThat(
                      h.createQuery("SELECT COUNT(*) FROM findings WHERE release_id = 1")
                          .mapTo(Long.class)
                          .one())
                  .isEqualTo(1L);
              Map<Long, String> decisions = new java.util.TreeMap<>();
              h.createQuery("SELECT at, scope, service_id, archived_at FROM decisions ORDER BY at")
                  .map(
                      (rs, ctx) -> {
                        long sid = rs.getLong("service_id");
                        String service = rs.wasNull() ? "-" : (sid == id ? "pay-api" : "other");
                        rs.getLong("archived_at");
                        String archived = rs.wasNull() ? "live" : "archived";
                        return Map.entry(
                            rs.getLong("at"),
                            rs.getString("scope") + " " + service + " " + archived);
                      })
                  .forEach(e -> decisions.put(e.getKey(), e.getValue()));
              assertThat(decisions)
                  .containsExactlyEntriesOf(
                      new java.util.TreeMap<>(
                          Map.of(
                              500L, "service - archived",
                              1200L, "service pay-api live",
                              1300L, "service - archived",
                              1400L, "team - live")));
              // Lookalike keys: the first of the two lookalikes keeps it, the later one has none.
              assertThat(
                      h.createQuery("SELECT name_key FROM service_records WHERE id = :id")
                          .bind("id", id)
                          .mapTo(String.class)
                          .one())
                  .isEqualTo(ServiceName.key("pay-api"))
                  .isEqualTo(ServiceName.key(CYRILLIC));
              assertThat(
                      h.createQuery("SELECT name_key FROM service_records WHERE name = :n")
                          .bind("n", CYRILLIC)
                          .mapTo(String.class)
                          .findOne())
                  .isEmpty();
              // And no new live service may take that key.
              assertThatThrownBy(
                      () ->
                          h.execute(
                              "INSERT INTO service_records (name, name_key, team, area, criticality, created_at, updated_at) VALUES ('pay-apl', ?, 't', 'data', 'low', 1, 1)",
                              ServiceName.key("pay-api")))
                  .hasMessageContaining("service_records");
              assertThat(
                      h.createQuery("SELECT name FROM services ORDER BY name")
                          .mapTo(String.class)
                          .list())
                  .containsExactly("pay-api", CYRILLIC);
            });
  }

  private static long payId(Handle h) {
    return h.createQuery("SELECT id FROM services WHERE name = 'pay-api'").mapTo(Long.class).one();
  }

  private static void insert(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      for (String sql : BEFORE) {
        st.execute(sql);
      }
    }
  }
}
