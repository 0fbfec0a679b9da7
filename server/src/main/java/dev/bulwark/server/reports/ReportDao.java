package dev.bulwark.server.reports;

import dev.bulwark.server.auth.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL of evidence reports. A report only reads, and it reads what other features recorded
 * (deployments, gate decisions, policy bundles, waivers, SARIF summaries, attestations, ledger
 * entries) as it was written, in one place, as the gates' own read does: going through each
 * feature's service would cost a round trip per table per sampled change, and none of them offers
 * the past state (the bundle and tests as they were at the decision) a report needs. Services are
 * read from {@code service_records}, archived ones included: a deployment of a service deleted
 * since is still part of the period's population. The caller's team scope is in every statement
 * that names a service.
 */
final class ReportDao {
  private static final String SCOPE = "(:all OR s.team IN (<teams>))";

  private static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long nullableLong(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  /** Every deployment to {@code environment} in [start, end), in id order. */
  List<EvidenceReport.Deployment> population(
      Handle h, Principal p, String environment, Instant start, Instant end) {
    return scoped(
            h.createQuery(
                """
                SELECT d.id, s.name AS service, s.team, d.version, d.digest, d.environment,
                  d.deployed_at
                FROM deployments d JOIN service_records s ON s.id = d.service_id
                WHERE d.environment = :env AND d.deployed_at >= :start AND d.deployed_at < :end
                  AND (:all OR s.team IN (<teams>))
                ORDER BY d.id
                """),
            p)
        .bind("env", environment)
        .bind("start", start.toEpochMilli())
        .bind("end", end.toEpochMilli())
        .setFetchSize(5_000)
        .map(
            (rs, ctx) ->
                new EvidenceReport.Deployment(
                    rs.getLong("id"),
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("version"),
                    rs.getString("digest"),
                    rs.getString("environment"),
                    Instant.ofEpochMilli(rs.getLong("deployed_at"))))
        .list();
  }

  /** A sampled deployment with the decision that allowed it, as stored. */
  record ChangeRow(
      long id,
      long serviceId,
      String service,
      String team,
      String version,
      String digest,
      String environment,
      Instant deployedAt,
      String deployedBy,
      String deployedSubject,
      Long deploymentLedger,
      Long releaseId,
      long decisionId,
      String decision,
      Instant decidedAt,
      String decidedBy,
      String decidedSubject,
      String bundle,
      String teamBundle,
      String inputDigest,
      String waivers,
      long decisionLedger,
      String explanation) {}

  Optional<ChangeRow> change(Handle h, Principal p, long id) {
    return scoped(
            h.createQuery(
                """
                SELECT d.id, d.service_id, s.name AS service, s.team, d.version, d.digest,
                  d.environment, d.deployed_at, d.deployed_by, dt.subject AS deployed_subject,
                  d.ledger_index AS deployment_ledger, r.id AS release_id,
                  g.id AS decision_id, g.decision, g.decided_at, g.actor AS decided_by,
                  gt.subject AS decided_subject, g.bundle_digest, g.team_bundle_digest,
                  g.input_digest, g.waivers, g.ledger_index AS decision_ledger,
                  e.payload AS explanation
                FROM deployments d JOIN service_records s ON s.id = d.service_id
                JOIN gate_decisions g ON g.id = d.decision_id
                LEFT JOIN releases r ON r.service_id = d.service_id AND r.version = d.version
                LEFT JOIN tokens dt ON 'token:' || dt.id = d.deployed_by
                LEFT JOIN tokens gt ON 'token:' || gt.id = g.actor
                LEFT JOIN ledger_entries e ON e.idx = g.ledger_index
                WHERE d.id = :id AND (:all OR s.team IN (<teams>))
                """),
            p)
        .bind("id", id)
        .map(
            (rs, ctx) ->
                new ChangeRow(
                    rs.getLong("id"),
                    rs.getLong("service_id"),
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("version"),
                    rs.getString("digest"),
                    rs.getString("environment"),
                    Instant.ofEpochMilli(rs.getLong("deployed_at")),
                    rs.getString("deployed_by"),
                    rs.getString("deployed_subject"),
                    nullableLong(rs, "deployment_ledger"),
                    nullableLong(rs, "release_id"),
                    rs.getLong("decision_id"),
                    rs.getString("decision"),
                    Instant.ofEpochMilli(rs.getLong("decided_at")),
                    rs.getString("decided_by"),
                    rs.getString("decided_subject"),
                    rs.getString("bundle_digest"),
                    rs.getString("team_bundle_digest"),
                    rs.getString("input_digest"),
                    rs.getString("waivers"),
                    rs.getLong("decision_ledger"),
                    rs.getString("explanation")))
        .findOne();
  }

  /** The policy bundle of a layer (the global one when {@code team} is null) with a digest. */
  Optional<EvidenceReport.BundleEvidence> bundle(Handle h, String digest, String team) {
    return h.createQuery(
            """
            SELECT digest, team, pushed_subject, pushed_at, decided_subject, decided_at, status
            FROM policy_bundles WHERE digest = :d AND COALESCE(team, '') = :layer
            ORDER BY id DESC LIMIT 1
            """)
        .bind("d", digest)
        .bind("layer", team == null ? "" : team)
        .map(
            (rs, ctx) ->
                new EvidenceReport.BundleEvidence(
                    rs.getString("team") == null ? "global" : "team " + rs.getString("team"),
                    rs.getString("digest"),
                    rs.getString("pushed_subject"),
                    instant(rs, "pushed_at"),
                    rs.getString("decided_subject"),
                    instant(rs, "decided_at"),
                    rs.getString("status")))
        .findOne();
  }

  /** The waivers of a service with these ids, in id order. */
  List<EvidenceReport.WaiverEvidence> waivers(Handle h, long serviceId, List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return h.createQuery(
            """
            SELECT id, policy, rule, reason, requested_subject, requested_by, requested_at,
              approved_subject, approved_by, approved_at, expires_at, revoked_at
            FROM waivers WHERE service_id = :s AND id IN (<ids>) ORDER BY id
            """)
        .bind("s", serviceId)
        .bindList("ids", ids)
        .map(
            (rs, ctx) ->
                new EvidenceReport.WaiverEvidence(
                    "W-" + rs.getLong("id"),
                    rs.getString("policy"),
                    rs.getString("rule"),
                    rs.getString("reason"),
                    firstNonNull(rs.getString("requested_subject"), rs.getString("requested_by")),
                    instant(rs, "requested_at"),
                    firstNonNull(rs.getString("approved_subject"), rs.getString("approved_by")),
                    instant(rs, "approved_at"),
                    instant(rs, "expires_at"),
                    instant(rs, "revoked_at")))
        .list();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  /** The latest SARIF summary per tool uploaded for the release by {@code at}. */
  List<EvidenceReport.TestEvidence> tests(Handle h, long releaseId, Instant at) {
    return h.createQuery(
            """
            SELECT tool, kind, results, critical, high, medium, low, uploaded_at
            FROM sarif_uploads WHERE id IN (
              SELECT MAX(id) FROM sarif_uploads
              WHERE release_id = :r AND uploaded_at <= :at GROUP BY tool)
            ORDER BY tool
            """)
        .bind("r", releaseId)
        .bind("at", at.toEpochMilli())
        .map(
            (rs, ctx) ->
                new EvidenceReport.TestEvidence(
                    rs.getString("tool"),
                    rs.getString("kind"),
                    rs.getInt("results"),
                    rs.getInt("critical"),
                    rs.getInt("high"),
                    rs.getInt("medium"),
                    rs.getInt("low"),
                    Instant.ofEpochMilli(rs.getLong("uploaded_at"))))
        .list();
  }

  /** The attestations of the release received by {@code at}, verified or not. */
  List<EvidenceReport.ProvenanceEvidence> provenance(Handle h, long releaseId, Instant at) {
    return h.createQuery(
            """
            SELECT predicate_type, verified, reason, key_name, builder_id, source_repository,
              received_at
            FROM attestations WHERE release_id = :r AND received_at <= :at ORDER BY id
            """)
        .bind("r", releaseId)
        .bind("at", at.toEpochMilli())
        .map(
            (rs, ctx) ->
                new EvidenceReport.ProvenanceEvidence(
                    rs.getString("predicate_type"),
                    rs.getInt("verified") == 1,
                    rs.getString("reason"),
                    rs.getString("key_name"),
                    rs.getString("builder_id"),
                    rs.getString("source_repository"),
                    Instant.ofEpochMilli(rs.getLong("received_at"))))
        .list();
  }

  /** A ledger entry's canonical text. */
  Optional<String> ledgerEntry(Handle h, long index) {
    return h.createQuery("SELECT entry FROM ledger_entries WHERE idx = :i")
        .bind("i", index)
        .mapTo(String.class)
        .findOne();
  }
}
