package dev.bulwark.server.gates;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL of gates: decisions, the digests' promotion history, and the one read a gate starts with.
 * That read also takes the active bundles' digests and the usable waivers from their features'
 * tables, in the same round trip. Every read of service-owned rows joins the service and carries
 * the caller's team scope.
 */
final class GateDao {
  private static final String SCOPE = "(:all OR s.team IN (<teams>))";

  private static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  /**
   * Where a digest of a service has been: first allowed by a gate, first deployed, per environment.
   * Repeats add nothing a rule needs, and would change the input's digest on every gate call.
   */
  record Promotion(String environment, String event, long at) {}

  /**
   * What a cached gate input depends on: the release's facts revision, and the service's fields a
   * rule reads (compared themselves: an update within the same clock tick changes no timestamp).
   */
  record Stamp(long factsRev, String team, String area, String criticality) {}

  /**
   * What a gate reads first: the release, its cache stamp, the active global bundle's digest, and
   * the active bundle of the service's team, if any.
   */
  record GateTarget(
      Gates.GateRelease release,
      Stamp stamp,
      Optional<String> activeBundle,
      Optional<String> teamBundle) {}

  /** The scoped release with its cache stamp and the active bundles' digests. */
  private static final String TARGET =
      """
      SELECT r.id AS release_id, r.service_id, s.name AS service, s.team, r.version, r.digest,
        r.facts_rev, s.area, s.criticality,
        (SELECT b.digest FROM policy_bundles b WHERE b.active = 1 AND b.team IS NULL) AS bundle,
        (SELECT b.digest FROM policy_bundles b WHERE b.active = 1 AND b.team = s.team)
          AS team_bundle
      FROM releases r JOIN services s ON s.id = r.service_id
      WHERE s.name = :service AND r.version = :version AND
      """
          + SCOPE;

  private static Gates.GateRelease release(ResultSet rs) throws SQLException {
    return new Gates.GateRelease(
        rs.getLong("release_id"),
        rs.getLong("service_id"),
        rs.getString("service"),
        rs.getString("team"),
        rs.getString("version"),
        rs.getString("digest"));
  }

  private static GateTarget target(ResultSet rs) throws SQLException {
    return new GateTarget(
        release(rs),
        new Stamp(
            rs.getLong("facts_rev"),
            rs.getString("team"),
            rs.getString("area"),
            rs.getString("criticality")),
        Optional.ofNullable(rs.getString("bundle")),
        Optional.ofNullable(rs.getString("team_bundle")));
  }

  Optional<Gates.GateRelease> release(Handle h, Principal p, String service, String version) {
    return scoped(h.createQuery(TARGET), p)
        .bind("service", service)
        .bind("version", version)
        .map((rs, ctx) -> release(rs))
        .findOne();
  }

  /** A waiver as a gate applies it. */
  record UsableWaiver(
      long id, String policy, String rule, String digest, String finding, Instant expiresAt) {}

  /** What a gate reads: the target, the digest's promotion history, the usable waivers. */
  record GateFacts(GateTarget target, List<Promotion> promotions, List<UsableWaiver> waivers) {}

  /**
   * Everything a gate reads besides the release's cached facts, in one query (one round trip
   * instead of three): the target row, the digest's promotion history, and the service's usable
   * waivers (approved, not revoked, not expired at {@code now}). Each kind of row fills its own
   * columns and leaves the others NULL (typed where PostgreSQL would otherwise take two NULLs for
   * text). Promotions and waivers join the scoped target, so a caller who may not see the release
   * learns nothing else. Promotions come in the order they happened, waivers in the order they were
   * requested (the first that applies to a rule is the one a decision names).
   */
  private static final String GATE_FACTS =
      "WITH t AS ("
          + TARGET
          + """
          )
          SELECT 't' AS kind, 0 AS o, release_id, service_id, service, team, version, digest,
            facts_rev, area, criticality, bundle, team_bundle,
            NULL AS p_environment, NULL AS p_event, CAST(NULL AS BIGINT) AS p_at,
            CAST(NULL AS BIGINT) AS w_id, NULL AS w_policy, NULL AS w_rule, NULL AS w_digest,
            NULL AS w_finding, CAST(NULL AS BIGINT) AS w_expires_at
          FROM t
          UNION ALL
          SELECT 'p', p.first_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            p.environment, p.event, p.first_at, NULL, NULL, NULL, NULL, NULL, NULL
          FROM promotions p JOIN t ON p.service_id = t.service_id AND p.digest = t.digest
          UNION ALL
          SELECT 'w', w.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, w.id, w.policy, w.rule, w.digest, w.finding, w.expires_at
          FROM waivers w JOIN t ON w.service_id = t.service_id
          WHERE w.approved_by IS NOT NULL AND w.revoked_at IS NULL AND w.expires_at > :now
          ORDER BY kind, o, p_environment, p_event
          """;

  /** The gate's facts, or empty when the caller may not see the release or it does not exist. */
  Optional<GateFacts> gateFacts(Handle h, Principal p, String service, String version, long now) {
    List<GateTarget> target = new ArrayList<>(1);
    List<Promotion> promotions = new ArrayList<>();
    List<UsableWaiver> waivers = new ArrayList<>();
    scoped(h.createQuery(GATE_FACTS), p)
        .bind("service", service)
        .bind("version", version)
        .bind("now", now)
        .map(
            (rs, ctx) -> {
              switch (rs.getString("kind")) {
                case "t" -> target.add(target(rs));
                case "p" ->
                    promotions.add(
                        new Promotion(
                            rs.getString("p_environment"),
                            rs.getString("p_event"),
                            rs.getLong("p_at")));
                default ->
                    waivers.add(
                        new UsableWaiver(
                            rs.getLong("w_id"),
                            rs.getString("w_policy"),
                            rs.getString("w_rule"),
                            rs.getString("w_digest"),
                            rs.getString("w_finding"),
                            Instant.ofEpochMilli(rs.getLong("w_expires_at"))));
              }
              return 1;
            })
        .list();
    return target.isEmpty()
        ? Optional.empty()
        : Optional.of(new GateFacts(target.get(0), promotions, waivers));
  }

  /**
   * Records a step of a digest's promotion, keeping the earliest time it happened (two nodes may
   * commit the same step in either order). A repeat, the usual case (CI asks again and again),
   * writes no new row version.
   */
  void promote(Handle h, long serviceId, String digest, String environment, String event, long at) {
    h.createUpdate(
            """
            INSERT INTO promotions (service_id, digest, environment, event, first_at)
            VALUES (:s, :d, :e, :event, :at)
            ON CONFLICT (service_id, digest, environment, event) DO UPDATE
            SET first_at = excluded.first_at WHERE excluded.first_at < promotions.first_at
            """)
        .bind("s", serviceId)
        .bind("d", digest)
        .bind("e", environment)
        .bind("event", event)
        .bind("at", at)
        .execute();
  }

  /** A decision as stored; its explanation is in its ledger entry. */
  record NewDecision(
      Gates.GateRelease release,
      String environment,
      String decision,
      String bundle,
      String teamBundle,
      String inputDigest,
      String waivers,
      long ledgerIndex,
      String actor,
      long at) {}

  long insertDecision(Handle h, NewDecision d) {
    if (d.decision().equals("allow")) {
      promote(h, d.release().serviceId(), d.release().digest(), d.environment(), "allowed", d.at());
    }
    return h.createUpdate(
            """
            INSERT INTO gate_decisions (service_id, version, digest, environment, decision,
              bundle_digest, input_digest, waivers, ledger_index, actor, decided_at,
              team_bundle_digest)
            VALUES (:s, :v, :d, :e, :decision, :b, :i, :w, :l, :actor, :at, :tb)
            """)
        .bind("s", d.release().serviceId())
        .bind("v", d.release().version())
        .bind("d", d.release().digest())
        .bind("e", d.environment())
        .bind("decision", d.decision())
        .bind("b", d.bundle())
        .bind("tb", d.teamBundle())
        .bind("i", d.inputDigest())
        .bind("w", d.waivers())
        .bind("l", d.ledgerIndex())
        .bind("actor", d.actor())
        .bind("at", d.at())
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  Optional<Gates.LatestDecision> latestDecision(
      Handle h, long serviceId, String digest, String environment) {
    return h.createQuery(
            """
            SELECT id, decision, ledger_index, decided_at FROM gate_decisions
            WHERE service_id = :s AND digest = :d AND environment = :e
            ORDER BY id DESC LIMIT 1
            """)
        .bind("s", serviceId)
        .bind("d", digest)
        .bind("e", environment)
        .map(
            (rs, ctx) ->
                new Gates.LatestDecision(
                    rs.getLong("id"),
                    rs.getString("decision"),
                    rs.getLong("ledger_index"),
                    Instant.ofEpochMilli(rs.getLong("decided_at"))))
        .findOne();
  }

  private static final String DECISIONS =
      """
      SELECT g.id, s.name AS service, g.version, g.digest, g.environment, g.decision,
        g.bundle_digest, g.input_digest, g.waivers, g.ledger_index, g.actor, g.decided_at
      FROM gate_decisions g JOIN services s ON s.id = g.service_id
      """;

  /**
   * A decision row as the API lists it; its explanation lives in its ledger entry's after state.
   */
  private static Gates.DecisionSummary decisionRow(ResultSet rs) throws SQLException {
    List<String> waivers;
    try {
      waivers =
          Json.MAPPER.readValue(rs.getString("waivers"), new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalStateException(
          "decision " + rs.getLong("id") + " has unreadable waivers", e);
    }
    return new Gates.DecisionSummary(
        rs.getLong("id"),
        rs.getString("service"),
        rs.getString("version"),
        rs.getString("digest"),
        rs.getString("environment"),
        rs.getString("decision"),
        rs.getString("bundle_digest"),
        rs.getString("input_digest"),
        waivers,
        rs.getLong("ledger_index"),
        rs.getString("actor"),
        Instant.ofEpochMilli(rs.getLong("decided_at")));
  }

  Optional<Gates.DecisionSummary> decision(Handle h, Principal p, long id) {
    return scoped(h.createQuery(DECISIONS + "WHERE g.id = :id AND " + SCOPE), p)
        .bind("id", id)
        .map((rs, ctx) -> decisionRow(rs))
        .findOne();
  }

  /** Newest first; every filter optional, the caller's team scope always applied. */
  List<Gates.DecisionSummary> decisions(
      Handle h, Principal p, String service, String environment, String digest, int limit) {
    var q =
        scoped(
            h.createQuery(
                DECISIONS
                    + "WHERE "
                    + (service == null ? "" : "s.name = :service AND ")
                    + (environment == null ? "" : "g.environment = :env AND ")
                    + (digest == null ? "" : "g.digest = :digest AND ")
                    + SCOPE
                    + " ORDER BY g.id DESC LIMIT :limit"),
            p);
    if (service != null) {
      q = q.bind("service", service);
    }
    if (environment != null) {
      q = q.bind("env", environment);
    }
    if (digest != null) {
      q = q.bind("digest", digest);
    }
    return q.bind("limit", limit).map((rs, ctx) -> decisionRow(rs)).list();
  }

  /** A ledger entry's canonical text and stored after state. */
  record LedgerRecord(String entry, String after) {}

  Optional<LedgerRecord> ledgerRecord(Handle h, long index) {
    return h.createQuery("SELECT entry, payload FROM ledger_entries WHERE idx = :i")
        .bind("i", index)
        .map((rs, ctx) -> new LedgerRecord(rs.getString("entry"), rs.getString("payload")))
        .findOne();
  }
}
