package dev.bulwark.server.advisories;

import dev.bulwark.server.db.Database;

/** The advisories feature's SQL: the one row of {@code advisory_revision}. */
final class AdvisoryDao {
  private final Database db;

  AdvisoryDao(Database db) {
    this.db = db;
  }

  /**
   * The last sync any node announced: its revision, the stamp of what it loaded, which node and
   * when. Revision 0 (and an empty stamp) until the first sync.
   */
  record Revision(long revision, String stamp, String node, long at) {
    Revision {
      if (revision < 0) {
        throw new IllegalArgumentException("revision " + revision);
      }
      stamp = stamp == null ? "" : stamp;
    }
  }

  private static final String READ =
      """
      SELECT revision, stamp, node, at FROM advisory_revision WHERE id = 1
      """;

  private static final String RAISE =
      """
      UPDATE advisory_revision SET revision = revision + 1, stamp = :stamp, node = :node, at = :at
      WHERE id = 1
      """;

  /** A plain read by primary key, outside any transaction (on SQLite one takes the write lock). */
  Revision read() {
    return db.jdbi().withHandle(h -> h.createQuery(READ).map(this::row).one());
  }

  /** Raises the revision to announce a sync's load, and returns the row as it now stands. */
  Revision raise(String stamp, String node, long at) {
    return db.writes()
        .inTransaction(
            h -> {
              h.createUpdate(RAISE)
                  .bind("stamp", stamp)
                  .bind("node", node)
                  .bind("at", at)
                  .execute();
              return h.createQuery(READ).map(this::row).one();
            });
  }

  private Revision row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new Revision(
        rs.getLong("revision"), rs.getString("stamp"), rs.getString("node"), rs.getLong("at"));
  }
}
