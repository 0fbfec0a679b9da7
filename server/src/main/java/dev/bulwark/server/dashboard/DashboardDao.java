package dev.bulwark.server.dashboard;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * All the dashboard's SQL: reading the state of the portfolio at a moment (for a snapshot), writing
 * a day's snapshot, and reading snapshots back. The caller's team scope ({@code (:all OR team IN
 * (<teams>))}) is in every statement that reads for a caller; the snapshot statements read for the
 * server itself.
 */
final class DashboardDao {
  private static final String SCOPE = "(:all OR team IN (<teams>))";

  private static <S extends SqlStatement<S>> S scoped(S st, Principal p) {
    return st.bind("all", p.allTeams()).bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
  }

  // ---- the state of the portfolio at a moment ----

  /** A live service that existed at the moment, with what its SLA depends on. */
  record ServiceRow(long id, String team, String area, String criticality) {}

  List<ServiceRow> servicesAt(Handle h, Instant at) {
    return h.createQuery(
            """
            SELECT id, team, area, criticality FROM services WHERE created_at < :t ORDER BY id
            """)
        .bind("t", at.toEpochMilli())
        .map(
            (rs, ctx) ->
                new ServiceRow(
                    rs.getLong("id"),
                    rs.getString("team"),
                    rs.getString("area"),
                    rs.getString("criticality")))
        .list();
  }

  /** How many unresolved findings of one severity, first seen at one moment, a service had. */
  record OpenGroup(long serviceId, String severity, Instant firstSeen, long count) {}

  /**
   * The findings unresolved at {@code at} (state open, triaged or affected, or a risk acceptance
   * expired by then) of each service's live releases at {@code at}: its newest release and the
   * release last deployed to each environment. A finding's state at a past moment is the from-state
   * of its first event after it, or its current state when none followed. Grouped by first-seen
   * time, since the SLA due date is computed from it (with the SLA policy, outside SQL).
   */
  List<OpenGroup> openAt(Handle h, Instant at) {
    return h.createQuery(
            """
            SELECT x.service_id, x.severity, x.first_seen, COUNT(*) AS n FROM (
              SELECT lr.service_id, f.severity, f.first_seen, f.expires_at,
                COALESCE((SELECT e.from_state FROM finding_events e
                          WHERE e.finding_id = f.id AND e.at >= :t
                          ORDER BY e.at, e.id LIMIT 1), f.state) AS state_then
              FROM (
                SELECT r.id, r.service_id FROM releases r
                WHERE r.created_at < :t AND r.sbom_pending IS NULL AND (
                  r.id = (SELECT MAX(n.id) FROM releases n
                          WHERE n.service_id = r.service_id AND n.created_at < :t)
                  OR EXISTS (
                    SELECT 1 FROM deployments d
                    WHERE d.service_id = r.service_id AND d.version = r.version
                      AND d.id = (SELECT MAX(l.id) FROM deployments l
                                  WHERE l.service_id = d.service_id
                                    AND l.environment = d.environment AND l.deployed_at < :t)))
              ) lr JOIN findings f ON f.release_id = lr.id
              WHERE f.first_seen < :t
            ) x
            WHERE x.state_then IN ('open', 'triaged', 'affected')
               OR (x.state_then = 'risk_accepted' AND x.expires_at <= :t)
            GROUP BY x.service_id, x.severity, x.first_seen
            """)
        .bind("t", at.toEpochMilli())
        .map(
            (rs, ctx) ->
                new OpenGroup(
                    rs.getLong("service_id"),
                    rs.getString("severity"),
                    Instant.ofEpochMilli(rs.getLong("first_seen")),
                    rs.getLong("n")))
        .list();
  }

  /** One service's gate decisions of a day in one environment. */
  record GateRow(long serviceId, String team, String environment, long allowed, long denied) {}

  List<GateRow> gatesBetween(Handle h, Instant from, Instant to) {
    return h.createQuery(
            """
            SELECT g.service_id, s.team, g.environment,
              SUM(CASE WHEN g.decision = 'allow' THEN 1 ELSE 0 END) AS allowed,
              SUM(CASE WHEN g.decision = 'allow' THEN 0 ELSE 1 END) AS denied
            FROM gate_decisions g JOIN services s ON s.id = g.service_id
            WHERE g.decided_at >= :from AND g.decided_at < :to
            GROUP BY g.service_id, s.team, g.environment
            """)
        .bind("from", from.toEpochMilli())
        .bind("to", to.toEpochMilli())
        .map(
            (rs, ctx) ->
                new GateRow(
                    rs.getLong("service_id"),
                    rs.getString("team"),
                    rs.getString("environment"),
                    rs.getLong("allowed"),
                    rs.getLong("denied")))
        .list();
  }

  // ---- writing a day ----

  /** One service's row of a day's snapshot. */
  record ServiceDay(ServiceRow service, Counts open, long overdue) {}

  /** Replaces the snapshot of {@code day}: its service, team and gate rows. */
  void replaceDay(
      Handle h, LocalDate day, Instant recordedAt, List<ServiceDay> rows, List<GateRow> gates) {
    String d = day.toString();
    for (String table :
        List.of(
            "DELETE FROM dashboard_service_days WHERE day = :d",
            "DELETE FROM dashboard_team_days WHERE day = :d",
            "DELETE FROM dashboard_gate_days WHERE day = :d",
            "DELETE FROM dashboard_days WHERE day = :d")) {
      h.createUpdate(table).bind("d", d).execute();
    }
    PreparedBatch services =
        h.prepareBatch(
            """
            INSERT INTO dashboard_service_days (day, service_id, team, area, criticality, critical,
              high, medium, low, unknown, overdue)
            VALUES (:d, :id, :team, :area, :crit, :critical, :high, :medium, :low, :unknown,
              :overdue)
            """);
    for (ServiceDay r : rows) {
      services
          .bind("d", d)
          .bind("id", r.service().id())
          .bind("team", r.service().team())
          .bind("area", r.service().area())
          .bind("crit", r.service().criticality())
          .bind("critical", r.open().critical())
          .bind("high", r.open().high())
          .bind("medium", r.open().medium())
          .bind("low", r.open().low())
          .bind("unknown", r.open().unknown())
          .bind("overdue", r.overdue())
          .add();
    }
    if (!rows.isEmpty()) {
      services.execute();
    }
    h.createUpdate(
            """
            INSERT INTO dashboard_team_days (day, team, services, breaching, critical, high, medium,
              low, unknown, overdue)
            SELECT day, team, COUNT(*), SUM(CASE WHEN overdue > 0 THEN 1 ELSE 0 END),
              SUM(critical), SUM(high), SUM(medium), SUM(low), SUM(unknown), SUM(overdue)
            FROM dashboard_service_days WHERE day = :d GROUP BY day, team
            """)
        .bind("d", d)
        .execute();
    PreparedBatch gateRows =
        h.prepareBatch(
            """
            INSERT INTO dashboard_gate_days (day, service_id, team, environment, allowed, denied)
            VALUES (:d, :id, :team, :env, :allowed, :denied)
            """);
    for (GateRow g : gates) {
      gateRows
          .bind("d", d)
          .bind("id", g.serviceId())
          .bind("team", g.team())
          .bind("env", g.environment())
          .bind("allowed", g.allowed())
          .bind("denied", g.denied())
          .add();
    }
    if (!gates.isEmpty()) {
      gateRows.execute();
    }
    h.createUpdate("INSERT INTO dashboard_days (day, recorded_at) VALUES (:d, :at)")
        .bind("d", d)
        .bind("at", recordedAt.toEpochMilli())
        .execute();
  }

  // ---- reading snapshots for a caller ----

  /** The newest recorded day at or before {@code to}, and when it was recorded. */
  record Recorded(LocalDate day, Instant at) {}

  Optional<Recorded> latest(Handle h, LocalDate to) {
    return h.createQuery(
            "SELECT day, recorded_at FROM dashboard_days WHERE day <= :to ORDER BY day DESC LIMIT 1")
        .bind("to", to.toString())
        .map(
            (rs, ctx) ->
                new Recorded(
                    LocalDate.parse(rs.getString("day")),
                    Instant.ofEpochMilli(rs.getLong("recorded_at"))))
        .findOne();
  }

  boolean recorded(Handle h, LocalDate day) {
    return h.createQuery("SELECT COUNT(*) FROM dashboard_days WHERE day = :d")
            .bind("d", day.toString())
            .mapTo(Long.class)
            .one()
        > 0;
  }

  private static Counts counts(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Counts(
        rs.getLong("critical"),
        rs.getLong("high"),
        rs.getLong("medium"),
        rs.getLong("low"),
        rs.getLong("unknown"));
  }

  List<Dashboard.Team> teams(Handle h, Principal p, LocalDate day) {
    return scoped(
            h.createQuery(
                """
                SELECT team, services, breaching, critical, high, medium, low, unknown, overdue
                FROM dashboard_team_days WHERE day = :d AND
                """
                    + SCOPE
                    + " ORDER BY team"),
            p)
        .bind("d", day.toString())
        .map(
            (rs, ctx) ->
                new Dashboard.Team(
                    rs.getString("team"),
                    rs.getLong("services"),
                    rs.getLong("breaching"),
                    counts(rs),
                    rs.getLong("overdue")))
        .list();
  }

  /** Services by area and criticality: how many, and how many have a finding past its SLA. */
  record ToleranceRow(String area, String criticality, long services, long breaching) {}

  List<ToleranceRow> tolerance(Handle h, Principal p, LocalDate day) {
    return scoped(
            h.createQuery(
                """
                SELECT area, criticality, COUNT(*) AS services,
                  SUM(CASE WHEN overdue > 0 THEN 1 ELSE 0 END) AS breaching
                FROM dashboard_service_days WHERE day = :d AND
                """
                    + SCOPE
                    + " GROUP BY area, criticality"),
            p)
        .bind("d", day.toString())
        .map(
            (rs, ctx) ->
                new ToleranceRow(
                    rs.getString("area"),
                    rs.getString("criticality"),
                    rs.getLong("services"),
                    rs.getLong("breaching")))
        .list();
  }

  List<Dashboard.Day> trend(Handle h, Principal p, LocalDate from, LocalDate to) {
    return scoped(
            h.createQuery(
                """
                SELECT day, SUM(critical) AS critical, SUM(high) AS high, SUM(medium) AS medium,
                  SUM(low) AS low, SUM(unknown) AS unknown, SUM(overdue) AS overdue
                FROM dashboard_team_days WHERE day >= :from AND day <= :to AND
                """
                    + SCOPE
                    + " GROUP BY day ORDER BY day"),
            p)
        .bind("from", from.toString())
        .bind("to", to.toString())
        .map(
            (rs, ctx) ->
                new Dashboard.Day(
                    LocalDate.parse(rs.getString("day")), counts(rs), rs.getLong("overdue")))
        .list();
  }

  /** The recorded days of a period (a day no team of the caller had a row still counts). */
  List<LocalDate> days(Handle h, LocalDate from, LocalDate to) {
    return h.createQuery(
            "SELECT day FROM dashboard_days WHERE day >= :from AND day <= :to ORDER BY day")
        .bind("from", from.toString())
        .bind("to", to.toString())
        .map((rs, ctx) -> LocalDate.parse(rs.getString("day")))
        .list();
  }

  record GateTotal(String environment, long allowed, long denied) {}

  List<GateTotal> gates(Handle h, Principal p, LocalDate from, LocalDate to) {
    return scoped(
            h.createQuery(
                """
                SELECT environment, SUM(allowed) AS allowed, SUM(denied) AS denied
                FROM dashboard_gate_days WHERE day >= :from AND day <= :to AND
                """
                    + SCOPE
                    + " GROUP BY environment ORDER BY environment"),
            p)
        .bind("from", from.toString())
        .bind("to", to.toString())
        .map(
            (rs, ctx) ->
                new GateTotal(
                    rs.getString("environment"), rs.getLong("allowed"), rs.getLong("denied")))
        .list();
  }

  record Fixes(String severity, long fixed, double meanMillis) {}

  /**
   * Fixes of the period by severity: every move to {@code fixed} between {@code from} and {@code
   * to}, with the mean time from the finding's first sighting to it. Read from the findings' events
   * (not from snapshots), scoped by the service's current team.
   */
  List<Fixes> fixes(Handle h, Principal p, Instant from, Instant to) {
    return scoped(
            h.createQuery(
                """
                SELECT f.severity, COUNT(*) AS fixed, AVG(e.at - f.first_seen) AS mean_ms
                FROM finding_events e JOIN findings f ON f.id = e.finding_id
                JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id
                WHERE e.to_state = 'fixed' AND e.at >= :from AND e.at < :to
                  AND (:all OR s.team IN (<teams>))
                GROUP BY f.severity
                """),
            p)
        .bind("from", from.toEpochMilli())
        .bind("to", to.toEpochMilli())
        .map(
            (rs, ctx) ->
                new Fixes(rs.getString("severity"), rs.getLong("fixed"), rs.getDouble("mean_ms")))
        .list();
  }
}
