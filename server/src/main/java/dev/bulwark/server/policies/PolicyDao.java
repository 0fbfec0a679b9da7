package dev.bulwark.server.policies;

import dev.bulwark.server.auth.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/** SQL of policy bundles. A bundle's team column is its scope: global, or the team's layer. */
final class PolicyDao {
  /**
   * A policy bundle of one layer: {@code team} null for the global bundle. Pending until a second
   * person approves it; at most one active per layer. {@code files} is empty unless asked for.
   */
  record Bundle(
      long id,
      String digest,
      String team,
      String files,
      int policies,
      int rules,
      String pushedBy,
      String pushedSubject,
      String pushedMinter,
      Instant pushedAt,
      String status,
      String decidedBy,
      String decidedSubject,
      Instant decidedAt,
      String decideReason) {
    boolean active() {
      return status.equals("active");
    }
  }

  private static final String COLUMNS =
      """
      SELECT id, digest, team, policies, rules, pushed_by, pushed_subject, pushed_minter,
        pushed_at, status, decided_by, decided_subject, decided_at, decide_reason
      """;

  private static final String WITH_FILES = COLUMNS + ", files FROM policy_bundles b ";
  private static final String WITHOUT_FILES = COLUMNS + ", '' AS files FROM policy_bundles b ";

  /** Global bundles, and those of the caller's teams. */
  private static final String VISIBLE = "(b.team IS NULL OR :all OR b.team IN (<teams>))";

  private static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  /** The layer key of a team (null: global) in SQL comparisons, which cannot compare NULLs. */
  private static String layer(String team) {
    return team == null ? "" : team;
  }

  /** Some stored bundle with these contents (the files are the same in every layer). */
  Optional<Bundle> bundle(Handle h, String digest) {
    return h.createQuery(WITH_FILES + "WHERE b.digest = :d ORDER BY b.id LIMIT 1")
        .bind("d", digest)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** A bundle with these contents that the caller may see. */
  Optional<Bundle> visibleBundle(Handle h, Principal p, String digest) {
    return scoped(
            h.createQuery(
                WITH_FILES + "WHERE b.digest = :d AND " + VISIBLE + " ORDER BY b.id LIMIT 1"),
            p)
        .bind("d", digest)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  Optional<Bundle> bundleInLayer(Handle h, String team, String digest) {
    return h.createQuery(WITHOUT_FILES + "WHERE b.digest = :d AND COALESCE(b.team, '') = :l")
        .bind("d", digest)
        .bind("l", layer(team))
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  Optional<Bundle> bundleById(Handle h, long id) {
    return h.createQuery(WITHOUT_FILES + "WHERE b.id = :id")
        .bind("id", id)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** The active bundle's digest of a layer. */
  Optional<String> activeDigest(Handle h, String team) {
    return h.createQuery(
            "SELECT digest FROM policy_bundles WHERE active = 1 AND COALESCE(team, '') = :l")
        .bind("l", layer(team))
        .mapTo(String.class)
        .findOne();
  }

  /** The global bundles and those of the caller's teams, newest first. */
  List<Bundle> bundles(Handle h, Principal p) {
    return scoped(h.createQuery(WITHOUT_FILES + "WHERE " + VISIBLE + " ORDER BY b.id DESC"), p)
        .map((rs, ctx) -> row(rs))
        .list();
  }

  private static Bundle row(ResultSet rs) throws SQLException {
    return new Bundle(
        rs.getLong("id"),
        rs.getString("digest"),
        rs.getString("team"),
        rs.getString("files"),
        rs.getInt("policies"),
        rs.getInt("rules"),
        rs.getString("pushed_by"),
        rs.getString("pushed_subject"),
        rs.getString("pushed_minter"),
        Instant.ofEpochMilli(rs.getLong("pushed_at")),
        rs.getString("status"),
        rs.getString("decided_by"),
        rs.getString("decided_subject"),
        instant(rs, "decided_at"),
        rs.getString("decide_reason"));
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  long insertBundle(
      Handle h,
      String digest,
      String team,
      String files,
      int policies,
      int rules,
      Principal by,
      long at) {
    return h.createUpdate(
            """
            INSERT INTO policy_bundles (digest, team, files, policies, rules, pushed_by,
              pushed_subject, pushed_minter, pushed_at, status, active)
            VALUES (:d, :team, :f, :p, :r, :by, :subject, :minter, :at, 'pending', 0)
            """)
        .bind("d", digest)
        .bind("team", team)
        .bind("f", files)
        .bind("p", policies)
        .bind("r", rules)
        .bind("by", by.actor())
        .bind("subject", by.subject())
        .bind("minter", by.mintedBy())
        .bind("at", at)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  /** A superseded or rejected bundle pushed again: pending again, for the new pusher. */
  void repush(Handle h, long id, Principal by, long at) {
    h.createUpdate(
            """
            UPDATE policy_bundles SET status = 'pending', pushed_by = :by, pushed_subject = :subject,
              pushed_minter = :minter, pushed_at = :at, decided_by = NULL, decided_subject = NULL,
              decided_at = NULL, decide_reason = NULL
            WHERE id = :id AND status IN ('superseded', 'rejected')
            """)
        .bind("id", id)
        .bind("by", by.actor())
        .bind("subject", by.subject())
        .bind("minter", by.mintedBy())
        .bind("at", at)
        .execute();
  }

  private static final String ACTIVATE =
      """
      UPDATE policy_bundles SET status = 'active', active = 1, decided_by = :by,
        decided_subject = :subject, decided_at = :at
      WHERE id = :id AND status = 'pending'
      """;

  /** The approver is not the pusher: not the same subject, and neither minted the other's token. */
  private static final String BY_ANOTHER =
      """
      AND pushed_subject <> :subject AND pushed_subject <> :minter
      AND COALESCE(pushed_minter, '') <> :subject
      """;

  /**
   * Makes a pending bundle its layer's active one (after {@link #supersede}: one active per layer).
   * The checks that the approver is not the pusher are in the SQL too, unless the server seeds its
   * own demo bundle; returns false when nothing changed.
   */
  boolean activate(Handle h, long id, Principal by, long at, boolean reviewed) {
    return h.createUpdate(reviewed ? ACTIVATE + BY_ANOTHER : ACTIVATE)
            .bind("id", id)
            .bind("by", by.actor())
            .bind("subject", by.subject())
            .bind("minter", by.minterOrEmpty())
            .bind("at", at)
            .execute()
        == 1;
  }

  void supersede(Handle h, String team, long except) {
    h.createUpdate(
            """
            UPDATE policy_bundles SET status = 'superseded', active = 0
            WHERE active = 1 AND COALESCE(team, '') = :l AND id <> :id
            """)
        .bind("l", layer(team))
        .bind("id", except)
        .execute();
  }

  boolean reject(Handle h, long id, Principal by, long at, String reason) {
    return h.createUpdate(
                """
                UPDATE policy_bundles SET status = 'rejected', decided_by = :by,
                  decided_subject = :subject, decided_at = :at, decide_reason = :reason
                WHERE id = :id AND status = 'pending'
                """)
            .bind("id", id)
            .bind("by", by.actor())
            .bind("subject", by.subject())
            .bind("at", at)
            .bind("reason", reason)
            .execute()
        == 1;
  }
}
