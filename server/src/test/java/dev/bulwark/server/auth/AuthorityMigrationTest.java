package dev.bulwark.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.Dialect;
import dev.bulwark.server.testing.OlderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * V13 gives every token a subject, keeps the subjects of pending requests, and moves policy bundles
 * into layers: a database from before keeps distinct people for distinct old tokens, its active
 * bundle active (global), and new bundles get fresh ids. On both databases.
 */
class AuthorityMigrationTest {
  static final List<String> BEFORE =
      List.of(
          "INSERT INTO services (name, team, area, criticality, created_at, updated_at) VALUES ('pay-api', 'pay', 'data', 'critical', 1, 1)",
          token("tok_bootstrap", "admin", "system"),
          token("tok_a", "security", "token:tok_bootstrap"),
          token("tok_b", "security", "token:tok_bootstrap"),
          token("tok_c", "developer", "oidc:root"),
          "INSERT INTO waivers (service, policy, rule, reason, expires_at, requested_by, requested_at, approved_by, approved_at) VALUES ('pay-api', 'p', 'r', 'x', 9000, 'token:tok_a', 1, 'oidc:Carol', 2)",
          "INSERT INTO waivers (service, policy, rule, reason, expires_at, requested_by, requested_at) VALUES ('pay-api', 'p', 'r', 'x', 9000, 'token:tok_b', 1)",
          bundle("sha256:old", 0),
          bundle("sha256:live", 1));

  static String token(String id, String role, String by) {
    return "INSERT INTO tokens (id, name, role, teams, secret_hash, created_at, created_by) VALUES ('"
        + id
        + "', 'n', '"
        + role
        + "', '[\"pay\"]', 'hash-"
        + id
        + "', 1, '"
        + by
        + "')";
  }

  static String bundle(String digest, int active) {
    return "INSERT INTO policy_bundles (digest, files, policies, rules, pushed_by, pushed_at, active) VALUES ('"
        + digest
        + "', '{}', 1, 1, 'token:tok_a', 1, "
        + active
        + ")";
  }

  static final List<String> TOKENS =
      List.of(
          "tok_a token:tok_a admin",
          "tok_b token:tok_b admin",
          "tok_bootstrap admin null",
          "tok_c token:tok_c root");
  static final List<String> WAIVERS = List.of("token:tok_a carol", "token:tok_b null");
  static final List<String> BUNDLES =
      List.of("sha256:old null superseded 0", "sha256:live null active 1");

  @Test
  void sqliteKeepsPeopleAndTheActiveBundle() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-v13");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("bulwark.db"));
    OlderSchema.migrate(Flyway.configure().dataSource(ds), Dialect.SQLITE, "12");
    try (Connection c = ds.getConnection()) {
      insert(c);
    }
    try (Database db = Database.openSqlite(dir)) {
      check(db);
    }
  }

  @Test
  void postgresKeepsPeopleAndTheActiveBundle() throws Exception {
    OlderSchema.postgres("12", AuthorityMigrationTest::insert, AuthorityMigrationTest::check);
  }

  private static void check(Database db) {
    assertThat(rows(db, "SELECT id, subject, minted_by FROM tokens ORDER BY id", 3))
        .containsExactlyElementsOf(TOKENS);
    assertThat(rows(db, "SELECT requested_subject, approved_subject FROM waivers ORDER BY id", 2))
        .as("an OIDC actor's subject is its sub claim, in the case subjects are compared in")
        .containsExactly("token:tok_a carol", "token:tok_b null");
    assertThat(rows(db, "SELECT digest, team, status, active FROM policy_bundles ORDER BY id", 4))
        .containsExactlyElementsOf(BUNDLES);
    // A new bundle after the rebuilt table gets a fresh id, in the same layer as the others.
    db.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO policy_bundles (digest, files, policies, rules, pushed_by, pushed_subject, pushed_at, status, active) VALUES ('sha256:new', '{}', 1, 1, 'a', 'a', 2, 'pending', 0)"));
    assertThat(rows(db, "SELECT COUNT(DISTINCT id) FROM policy_bundles", 1)).containsExactly("3");
  }

  private static void insert(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      for (String sql : BEFORE) {
        st.execute(sql);
      }
    }
  }

  private static List<String> rows(Database db, String sql, int columns) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(sql)
                    .map(
                        (rs, ctx) -> {
                          StringBuilder b = new StringBuilder();
                          for (int i = 1; i <= columns; i++) {
                            b.append(i == 1 ? "" : " ").append(rs.getString(i));
                          }
                          return b.toString();
                        })
                    .list());
  }
}
