package dev.bulwark.server.findings;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.releases.TeamScope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * SQL of findings, their ids, events, transition and risk-acceptance requests and carried-over
 * decisions. Every read a caller makes carries the caller's team scope ({@link TeamScope}).
 */
final class FindingDao {
  /** A finding made by a scan, before it is stored. */
  record FindingRow(
      String componentRef,
      String purl,
      String vulnId,
      String aliasesJson,
      List<String> ids,
      String severity,
      Double score,
      String severitySource,
      String fixed,
      String summary) {}

  /** A finding as a gate reads it, before its SLA is applied. */
  record GateRow(
      String vulnId,
      List<String> aliases,
      String severity,
      String purl,
      String fixed,
      String state,
      Instant firstSeen,
      Instant expiresAt) {}

  /** An open finding with what its SLA needs: the service's team, criticality and area. */
  record OpenFinding(
      String service,
      String team,
      String criticality,
      String area,
      String version,
      String id,
      String severity,
      String purl,
      Instant firstSeen,
      long findingId) {}

  /** The finding a change is about, with its package and every id it is known by. */
  record Target(
      long id,
      long release,
      String service,
      String team,
      String state,
      Instant expiresAt,
      String ecosystem,
      String pkg,
      List<String> ids) {}

  /** A state change, as stored on the finding and in its events. */
  record StateChange(
      long finding,
      String actor,
      String from,
      String to,
      String reason,
      String justification,
      Instant expires,
      Instant at) {}

  /** A pending or decided not_affected or fixed verdict. */
  record TransitionRequestRow(
      long finding,
      String state,
      String justification,
      String reason,
      String scope,
      String by,
      String subject,
      String minter,
      String status) {}

  record NewTransitionRequest(
      long finding,
      String state,
      String justification,
      String reason,
      String scope,
      String by,
      String subject,
      String minter,
      Instant at) {}

  record RiskRequestRow(
      long finding,
      String by,
      String reason,
      Instant expires,
      String scope,
      String status,
      String subject,
      String minter) {}

  record NewRiskRequest(
      long finding,
      String by,
      String subject,
      String minter,
      Instant at,
      String reason,
      Instant expires,
      String scope) {}

  /** A verdict that carries over to later releases of a service, or to a team's services. */
  record Decision(
      String scope,
      String value,
      String ecosystem,
      String pkg,
      String idsJson,
      String state,
      String justification,
      String reason,
      Instant expires,
      String actor,
      Instant at,
      String version,
      String source) {}

  /** A decision as carry-over reads it. */
  record StoredDecision(
      long id,
      String state,
      String justification,
      String reason,
      Instant expires,
      List<String> ids,
      String version) {}

  /** An open finding of a release that a decision may apply to. */
  record OpenRow(long id, String state, String ecosystem, String pkg, String purl) {}

  /** A finding of a service that a VEX statement names. */
  record VexHit(long id, long release, String state, String purl) {}

  /** A stored component whose package an advisory change names. */
  record StoredComponent(
      long release,
      String service,
      String team,
      String version,
      String ref,
      String name,
      String componentVersion,
      String purl,
      dev.bulwark.vuln.sbom.Component.Origin origin) {
    dev.bulwark.vuln.sbom.Component component() {
      return new dev.bulwark.vuln.sbom.Component(ref, name, componentVersion, purl, origin);
    }
  }

  /** A finding of a re-evaluated component. */
  record Existing(
      long id,
      String ref,
      String vuln,
      String state,
      String actor,
      String severity,
      Double score,
      String severitySource) {
    /** Whether {@code now} rates this finding as it is stored. */
    boolean ratedAs(FindingRow now) {
      return java.util.Objects.equals(severity, now.severity())
          && java.util.Objects.equals(score, now.score())
          && java.util.Objects.equals(severitySource, now.severitySource());
    }
  }

  /** A serious finding left open after an upload, for the finding.new event. */
  record Serious(long finding, String vulnerability, String severity, String purl) {}

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long at = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(at);
  }

  private static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }

  // ---- reading findings ----

  /** The release's findings as stored: no SLA date yet, the state not yet made effective. */
  List<Findings.Finding> findings(Handle h, long release) {
    return h.createQuery(
            """
            SELECT f.id, f.vuln_id, f.aliases, f.severity, f.score, f.severity_source, f.purl,
              f.component_ref, f.fixed, f.summary, f.state, f.first_seen, f.justification,
              f.state_reason, f.expires_at, c.source_name, c.source_version, c.package_type,
              COALESCE(c.source_recorded, 0) AS source_recorded, c.locations
            FROM findings f LEFT JOIN release_components c
              ON c.release_id = f.release_id AND c.ref = f.component_ref
            WHERE f.release_id = :r AND
            """
                + TeamScope.VISIBLE_R
                + " ORDER BY f.vuln_id, f.component_ref")
        .bind("r", release)
        .map(
            (rs, ctx) -> {
              double score = rs.getDouble("score");
              Double s = rs.wasNull() ? null : score;
              return new Findings.Finding(
                  rs.getString("vuln_id"),
                  ReleaseJson.strings(rs.getString("aliases")),
                  rs.getString("severity"),
                  s,
                  Findings.SeveritySource.parse(rs.getString("severity_source")),
                  rs.getString("purl"),
                  rs.getString("component_ref"),
                  dev.bulwark.server.releases.Releases.shown(
                      dev.bulwark.server.releases.Releases.storedOrigin(rs)),
                  rs.getString("fixed"),
                  rs.getString("summary"),
                  rs.getString("state"),
                  Instant.ofEpochMilli(rs.getLong("first_seen")),
                  null,
                  rs.getLong("id"),
                  rs.getString("justification"),
                  rs.getString("state_reason"),
                  instant(rs, "expires_at"),
                  null);
            })
        .list();
  }

  /** Only the columns a rule reads, in the order the findings listing uses. */
  List<GateRow> gateRows(Handle h, long release) {
    return h.createQuery(
            """
            SELECT vuln_id, aliases, severity, purl, fixed, state, first_seen, expires_at
            FROM findings WHERE release_id = :r ORDER BY vuln_id, component_ref
            """)
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new GateRow(
                    rs.getString("vuln_id"),
                    ReleaseJson.strings(rs.getString("aliases")),
                    rs.getString("severity"),
                    rs.getString("purl"),
                    rs.getString("fixed"),
                    rs.getString("state"),
                    Instant.ofEpochMilli(rs.getLong("first_seen")),
                    instant(rs, "expires_at")))
        .list();
  }

  List<OpenFinding> openFindings(Handle h, Principal p, String team, Instant now) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT s.name AS service, s.team, s.criticality, s.area, r.version, f.vuln_id,
                  f.severity, f.purl, f.first_seen, f.id
                FROM findings f JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                WHERE (f.state = 'open' OR (f.state = 'risk_accepted' AND f.expires_at <= :now))
                  AND (:team IS NULL OR s.team = :team) AND
                """
                    + TeamScope.SCOPE
                    + " AND "
                    + TeamScope.VISIBLE
                    + " ORDER BY f.first_seen, s.name"),
            p)
        .bind("team", team)
        .bind("now", now.toEpochMilli())
        .map(
            (rs, ctx) ->
                new OpenFinding(
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("criticality"),
                    rs.getString("area"),
                    rs.getString("version"),
                    rs.getString("vuln_id"),
                    rs.getString("severity"),
                    rs.getString("purl"),
                    Instant.ofEpochMilli(rs.getLong("first_seen")),
                    rs.getLong("id")))
        .list();
  }

  // ---- storing findings ----

  /**
   * The packages carried-over decisions name (those taken since {@code since}, or all when null):
   * only their findings need a carry-over pass.
   */
  Set<String> decidedPackages(Handle h, Instant since) {
    return new HashSet<>(
        h.createQuery("SELECT DISTINCT ecosystem, package FROM decisions WHERE at >= :since")
            .bind("since", since == null ? Long.MIN_VALUE : since.toEpochMilli())
            .map((rs, ctx) -> rs.getString("ecosystem") + ":" + rs.getString("package"))
            .list());
  }

  /**
   * Inserts findings with one multi-row statement and their ids with one batch (on PostgreSQL
   * rewritten into multi-row inserts by the driver). At most 3,000 rows: the statement binds ten
   * parameters per row, and SQLite takes at most 32,766.
   */
  void insertBatch(Handle h, long release, List<FindingRow> rows, Instant at) {
    if (rows.isEmpty()) {
      return;
    }
    java.sql.Connection c = h.getConnection();
    // One multi-row statement (the same fixed row fragment per row) that returns the new ids: no
    // second lookup (which on PostgreSQL, with
    // the statistics of a table that has just grown, can turn into a scan per step).
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO findings (release_id, component_ref, purl, vuln_id, aliases, severity, score, severity_source, fixed, summary, state, first_seen) VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)");
    }
    sql.append(" RETURNING id, component_ref, vuln_id");
    java.util.Map<String, Long> idOf = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (FindingRow f : rows) {
        ps.setLong(p++, release);
        ps.setString(p++, f.componentRef());
        ps.setString(p++, f.purl());
        ps.setString(p++, f.vulnId());
        ps.setString(p++, f.aliasesJson());
        ps.setString(p++, f.severity());
        if (f.score() == null) {
          ps.setNull(p++, java.sql.Types.DOUBLE);
        } else {
          ps.setDouble(p++, f.score());
        }
        ps.setString(p++, f.severitySource());
        ps.setString(p++, f.fixed());
        ps.setString(p++, f.summary());
        ps.setLong(p++, at.toEpochMilli());
      }
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          idOf.put(rs.getString(2) + "\n" + rs.getString(3), rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the findings", e);
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO finding_ids (finding_id, vuln_id) VALUES (?, ?)")) {
      for (FindingRow f : rows) {
        long id = idOf.get(f.componentRef() + "\n" + f.vulnId());
        for (String vid : new java.util.LinkedHashSet<>(f.ids())) {
          ps.setLong(1, id);
          ps.setString(2, vid);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store the findings' ids", e);
    }
  }

  /**
   * Sets a stored finding's severity to what the advisories now say (an alias record loaded since,
   * a record re-rated). The SLA date, computed from the severity when read, follows.
   */
  void updateSeverity(Handle h, long finding, FindingRow now) {
    h.createUpdate(
            """
            UPDATE findings SET severity = :sev, score = :score, severity_source = :source
            WHERE id = :id
            """)
        .bind("id", finding)
        .bind("sev", now.severity())
        .bind("score", now.score())
        .bind("source", now.severitySource())
        .execute();
  }

  /** Inserts findings one by one: the few an advisory sync adds. */
  void insert(Handle h, long release, List<FindingRow> rows, Instant at) {
    for (FindingRow f : rows) {
      long id =
          h.createUpdate(
                  """
                  INSERT INTO findings (release_id, component_ref, purl, vuln_id, aliases, severity,
                    score, severity_source, fixed, summary, state, first_seen)
                  VALUES (:r, :ref, :purl, :vuln, :aliases, :sev, :score, :source, :fixed, :summary,
                    'open', :at)
                  """)
              .bind("r", release)
              .bind("ref", f.componentRef())
              .bind("purl", f.purl())
              .bind("vuln", f.vulnId())
              .bind("aliases", f.aliasesJson())
              .bind("sev", f.severity())
              .bind("score", f.score())
              .bind("source", f.severitySource())
              .bind("fixed", f.fixed())
              .bind("summary", f.summary())
              .bind("at", at.toEpochMilli())
              .executeAndReturnGeneratedKeys("id")
              .mapTo(Long.class)
              .one();
      for (String vid : f.ids()) {
        h.createUpdate(
                """
                INSERT INTO finding_ids (finding_id, vuln_id) VALUES (:f, :v) ON CONFLICT DO NOTHING
                """)
            .bind("f", id)
            .bind("v", vid)
            .execute();
      }
    }
  }

  // ---- the lifecycle ----

  Optional<Target> target(Handle h, Principal p, long finding) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT f.id, f.release_id, s.name AS service, s.team, f.state, f.expires_at,
                  c.ecosystem, c.package
                FROM findings f JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                LEFT JOIN release_components c
                  ON c.release_id = f.release_id AND c.ref = f.component_ref
                WHERE f.id = :id AND
                """
                    + TeamScope.VISIBLE
                    + " AND "
                    + TeamScope.SCOPE),
            p)
        .bind("id", finding)
        .map(
            (rs, ctx) ->
                new Target(
                    rs.getLong("id"),
                    rs.getLong("release_id"),
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("state"),
                    instant(rs, "expires_at"),
                    rs.getString("ecosystem"),
                    rs.getString("package"),
                    List.of()))
        .findOne()
        .map(
            t ->
                new Target(
                    t.id(),
                    t.release(),
                    t.service(),
                    t.team(),
                    t.state(),
                    t.expiresAt(),
                    t.ecosystem(),
                    t.pkg(),
                    ids(h, t.id())));
  }

  /** Every id the finding is known by (its record id and aliases), sorted. */
  List<String> ids(Handle h, long finding) {
    return h.createQuery("SELECT vuln_id FROM finding_ids WHERE finding_id = :f ORDER BY vuln_id")
        .bind("f", finding)
        .mapTo(String.class)
        .list();
  }

  /** Sets the finding's state and appends the change to its events. */
  void setState(Handle h, StateChange c) {
    h.createUpdate(
            """
            UPDATE findings SET state = :to, state_reason = :reason, justification = :justification,
              state_actor = :actor, state_at = :at, expires_at = :expires
            WHERE id = :finding
            """)
        .bind("to", c.to())
        .bind("reason", c.reason())
        .bind("justification", c.justification())
        .bind("actor", c.actor())
        .bind("at", c.at().toEpochMilli())
        .bind("expires", millis(c.expires()))
        .bind("finding", c.finding())
        .execute();
    h.createUpdate(
            """
            INSERT INTO finding_events (finding_id, at, actor, from_state, to_state, reason,
              justification, expires_at)
            VALUES (:finding, :at, :actor, :from, :to, :reason, :justification, :expires)
            """)
        .bind("finding", c.finding())
        .bind("at", c.at().toEpochMilli())
        .bind("actor", c.actor())
        .bind("from", c.from())
        .bind("to", c.to())
        .bind("reason", c.reason())
        .bind("justification", c.justification())
        .bind("expires", millis(c.expires()))
        .execute();
  }

  String criticality(Handle h, String service) {
    return h.createQuery("SELECT criticality FROM services WHERE name = :n")
        .bind("n", service)
        .mapTo(String.class)
        .one();
  }

  /** The team of a service the caller may see. */
  Optional<String> teamOf(Handle h, Principal p, String service) {
    return TeamScope.scoped(
            h.createQuery("SELECT s.team FROM services s WHERE s.name = :n AND " + TeamScope.SCOPE),
            p)
        .bind("n", service)
        .mapTo(String.class)
        .findOne();
  }

  long insertTransitionRequest(Handle h, NewTransitionRequest r) {
    return h.createUpdate(
            """
            INSERT INTO transition_requests (finding_id, to_state, justification, reason, scope,
              requested_by, requested_subject, requested_minter, requested_at, status)
            VALUES (:finding, :state, :justification, :reason, :scope, :by, :subject, :minter,
              :millis, 'pending')
            """)
        .bind("finding", r.finding())
        .bind("state", r.state())
        .bind("justification", r.justification())
        .bind("reason", r.reason())
        .bind("scope", r.scope())
        .bind("by", r.by())
        .bind("subject", r.subject())
        .bind("minter", r.minter())
        .bind("millis", r.at().toEpochMilli())
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  Optional<TransitionRequestRow> transitionRequest(Handle h, long id) {
    return h.createQuery(
            """
            SELECT finding_id, to_state, justification, reason, scope, requested_by,
              requested_subject, requested_minter, status
            FROM transition_requests WHERE id = :id
            """)
        .bind("id", id)
        .map(
            (rs, ctx) ->
                new TransitionRequestRow(
                    rs.getLong("finding_id"),
                    rs.getString("to_state"),
                    rs.getString("justification"),
                    rs.getString("reason"),
                    rs.getString("scope"),
                    rs.getString("requested_by"),
                    rs.getString("requested_subject"),
                    rs.getString("requested_minter"),
                    rs.getString("status")))
        .findOne();
  }

  void decideTransitionRequest(
      Handle h, long id, String status, String by, String subject, Instant at) {
    h.createUpdate(
            """
            UPDATE transition_requests SET status = :status, decided_by = :by,
              decided_subject = :subject, decided_at = :at
            WHERE id = :id AND status = 'pending'
            """)
        .bind("status", status)
        .bind("by", by)
        .bind("subject", subject)
        .bind("at", at.toEpochMilli())
        .bind("id", id)
        .execute();
  }

  List<FindingLifecycle.TransitionRequestView> transitionRequests(
      Handle h, Principal p, String status, int limit) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT t.id, t.finding_id, s.name AS service, r.version, t.to_state,
                  t.justification, t.reason, t.scope, t.requested_by,
                  t.requested_subject, t.requested_at, t.status, t.decided_by,
                  t.decided_subject, t.decided_at
                FROM transition_requests t JOIN findings f ON f.id = t.finding_id
                JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                WHERE (:status IS NULL OR t.status = :status) AND
                """
                    + TeamScope.SCOPE
                    + " ORDER BY t.id DESC LIMIT :limit"),
            p)
        .bind("status", status)
        .bind("limit", limit)
        .map(
            (rs, ctx) -> {
              Instant decided = instant(rs, "decided_at");
              return new FindingLifecycle.TransitionRequestView(
                  rs.getLong("id"),
                  rs.getLong("finding_id"),
                  rs.getString("service"),
                  rs.getString("version"),
                  rs.getString("to_state"),
                  rs.getString("justification"),
                  rs.getString("reason"),
                  rs.getString("scope"),
                  rs.getString("requested_by"),
                  rs.getString("requested_subject"),
                  Instant.ofEpochMilli(rs.getLong("requested_at")).toString(),
                  rs.getString("status"),
                  rs.getString("decided_by"),
                  rs.getString("decided_subject"),
                  decided == null ? null : decided.toString());
            })
        .list();
  }

  void insertDecision(Handle h, Decision d) {
    h.createUpdate(
            """
            INSERT INTO decisions (scope, scope_value, service_id, ecosystem, package, vuln_ids,
              state, justification, reason, expires_at, actor, at, version, source)
            VALUES (:scope, :value,
              (SELECT id FROM services WHERE name = :value AND :scope = 'service'),
              :ecosystem, :pkg, :idsJson, :state, :justification, :reason, :expiresMillis, :actor,
              :atMillis, :version, :source)
            """)
        .bind("scope", d.scope())
        .bind("value", d.value())
        .bind("ecosystem", d.ecosystem())
        .bind("pkg", d.pkg())
        .bind("idsJson", d.idsJson())
        .bind("state", d.state())
        .bind("justification", d.justification())
        .bind("reason", d.reason())
        .bind("actor", d.actor())
        .bind("version", d.version())
        .bind("source", d.source())
        .bind("expiresMillis", millis(d.expires()))
        .bind("atMillis", d.at().toEpochMilli())
        .execute();
  }

  long insertRiskRequest(Handle h, NewRiskRequest r) {
    return h.createUpdate(
            """
            INSERT INTO risk_requests (finding_id, requested_by, requested_at, reason, expires_at,
              scope, status, requested_subject, requested_minter)
            VALUES (:finding, :by, :atMillis, :reason, :expiresMillis, :scope, 'pending', :subject,
              :minter)
            """)
        .bind("finding", r.finding())
        .bind("by", r.by())
        .bind("reason", r.reason())
        .bind("scope", r.scope())
        .bind("subject", r.subject())
        .bind("minter", r.minter())
        .bind("atMillis", r.at().toEpochMilli())
        .bind("expiresMillis", r.expires().toEpochMilli())
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  Optional<RiskRequestRow> riskRequest(Handle h, long id) {
    return h.createQuery(
            """
            SELECT finding_id, requested_by, reason, expires_at, scope, status, requested_subject,
              requested_minter
            FROM risk_requests WHERE id = :id
            """)
        .bind("id", id)
        .map(
            (rs, ctx) ->
                new RiskRequestRow(
                    rs.getLong("finding_id"),
                    rs.getString("requested_by"),
                    rs.getString("reason"),
                    Instant.ofEpochMilli(rs.getLong("expires_at")),
                    rs.getString("scope"),
                    rs.getString("status"),
                    rs.getString("requested_subject"),
                    rs.getString("requested_minter")))
        .findOne();
  }

  void approveRiskRequest(Handle h, long id, String by, String subject, Instant at) {
    h.createUpdate(
            """
            UPDATE risk_requests SET status = 'approved', approved_by = :by, approved_at = :at,
              approved_subject = :subject
            WHERE id = :id
            """)
        .bind("by", by)
        .bind("subject", subject)
        .bind("at", at.toEpochMilli())
        .bind("id", id)
        .execute();
  }

  /**
   * The index of each finding's latest ledger entry (its last triage: a change of state, a verdict
   * or risk acceptance asked for or approved), for findings the caller was shown; only entries
   * filed under a service of the caller's teams. A finding never triaged has none.
   */
  Map<Long, Long> lastLedgerEntries(Handle h, Principal p, Collection<Long> findings) {
    if (findings.isEmpty()) {
      return Map.of();
    }
    Map<Long, Long> out = new java.util.HashMap<>();
    TeamScope.scoped(
            h.createQuery(
                """
                SELECT e.subject_id, MAX(e.idx) AS idx FROM ledger_entries e
                WHERE e.subject_kind = 'finding' AND e.subject_id IN (<ids>)
                  AND e.service IN (SELECT s.name FROM services s WHERE
                """
                    + TeamScope.SCOPE
                    + ") GROUP BY e.subject_id"),
            p)
        .bindList("ids", findings.stream().map(String::valueOf).toList())
        .map((rs, ctx) -> Map.entry(Long.parseLong(rs.getString(1)), rs.getLong(2)))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  List<FindingLifecycle.Event> events(Handle h, long finding) {
    return h.createQuery(
            """
            SELECT at, actor, from_state, to_state, reason, justification, expires_at
            FROM finding_events WHERE finding_id = :f ORDER BY id
            """)
        .bind("f", finding)
        .map(
            (rs, ctx) -> {
              Instant expires = instant(rs, "expires_at");
              return new FindingLifecycle.Event(
                  Instant.ofEpochMilli(rs.getLong("at")).toString(),
                  rs.getString("actor"),
                  rs.getString("from_state"),
                  rs.getString("to_state"),
                  rs.getString("reason"),
                  rs.getString("justification"),
                  expires == null ? null : expires.toString());
            })
        .list();
  }

  // ---- carry-over ----

  private static final String OPEN_ROWS =
      """
      SELECT f.id, f.state, c.ecosystem, c.package, c.purl
      FROM findings f JOIN release_components c
        ON c.release_id = f.release_id AND c.ref = f.component_ref
      WHERE f.release_id = :r AND f.state = 'open' AND c.package IS NOT NULL
      """;

  /** The release's open findings with a package, or only those of the components named. */
  List<OpenRow> openRows(Handle h, long release, Collection<String> onlyRefs) {
    var query =
        onlyRefs == null
            ? h.createQuery(OPEN_ROWS)
            : h.createQuery(OPEN_ROWS + " AND f.component_ref IN (<refs>)")
                .bindList("refs", List.copyOf(onlyRefs));
    return query
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new OpenRow(
                    rs.getLong("id"),
                    rs.getString("state"),
                    rs.getString("ecosystem"),
                    rs.getString("package"),
                    rs.getString("purl")))
        .list();
  }

  /** Unexpired decisions for the package, for the service or across its team, newest first. */
  List<StoredDecision> decisions(
      Handle h, String ecosystem, String pkg, String service, String team, Instant now) {
    return h.createQuery(
            """
            SELECT id, state, justification, reason, expires_at, vuln_ids, version FROM decisions
            WHERE ecosystem = :eco AND package = :pkg
              AND ((scope = 'service' AND service_id = (SELECT id FROM services WHERE name = :service))
                OR (scope = 'team' AND scope_value = :team))
              AND archived_at IS NULL
              AND (expires_at IS NULL OR expires_at > :now)
            ORDER BY id DESC
            """)
        .bind("eco", ecosystem)
        .bind("pkg", pkg)
        .bind("service", service)
        .bind("team", team)
        .bind("now", now.toEpochMilli())
        .map(
            (rs, ctx) ->
                new StoredDecision(
                    rs.getLong("id"),
                    rs.getString("state"),
                    rs.getString("justification"),
                    rs.getString("reason"),
                    // wasNull() speaks of the last column read: ask it right after expires_at (a
                    // NULL read as 0 made verdicts without expiry expire in 1970).
                    instant(rs, "expires_at"),
                    ReleaseJson.strings(rs.getString("vuln_ids")),
                    rs.getString("version")))
        .list();
  }

  /** Findings of the service's releases in the package known by {@code vuln}. */
  List<VexHit> vexHits(Handle h, String service, String ecosystem, String pkg, String vuln) {
    return h.createQuery(
            """
            SELECT f.id, f.release_id, f.state, c.purl FROM findings f
            JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id
            JOIN release_components c ON c.release_id = f.release_id AND c.ref = f.component_ref
            WHERE s.name = :s AND c.ecosystem = :eco AND c.package = :pkg
              AND EXISTS (SELECT 1 FROM finding_ids i WHERE i.finding_id = f.id AND i.vuln_id = :v)
            ORDER BY f.id
            """)
        .bind("s", service)
        .bind("eco", ecosystem)
        .bind("pkg", pkg)
        .bind("v", vuln)
        .map(
            (rs, ctx) ->
                new VexHit(
                    rs.getLong("id"),
                    rs.getLong("release_id"),
                    rs.getString("state"),
                    rs.getString("purl")))
        .list();
  }

  // ---- re-evaluation ----

  List<StoredComponent> componentsWithPackage(Handle h, String ecosystem, String pkg) {
    return h.createQuery(
            """
            SELECT c.release_id, s.name AS service, s.team, r.version, c.ref, c.name,
              c.version AS cv, c.purl, c.source_name, c.source_version, c.package_type,
              c.source_recorded, c.locations
            FROM release_components c JOIN releases r ON r.id = c.release_id
            JOIN services s ON s.id = r.service_id
            WHERE c.ecosystem = :eco AND (c.package = :pkg OR c.source_name = :pkg) AND
            """
                + TeamScope.VISIBLE)
        .bind("eco", ecosystem)
        .bind("pkg", pkg)
        .map(
            (rs, ctx) ->
                new StoredComponent(
                    rs.getLong("release_id"),
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("version"),
                    rs.getString("ref"),
                    rs.getString("name"),
                    rs.getString("cv"),
                    rs.getString("purl"),
                    dev.bulwark.server.releases.Releases.storedOrigin(rs)))
        .list();
  }

  List<Existing> existing(Handle h, long release, List<String> refs) {
    return h.createQuery(
            """
            SELECT id, component_ref, vuln_id, state, state_actor, severity, score, severity_source
            FROM findings WHERE release_id = :r AND component_ref IN (<refs>)
            """)
        .bind("r", release)
        .bindList("refs", refs)
        .map(
            (rs, ctx) -> {
              double score = rs.getDouble("score");
              Double s = rs.wasNull() ? null : score;
              return new Existing(
                  rs.getLong("id"),
                  rs.getString("component_ref"),
                  rs.getString("vuln_id"),
                  rs.getString("state"),
                  rs.getString("state_actor"),
                  rs.getString("severity"),
                  s,
                  rs.getString("severity_source"));
            })
        .list();
  }

  // ---- the finding.new event ----

  /** True when a webhook of the team (or of every team) listens for finding.new. */
  List<Serious> seriousOpen(Handle h, long release) {
    return h.createQuery(
            """
            SELECT id, vuln_id, severity, purl FROM findings
            WHERE release_id = :r AND state = 'open' AND severity IN ('critical', 'high')
            ORDER BY id
            """)
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new Serious(
                    rs.getLong("id"),
                    rs.getString("vuln_id"),
                    rs.getString("severity"),
                    rs.getString("purl")))
        .list();
  }

  /**
   * Risk acceptance requests of findings the caller may see, newest first, optionally of one status
   * and one service: what a reviewer reads to find the acceptances that wait.
   */
  List<FindingLifecycle.RiskRequestView> riskRequests(
      Handle h, Principal p, String status, String service, int limit) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT q.id, q.finding_id, s.name AS service, r.version, f.vuln_id, f.severity,
                  q.reason, q.expires_at, q.scope, q.status, q.requested_by, q.requested_subject,
                  q.requested_at, q.approved_by, q.approved_subject, q.approved_at
                FROM risk_requests q JOIN findings f ON f.id = q.finding_id
                JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                WHERE (:status IS NULL OR q.status = :status)
                  AND (:service IS NULL OR s.name = :service) AND
                """
                    + TeamScope.SCOPE
                    + " ORDER BY q.id DESC LIMIT :limit"),
            p)
        .bind("status", status)
        .bind("service", service)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new FindingLifecycle.RiskRequestView(
                    rs.getLong("id"),
                    rs.getLong("finding_id"),
                    rs.getString("service"),
                    rs.getString("version"),
                    rs.getString("vuln_id"),
                    rs.getString("severity"),
                    rs.getString("reason"),
                    Instant.ofEpochMilli(rs.getLong("expires_at")),
                    rs.getString("scope"),
                    rs.getString("status"),
                    rs.getString("requested_by"),
                    rs.getString("requested_subject"),
                    Instant.ofEpochMilli(rs.getLong("requested_at")),
                    rs.getString("approved_by"),
                    rs.getString("approved_subject"),
                    instant(rs, "approved_at")))
        .list();
  }

  /** A count of a service's open findings of one severity in one release. */
  record OpenCount(String version, String severity, long count) {}

  /**
   * Open findings (an expired risk acceptance counts as open) per release and severity, over the
   * releases of one service the caller may see: the counts beside each release on a service page.
   */
  List<OpenCount> openCounts(Handle h, Principal p, String service, Instant now) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT r.version, f.severity, COUNT(*) AS n
                FROM findings f JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                WHERE s.name = :service
                  AND (f.state = 'open' OR (f.state = 'risk_accepted' AND f.expires_at <= :now))
                  AND
                """
                    + TeamScope.SCOPE
                    + " AND "
                    + TeamScope.VISIBLE
                    + " GROUP BY r.version, f.severity"),
            p)
        .bind("service", service)
        .bind("now", now.toEpochMilli())
        .map(
            (rs, ctx) ->
                new OpenCount(rs.getString("version"), rs.getString("severity"), rs.getLong("n")))
        .list();
  }
}
