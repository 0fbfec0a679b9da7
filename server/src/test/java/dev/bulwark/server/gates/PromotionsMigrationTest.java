package dev.bulwark.server.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.Dialect;
import dev.bulwark.server.testing.OlderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * V12 moves promotion history out of an aggregate over every gate decision into its own table: a
 * database holding decisions and deployments from before keeps the same history, earliest times per
 * step, and loses the duplicated explanations column. On both databases.
 */
class PromotionsMigrationTest {
  static final String D1 = "sha256:" + "11".repeat(32);
  static final String D2 = "sha256:" + "22".repeat(32);

  /** Rows as V11 stored them: repeated decisions, a deny, two digests, deployments. */
  static final List<String> BEFORE =
      List.of(
          "INSERT INTO services (name, team, area, criticality, created_at, updated_at) VALUES ('pay-api', 'pay', 'data', 'critical', 1, 1)",
          decision(1, D1, "staging", "deny", 100),
          decision(2, D1, "staging", "allow", 200),
          decision(3, D1, "staging", "allow", 150), // committed later with an earlier clock
          decision(4, D1, "prod", "allow", 300),
          decision(5, D2, "staging", "deny", 400),
          "INSERT INTO deployments (service, version, digest, environment, decision_id, deployed_by, deployed_at) VALUES ('pay-api', '1.0', '"
              + D1
              + "', 'prod', 4, 'ci', 500)",
          "INSERT INTO deployments (service, version, digest, environment, decision_id, deployed_by, deployed_at) VALUES ('pay-api', '1.0', '"
              + D1
              + "', 'prod', 4, 'ci', 450)");

  static String decision(long id, String digest, String env, String decision, long at) {
    return "INSERT INTO gate_decisions (id, service, version, digest, environment, decision, bundle_digest, input_digest, results, waivers, ledger_index, actor, decided_at) VALUES ("
        + id
        + ", 'pay-api', '1.0', '"
        + digest
        + "', '"
        + env
        + "', '"
        + decision
        + "', 'sha256:b', 'sha256:i', '[]', '[]', "
        + id
        + ", 'ci', "
        + at
        + ")";
  }

  static final List<String> EXPECTED =
      List.of(
          "pay-api " + D1 + " staging allowed 150",
          "pay-api " + D1 + " prod allowed 300",
          "pay-api " + D1 + " prod deployed 450");

  @Test
  void sqliteKeepsTheHistoryOfAnOlderDatabase() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-v12");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("bulwark.db"));
    OlderSchema.migrate(Flyway.configure().dataSource(ds), Dialect.SQLITE, "11");
    try (Connection c = ds.getConnection()) {
      insert(c);
    }
    try (Database db = Database.openSqlite(dir)) {
      assertThat(promotions(db)).containsExactlyElementsOf(EXPECTED);
      assertThat(columns(db)).doesNotContain("results").contains("waivers", "ledger_index");
    }
  }

  @Test
  void postgresKeepsTheHistoryOfAnOlderDatabase() throws Exception {
    OlderSchema.postgres(
        "11",
        PromotionsMigrationTest::insert,
        db -> {
          assertThat(promotions(db)).containsExactlyElementsOf(EXPECTED);
          assertThat(columns(db)).doesNotContain("results").contains("waivers", "ledger_index");
        });
  }

  private static void insert(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      for (String sql : BEFORE) {
        st.execute(sql);
      }
    }
  }

  private static List<String> promotions(Database db) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT s.name, p.digest, p.environment, p.event, p.first_at FROM promotions p "
                            + "JOIN services s ON s.id = p.service_id ORDER BY p.first_at")
                    .map(
                        (rs, ctx) ->
                            rs.getString(1)
                                + " "
                                + rs.getString(2)
                                + " "
                                + rs.getString(3)
                                + " "
                                + rs.getString(4)
                                + " "
                                + rs.getLong(5))
                    .list());
  }

  private static List<String> columns(Database db) throws java.sql.SQLException {
    return db.jdbi()
        .<List<String>, java.sql.SQLException>withHandle(
            h -> {
              List<String> out = new java.util.ArrayList<>();
              try (var rs =
                  h.getConnection().getMetaData().getColumns(null, null, "gate_decisions", null)) {
                while (rs.next()) {
                  out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
              }
              return out;
            });
  }
}
