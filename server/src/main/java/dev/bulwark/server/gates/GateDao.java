package dev.bulwark.server.gates;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL of the gates feature: policy bundles, decisions, waivers, attestations and deployments. Every
 * read of service-owned rows joins the service and carries the caller's team scope.
 */
final class GateDao {
  static final String SCOPE = "(:all OR s.team IN (<teams>))";

  static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  /**
   * A policy bundle of one layer: {@code team} null for the global bundle. Pending until a second
   * person approves it; at most one active per layer.
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

  private static final String BUNDLE_COLUMNS =
      """
      id, digest, team, policies, rules, pushed_by, pushed_subject, pushed_minter, pushed_at,
      status, decided_by, decided_subject, decided_at, decide_reason
      """;

  /** The layer key of a team (null: global) in SQL comparisons, which cannot compare NULLs. */
  static String layer(String team) {
    return team == null ? "" : team;
  }

  /** Some stored bundle with these contents (the files are the same in every layer). */
  Optional<Bundle> bundle(Handle h, String digest) {
    return h.createQuery(
            "SELECT "
                + BUNDLE_COLUMNS
                + ", files FROM policy_bundles WHERE digest = :d ORDER BY id LIMIT 1")
        .bind("d", digest)
        .map((rs, ctx) -> bundleRow(rs, true))
        .findOne();
  }

  /** A bundle with these contents that the caller may see: global, or of one of its teams. */
  Optional<Bundle> visibleBundle(Handle h, Principal p, String digest) {
    return scoped(
            h.createQuery(
                "SELECT "
                    + BUNDLE_COLUMNS
                    + ", files FROM policy_bundles s WHERE digest = :d AND (team IS NULL OR "
                    + LAYER_SCOPE
                    + ") ORDER BY id LIMIT 1"),
            p)
        .bind("d", digest)
        .map((rs, ctx) -> bundleRow(rs, true))
        .findOne();
  }

  /** Bundles are not service rows: their team column is the scope. */
  private static final String LAYER_SCOPE = "(:all OR s.team IN (<teams>))";

  Optional<Bundle> bundleInLayer(Handle h, String team, String digest) {
    return h.createQuery(
            "SELECT "
                + BUNDLE_COLUMNS
                + ", '' AS files FROM policy_bundles WHERE digest = :d AND COALESCE(team, '') = :l")
        .bind("d", digest)
        .bind("l", layer(team))
        .map((rs, ctx) -> bundleRow(rs, false))
        .findOne();
  }

  Optional<Bundle> bundleById(Handle h, long id) {
    return h.createQuery(
            "SELECT " + BUNDLE_COLUMNS + ", '' AS files FROM policy_bundles WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> bundleRow(rs, false))
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
    return scoped(
            h.createQuery(
                "SELECT "
                    + BUNDLE_COLUMNS
                    + ", '' AS files FROM policy_bundles s WHERE team IS NULL OR "
                    + LAYER_SCOPE
                    + " ORDER BY id DESC"),
            p)
        .map((rs, ctx) -> bundleRow(rs, false))
        .list();
  }

  private static Bundle bundleRow(java.sql.ResultSet rs, boolean files)
      throws java.sql.SQLException {
    return new Bundle(
        rs.getLong("id"),
        rs.getString("digest"),
        rs.getString("team"),
        files ? rs.getString("files") : "",
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

  /**
   * Makes a pending bundle its layer's active one (after {@link #supersede}: one active per layer).
   * The checks that the approver is not the pusher are in the SQL too, unless the server seeds its
   * own demo bundle; returns false when nothing changed.
   */
  boolean activate(Handle h, Bundle b, Principal by, long at, boolean reviewed) {
    int changed =
        h.createUpdate(
                """
                UPDATE policy_bundles SET status = 'active', active = 1, decided_by = :by,
                  decided_subject = :subject, decided_at = :at
                WHERE id = :id AND status = 'pending'
                """
                    + (reviewed
                        ? """
                          AND pushed_subject <> :subject AND pushed_subject <> :minter
                          AND COALESCE(pushed_minter, '') <> :subject
                          """
                        : ""))
            .bind("id", b.id())
            .bind("by", by.actor())
            .bind("subject", by.subject())
            .bind("minter", by.minterOrEmpty())
            .bind("at", at)
            .execute();
    return changed == 1;
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

  /** A release as the gate sees it: the caller may see its service. */
  record Release(long id, String service, String team, String version, String digest) {}

  /** The release, or a 404 problem naming it: the caller may not see it, or it does not exist. */
  Release releaseOrNotFound(Handle h, Principal p, String service, String version) {
    return targetOrNotFound(h, p, service, version).release();
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
      Release release, Stamp stamp, Optional<String> activeBundle, Optional<String> teamBundle) {}

  /**
   * The scoped release with its cache stamp and the active bundle's digest: one query instead of
   * three (every round trip to PostgreSQL costs a gate about 0.2 ms).
   */
  private static final String TARGET =
      """
      SELECT r.id, r.service_id, s.name AS service, s.team, r.version, r.digest, r.facts_rev,
        s.area, s.criticality,
        (SELECT b.digest FROM policy_bundles b WHERE b.active = 1 AND b.team IS NULL) AS bundle,
        (SELECT b.digest FROM policy_bundles b WHERE b.active = 1 AND b.team = s.team)
          AS team_bundle
      FROM releases r JOIN services s ON s.id = r.service_id
      WHERE s.name = :service AND r.version = :version AND
      """
          + SCOPE;

  /** A 404 problem naming the release when the caller may not see it or it does not exist. */
  GateTarget targetOrNotFound(Handle h, Principal p, String service, String version) {
    return scoped(h.createQuery(TARGET), p)
        .bind("service", service)
        .bind("version", version)
        .map(
            (rs, ctx) ->
                new GateTarget(
                    new Release(
                        rs.getLong("id"),
                        rs.getString("service"),
                        rs.getString("team"),
                        rs.getString("version"),
                        rs.getString("digest")),
                    new Stamp(
                        rs.getLong("facts_rev"),
                        rs.getString("team"),
                        rs.getString("area"),
                        rs.getString("criticality")),
                    Optional.ofNullable(rs.getString("bundle")),
                    Optional.ofNullable(rs.getString("team_bundle"))))
        .findOne()
        .orElseThrow(() -> notFound(service, version));
  }

  private static dev.bulwark.server.http.ApiException notFound(String service, String version) {
    return dev.bulwark.server.http.ApiException.notFound(
        "no release " + version + " of service '" + service + "'");
  }

  /**
   * Records a step of a digest's promotion, keeping the earliest time it happened (two nodes may
   * commit the same step in either order). A repeat, the usual case (CI asks again and again),
   * writes no new row version.
   */
  private static void promote(
      Handle h, String service, String digest, String environment, String event, long at) {
    h.createUpdate(
            """
            INSERT INTO promotions (service_id, digest, environment, event, first_at)
            VALUES ((SELECT id FROM services WHERE name = :s), :d, :e, :event, :at)
            ON CONFLICT (service_id, digest, environment, event) DO UPDATE
            SET first_at = excluded.first_at WHERE excluded.first_at < promotions.first_at
            """)
        .bind("s", service)
        .bind("d", digest)
        .bind("e", environment)
        .bind("event", event)
        .bind("at", at)
        .execute();
  }

  long insertDecision(
      Handle h,
      Release r,
      String environment,
      String decision,
      String bundle,
      String teamBundle,
      String inputDigest,
      String waivers,
      long ledgerIndex,
      String actor,
      long at) {
    if (decision.equals("allow")) {
      promote(h, r.service(), r.digest(), environment, "allowed", at);
    }
    return h.createUpdate(
            """
            INSERT INTO gate_decisions (service_id, version, digest, environment, decision,
              bundle_digest, input_digest, waivers, ledger_index, actor, decided_at,
              team_bundle_digest)
            VALUES ((SELECT id FROM services WHERE name = :s), :v, :d, :e, :decision, :b, :i, :w,
              :l, :actor, :at, :tb)
            """)
        .bind("s", r.service())
        .bind("v", r.version())
        .bind("d", r.digest())
        .bind("e", environment)
        .bind("decision", decision)
        .bind("b", bundle)
        .bind("tb", teamBundle)
        .bind("i", inputDigest)
        .bind("w", waivers)
        .bind("l", ledgerIndex)
        .bind("actor", actor)
        .bind("at", at)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  /** The latest gate decision for a digest of a service in an environment. */
  record LatestDecision(long id, String decision, long ledgerIndex, Instant decidedAt) {}

  Optional<LatestDecision> latestDecision(
      Handle h, String service, String digest, String environment) {
    return h.createQuery(
            """
            SELECT id, decision, ledger_index, decided_at FROM gate_decisions
            WHERE service_id = (SELECT id FROM services WHERE name = :s)
              AND digest = :d AND environment = :e
            ORDER BY id DESC LIMIT 1
            """)
        .bind("s", service)
        .bind("d", digest)
        .bind("e", environment)
        .map(
            (rs, ctx) ->
                new LatestDecision(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getLong(3),
                    Instant.ofEpochMilli(rs.getLong("decided_at"))))
        .findOne();
  }

  record Waiver(
      long id,
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

  private static final String WAIVER_COLUMNS =
      """
      w.id, s.name AS service, w.policy, w.rule, w.digest, w.finding, w.reason, w.expires_at,
      w.requested_by, w.requested_at, w.approved_by, w.approved_at, w.revoked_by, w.revoked_at,
      w.revoke_reason, w.requested_subject, w.requested_minter, w.approved_subject
      """;

  private static Instant instant(java.sql.ResultSet rs, String col) throws java.sql.SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Waiver waiverRow(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Waiver(
        rs.getLong("id"),
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

  /** A waiver as a gate applies it. */
  record UsableWaiver(
      long id, String policy, String rule, String digest, String finding, Instant expiresAt) {}

  /** What a gate reads: the target, the digest's promotion history, the usable waivers. */
  record GateFacts(GateTarget target, List<Promotion> promotions, List<UsableWaiver> waivers) {}

  /**
   * Everything a gate reads besides the release's cached facts, in one query (one round trip
   * instead of two): the target as {@link #targetOrNotFound}, the digest's promotion history, and
   * the service's usable waivers (approved, not revoked, not expired at {@code now}). Promotions
   * and waivers join the scoped target, so a caller who may not see the release learns nothing
   * else. Promotions come in the order they happened, waivers in the order they were requested (the
   * first that applies to a rule is the one a decision names).
   */
  GateFacts gateFactsOrNotFound(Handle h, Principal p, String service, String version, long now) {
    GateTarget[] target = new GateTarget[1];
    List<Promotion> promotions = new java.util.ArrayList<>();
    List<UsableWaiver> waivers = new java.util.ArrayList<>();
    scoped(
            h.createQuery(
                "WITH t AS ("
                    + TARGET
                    + """
                    )
                    SELECT 't' AS kind, 0 AS o, id, service AS a, team AS b, version AS c,
                      digest AS d, facts_rev AS n, area AS e, criticality AS f, bundle AS g,
                      team_bundle AS tb
                    FROM t
                    UNION ALL
                    SELECT 'p', p.first_at, 0, p.environment, p.event, NULL, NULL, p.first_at,
                      NULL, NULL, NULL, NULL
                    FROM promotions p JOIN t ON p.service_id = t.service_id AND p.digest = t.digest
                    UNION ALL
                    SELECT 'w', w.id, w.id, w.policy, w.rule, w.digest, w.finding, w.expires_at,
                      NULL, NULL, NULL, NULL
                    FROM waivers w JOIN t ON w.service_id = t.service_id
                    WHERE w.approved_by IS NOT NULL AND w.revoked_at IS NULL
                      AND w.expires_at > :now
                    ORDER BY kind, o, a, b
                    """),
            p)
        .bind("service", service)
        .bind("version", version)
        .bind("now", now)
        .map(
            (rs, ctx) -> {
              switch (rs.getString("kind")) {
                case "t" ->
                    target[0] =
                        new GateTarget(
                            new Release(
                                rs.getLong("id"),
                                rs.getString("a"),
                                rs.getString("b"),
                                rs.getString("c"),
                                rs.getString("d")),
                            new Stamp(
                                rs.getLong("n"),
                                rs.getString("b"),
                                rs.getString("e"),
                                rs.getString("f")),
                            Optional.ofNullable(rs.getString("g")),
                            Optional.ofNullable(rs.getString("tb")));
                case "p" ->
                    promotions.add(
                        new Promotion(rs.getString("a"), rs.getString("b"), rs.getLong("n")));
                default ->
                    waivers.add(
                        new UsableWaiver(
                            rs.getLong("id"),
                            rs.getString("a"),
                            rs.getString("b"),
                            rs.getString("c"),
                            rs.getString("d"),
                            Instant.ofEpochMilli(rs.getLong("n"))));
              }
              return 1;
            })
        .list();
    if (target[0] == null) {
      throw notFound(service, version);
    }
    return new GateFacts(target[0], promotions, waivers);
  }

  Optional<Waiver> waiver(Handle h, Principal p, long id) {
    return scoped(
            h.createQuery(
                "SELECT "
                    + WAIVER_COLUMNS
                    + " FROM waivers w JOIN services s ON s.id = w.service_id WHERE w.id = :id AND "
                    + SCOPE),
            p)
        .bind("id", id)
        .map((rs, ctx) -> waiverRow(rs))
        .findOne();
  }

  List<Waiver> waivers(Handle h, Principal p, String service) {
    var q =
        scoped(
            h.createQuery(
                "SELECT "
                    + WAIVER_COLUMNS
                    + " FROM waivers w JOIN services s ON s.id = w.service_id WHERE "
                    + (service == null ? "" : "s.name = :service AND ")
                    + SCOPE
                    + " ORDER BY w.id"),
            p);
    if (service != null) {
      q = q.bind("service", service);
    }
    return q.map((rs, ctx) -> waiverRow(rs)).list();
  }

  long insertWaiver(
      Handle h,
      String service,
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
            VALUES ((SELECT id FROM services WHERE name = :s), :p, :r, :d, :f, :reason, :exp, :by,
              :at, :subject, :minter)
            """)
        .bind("s", service)
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

  record Attestation(
      long id,
      String payloadType,
      String predicateType,
      boolean verified,
      String reason,
      String keyName,
      String builderId,
      String sourceRepository,
      String materials,
      String envelopeSha256,
      String receivedBy,
      Instant receivedAt) {}

  List<Attestation> attestations(Handle h, long release) {
    return h.createQuery(
            """
            SELECT id, payload_type, predicate_type, verified, reason, key_name, builder_id,
              source_repository, materials, envelope_sha256, received_by, received_at
            FROM attestations WHERE release_id = :r ORDER BY id
            """)
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new Attestation(
                    rs.getLong("id"),
                    rs.getString("payload_type"),
                    rs.getString("predicate_type"),
                    rs.getInt("verified") == 1,
                    rs.getString("reason"),
                    rs.getString("key_name"),
                    rs.getString("builder_id"),
                    rs.getString("source_repository"),
                    rs.getString("materials"),
                    rs.getString("envelope_sha256"),
                    rs.getString("received_by"),
                    Instant.ofEpochMilli(rs.getLong("received_at"))))
        .list();
  }

  /** Inserts an attestation unless the same envelope is stored for the release already. */
  Optional<Long> insertAttestation(
      Handle h,
      long release,
      String payloadType,
      String predicateType,
      boolean verified,
      String reason,
      String keyName,
      String builderId,
      String sourceRepository,
      String materials,
      String sha256,
      String envelope,
      String by,
      long at) {
    boolean exists =
        h.createQuery(
                    "SELECT COUNT(*) FROM attestations WHERE release_id = :r AND envelope_sha256 = :sha")
                .bind("r", release)
                .bind("sha", sha256)
                .mapTo(Long.class)
                .one()
            > 0;
    if (exists) {
      return Optional.empty();
    }
    dev.bulwark.server.releases.ReleaseDao.touch(h, release);
    return Optional.of(
        h.createUpdate(
                """
                INSERT INTO attestations (release_id, payload_type, predicate_type, verified,
                  reason, key_name, builder_id, source_repository, materials, envelope_sha256,
                  envelope, received_by, received_at)
                VALUES (:r, :pt, :pred, :v, :reason, :key, :builder, :src, :mat, :sha, :env,
                  :by, :at)
                """)
            .bind("r", release)
            .bind("pt", payloadType)
            .bind("pred", predicateType)
            .bind("v", verified ? 1 : 0)
            .bind("reason", reason)
            .bind("key", keyName)
            .bind("builder", builderId)
            .bind("src", sourceRepository)
            .bind("mat", materials)
            .bind("sha", sha256)
            .bind("env", envelope)
            .bind("by", by)
            .bind("at", at)
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one());
  }

  long insertDeployment(
      Handle h, Release r, String environment, long decision, String by, long at) {
    promote(h, r.service(), r.digest(), environment, "deployed", at);
    return h.createUpdate(
            """
            INSERT INTO deployments (service_id, version, digest, environment, decision_id,
              deployed_by, deployed_at)
            VALUES ((SELECT id FROM services WHERE name = :s), :v, :d, :e, :decision, :by, :at)
            """)
        .bind("s", r.service())
        .bind("v", r.version())
        .bind("d", r.digest())
        .bind("e", environment)
        .bind("decision", decision)
        .bind("by", by)
        .bind("at", at)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  record Deployment(
      long id,
      String service,
      String version,
      String digest,
      String environment,
      long decisionId,
      String deployedBy,
      Instant deployedAt) {}

  /** What runs where: the latest deployment of each service in each environment. */
  List<Deployment> current(Handle h, Principal p, String environment, String service) {
    var q =
        scoped(
            h.createQuery(
                """
                SELECT d.id, s.name AS service, d.version, d.digest, d.environment, d.decision_id,
                  d.deployed_by, d.deployed_at
                FROM deployments d JOIN services s ON s.id = d.service_id
                WHERE d.id IN (SELECT MAX(id) FROM deployments GROUP BY service_id, environment) AND
                """
                    + (environment == null ? "" : "d.environment = :env AND ")
                    + (service == null ? "" : "s.name = :service AND ")
                    + SCOPE
                    + " ORDER BY s.name, d.environment"),
            p);
    if (environment != null) {
      q = q.bind("env", environment);
    }
    if (service != null) {
      q = q.bind("service", service);
    }
    return q.map(
            (rs, ctx) ->
                new Deployment(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getLong(6),
                    rs.getString(7),
                    Instant.ofEpochMilli(rs.getLong(8))))
        .list();
  }

  private static final String DECISION_COLUMNS =
      """
      SELECT g.id, s.name AS service, g.version, g.digest, g.environment, g.decision, g.bundle_digest,
        g.input_digest, g.waivers, g.ledger_index, g.actor, g.decided_at
      FROM gate_decisions g JOIN services s ON s.id = g.service_id
      """;

  /**
   * A decision row as the API lists it; its explanation lives in its ledger entry's after state.
   */
  private static Gates.DecisionSummary decisionRow(java.sql.ResultSet rs)
      throws java.sql.SQLException {
    List<String> waivers;
    try {
      waivers =
          dev.bulwark.server.http.Json.MAPPER.readValue(
              rs.getString(9),
              new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException("decision " + rs.getLong(1) + " has unreadable waivers", e);
    }
    return new Gates.DecisionSummary(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        waivers,
        rs.getLong(10),
        rs.getString(11),
        Instant.ofEpochMilli(rs.getLong(12)));
  }

  Optional<Gates.DecisionSummary> decision(Handle h, Principal p, long id) {
    return scoped(h.createQuery(DECISION_COLUMNS + " WHERE g.id = :id AND " + SCOPE), p)
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
                DECISION_COLUMNS
                    + " WHERE "
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
        .map((rs, ctx) -> new LedgerRecord(rs.getString(1), rs.getString(2)))
        .findOne();
  }
}
