package dev.bulwark.server.waivers;

import dev.bulwark.server.auth.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/** SQL of waivers. Every read joins the service and carries the caller's team scope. */
final class WaiverDao {
  private static final String SCOPE = "(:all OR s.team IN (<teams>))";

  private static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  record Waiver(
      long id,
      long serviceId,
      String service,
      String policy,
      String rule,
      String digest,
      String finding,
      String reason,
      Instant expiresAt,
      String requestedBy,
      Instant requestedAt,
      String approvedBy,
      Instant approvedAt,
      String revokedBy,
      Instant revokedAt,
      String revokeReason,
      String requestedSubject,
      String requestedMinter,
      String approvedSubject) {}

  private static final String SELECT =
      """
      SELECT w.id, w.service_id, s.name AS service, w.policy, w.rule, w.digest, w.finding,
        w.reason, w.expires_at, w.requested_by, w.requested_at, w.approved_by, w.approved_at,
        w.revoked_by, w.revoked_at, w.revoke_reason, w.requested_subject, w.requested_minter,
        w.approved_subject
      FROM waivers w JOIN services s ON s.id = w.service_id
      """;

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Waiver row(ResultSet rs) throws SQLException {
    return new Waiver(
        rs.getLong("id"),
        rs.getLong("service_id"),
        rs.getString("service"),
        rs.getString("policy"),
        rs.getString("rule"),
        rs.getString("digest"),
        rs.getString("finding"),
        rs.getString("reason"),
        instant(rs, "expires_at"),
        rs.getString("requested_by"),
        instant(rs, "requested_at"),
        rs.getString("approved_by"),
        instant(rs, "approved_at"),
        rs.getString("revoked_by"),
        instant(rs, "revoked_at"),
        rs.getString("revoke_reason"),
        rs.getString("requested_subject"),
        rs.getString("requested_minter"),
        rs.getString("approved_subject"));
  }

  Optional<Waiver> waiver(Handle h, Principal p, long id) {
    return scoped(h.createQuery(SELECT + "WHERE w.id = :id AND " + SCOPE), p)
        .bind("id", id)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  List<Waiver> waivers(Handle h, Principal p, String service) {
    String where = service == null ? "WHERE " : "WHERE s.name = :service AND ";
    var q = scoped(h.createQuery(SELECT + where + SCOPE + " ORDER BY w.id"), p);
    if (service != null) {
      q = q.bind("service", service);
    }
    return q.map((rs, ctx) -> row(rs)).list();
  }

  /** A ledger entry about a waiver: its index and its canonical JSON. */
  record LedgerRow(long waiver, long index, String canonical) {}

  /**
   * The ledger entries of these waivers (ids the caller was shown), in index order; only those
   * filed under a service of the caller's teams.
   */
  List<LedgerRow> ledgerEntries(Handle h, Principal p, List<Long> waivers) {
    if (waivers.isEmpty()) {
      return List.of();
    }
    return scoped(
            h.createQuery(
                """
                SELECT e.idx, e.subject_id, e.entry FROM ledger_entries e
                WHERE e.subject_kind = 'waiver' AND e.subject_id IN (<ids>)
                  AND e.service IN (SELECT s.name FROM services s WHERE
                """
                    + SCOPE
                    + ") ORDER BY e.idx"),
            p)
        .bindList("ids", waivers.stream().map(String::valueOf).toList())
        .map(
            (rs, ctx) ->
                new LedgerRow(
                    Long.parseLong(rs.getString("subject_id")),
                    rs.getLong("idx"),
                    rs.getString("entry")))
        .list();
  }

  /** A service the caller may see: its id and team. */
  record ServiceRef(long id, String team) {}

  Optional<ServiceRef> service(Handle h, Principal p, String name) {
    return scoped(
            h.createQuery("SELECT s.id, s.team FROM services s WHERE s.name = :n AND " + SCOPE), p)
        .bind("n", name)
        .map((rs, ctx) -> new ServiceRef(rs.getLong("id"), rs.getString("team")))
        .findOne();
  }

  long insert(
      Handle h,
      long serviceId,
      String policy,
      String rule,
      String digest,
      String finding,
      String reason,
      long expires,
      Principal by,
      long at) {
    return h.createUpdate(
            """
            INSERT INTO waivers (service_id, policy, rule, digest, finding, reason, expires_at,
              requested_by, requested_at, requested_subject, requested_minter)
            VALUES (:s, :p, :r, :d, :f, :reason, :exp, :by, :at, :subject, :minter)
            """)
        .bind("s", serviceId)
        .bind("p", policy)
        .bind("r", rule)
        .bind("d", digest)
        .bind("f", finding)
        .bind("reason", reason)
        .bind("exp", expires)
        .bind("by", by.actor())
        .bind("subject", by.subject())
        .bind("minter", by.mintedBy())
        .bind("at", at)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  /**
   * Approves a pending waiver; the check that the approver is not the requester (by subject, and
   * neither minted the other's token) is in the SQL too.
   */
  int approve(Handle h, long id, Principal by, long at) {
    return h.createUpdate(
            """
            UPDATE waivers SET approved_by = :by, approved_at = :at, approved_subject = :subject
            WHERE id = :id AND approved_by IS NULL AND revoked_at IS NULL
              AND requested_by <> :by AND expires_at > :at
              AND requested_subject <> :subject AND requested_subject <> :minter
              AND COALESCE(requested_minter, '') <> :subject
            """)
        .bind("id", id)
        .bind("by", by.actor())
        .bind("subject", by.subject())
        .bind("minter", by.minterOrEmpty())
        .bind("at", at)
        .execute();
  }

  int revoke(Handle h, long id, String by, long at, String reason) {
    return h.createUpdate(
            """
            UPDATE waivers SET revoked_by = :by, revoked_at = :at, revoke_reason = :reason
            WHERE id = :id AND revoked_at IS NULL
            """)
        .bind("id", id)
        .bind("by", by)
        .bind("at", at)
        .bind("reason", reason)
        .execute();
  }
}
