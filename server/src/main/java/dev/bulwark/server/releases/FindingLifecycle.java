package dev.bulwark.server.releases;

import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.Validatable;
import dev.bulwark.server.http.Validation;
import dev.bulwark.vuln.match.PackageRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The findings lifecycle: states open, triaged, affected, not_affected (with a CycloneDX or OpenVEX
 * justification), fixed and risk_accepted (reason, expiry, approved by a security reviewer who is
 * not the requester). Every transition records actor and reason, in the finding's event list and on
 * the ledger. A not_affected or risk_accepted verdict may carry over to later releases of the
 * service or to the package across a team's services, never beyond the caller's access. A
 * not_affected or fixed verdict by hand that reaches far (a service of a configured criticality, or
 * team-wide) is a transition request until another person approves it, like a risk acceptance.
 */
public final class FindingLifecycle {
  static final Set<String> STATES = Set.of("open", "triaged", "affected", "not_affected", "fixed");

  /** CycloneDX impact-analysis justifications and OpenVEX status justifications. */
  static final Set<String> JUSTIFICATIONS =
      Set.of(
          "code_not_present",
          "code_not_reachable",
          "requires_configuration",
          "requires_dependency",
          "requires_environment",
          "protected_by_compiler",
          "protected_at_runtime",
          "protected_at_perimeter",
          "protected_by_mitigating_control",
          "component_not_present",
          "vulnerable_code_not_present",
          "vulnerable_code_not_in_execute_path",
          "vulnerable_code_cannot_be_controlled_by_adversary",
          "inline_mitigations_already_exist");

  static final Set<String> SCOPES = Set.of("release", "service", "team");
  static final Duration MAX_ACCEPTANCE = Duration.ofDays(365);

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final Set<String> secondPerson;

  public FindingLifecycle(
      Database db, AuditLog audit, Clock clock, List<String> secondPersonCriticalities) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.secondPerson = Set.copyOf(secondPersonCriticalities);
  }

  /** A transition request. */
  public record Transition(String state, String reason, String justification, String scope)
      implements Validatable {
    @Override
    public Validation validate(String prefix) {
      Validation v = new Validation(prefix);
      if (v.require("state", state) && !STATES.contains(state)) {
        v.error(
            "state",
            "must be one of "
                + String.join(", ", STATES.stream().sorted().toList())
                + " (risk_accepted goes through a risk acceptance)");
      }
      if (v.require("reason", reason) && reason.isBlank()) {
        v.error("reason", "must say why");
      }
      if ("not_affected".equals(state)) {
        if (v.require("justification", justification) && !JUSTIFICATIONS.contains(justification)) {
          v.error(
              "justification",
              "must be a CycloneDX or OpenVEX justification, such as code_not_reachable");
        }
      } else if (justification != null) {
        v.error("justification", "only a not_affected verdict has a justification");
      }
      if (scope != null && !SCOPES.contains(scope)) {
        v.error("scope", "must be release, service or team");
      }
      if (scope != null && !scope.equals("release") && !"not_affected".equals(state)) {
        v.error("scope", "only not_affected and risk_accepted verdicts carry over");
      }
      return v;
    }
  }

  /** A request to accept the risk of a finding until {@code expiresAt}. */
  public record RiskRequest(String reason, Instant expiresAt, String scope) implements Validatable {
    @Override
    public Validation validate(String prefix) {
      Validation v = new Validation(prefix);
      if (v.require("reason", reason) && reason.isBlank()) {
        v.error("reason", "must say why the risk is acceptable");
      }
      v.require("expiresAt", expiresAt);
      if (scope != null && !SCOPES.contains(scope)) {
        v.error("scope", "must be release, service or team");
      }
      return v;
    }
  }

  record Target(
      long id,
      long release,
      String service,
      String team,
      String state,
      String ecosystem,
      String pkg,
      List<String> ids) {}

  private Target target(Handle h, Principal p, long findingId) {
    Optional<Target> t =
        ReleaseDao.scoped(
                h.createQuery(
                    "SELECT f.id, f.release_id, s.name AS service, s.team, f.state, c.ecosystem, c.package FROM findings f "
                        + "JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id "
                        + "LEFT JOIN release_components c ON c.release_id = f.release_id AND c.ref = f.component_ref "
                        + "WHERE f.id = :id AND "
                        + ReleaseDao.VISIBLE
                        + " AND "
                        + ReleaseDao.SCOPE),
                p)
            .bind("id", findingId)
            .map(
                (rs, ctx) ->
                    new Target(
                        rs.getLong("id"),
                        rs.getLong("release_id"),
                        rs.getString("service"),
                        rs.getString("team"),
                        rs.getString("state"),
                        rs.getString("ecosystem"),
                        rs.getString("package"),
                        List.of()))
            .findOne();
    Target found = t.orElseThrow(() -> ApiException.notFound("no finding " + findingId));
    List<String> ids =
        h.createQuery("SELECT vuln_id FROM finding_ids WHERE finding_id = :f ORDER BY vuln_id")
            .bind("f", findingId)
            .mapTo(String.class)
            .list();
    return new Target(
        found.id(),
        found.release(),
        found.service(),
        found.team(),
        found.state(),
        found.ecosystem(),
        found.pkg(),
        ids);
  }

  private void setState(
      Handle h,
      Target t,
      String actor,
      String state,
      String reason,
      String justification,
      Instant expires) {
    Instant now = clock.instant();
    h.createUpdate(
            "UPDATE findings SET state = :s, state_reason = :r, justification = :j, state_actor = :a, state_at = :at, expires_at = :e WHERE id = :id")
        .bind("s", state)
        .bind("r", reason)
        .bind("j", justification)
        .bind("a", actor)
        .bind("at", now.toEpochMilli())
        .bind("e", expires == null ? null : expires.toEpochMilli())
        .bind("id", t.id())
        .execute();
    ReleaseDao.touch(h, t.release());
    h.createUpdate(
            "INSERT INTO finding_events (finding_id, at, actor, from_state, to_state, reason, justification, expires_at) VALUES (:f, :at, :a, :from, :to, :r, :j, :e)")
        .bind("f", t.id())
        .bind("at", now.toEpochMilli())
        .bind("a", actor)
        .bind("from", t.state())
        .bind("to", state)
        .bind("r", reason)
        .bind("j", justification)
        .bind("e", expires == null ? null : expires.toEpochMilli())
        .execute();
  }

  private static Map<String, String> subject(Target t) {
    return Map.of(
        "kind",
        "finding",
        "id",
        Long.toString(t.id()),
        "service",
        t.service(),
        "team",
        t.team(),
        "vulnerability",
        t.ids().isEmpty() ? "" : t.ids().get(0));
  }

  public Map<String, Object> transition(
      Principal caller, String requestId, long findingId, Transition tr) {
    return db.writes()
        .inTransaction(
            h -> {
              Target t = target(h, caller, findingId);
              if (needsSecondPerson(h, t, tr)) {
                return requestTransition(h, caller, requestId, t, tr);
              }
              setState(h, t, caller.actor(), tr.state(), tr.reason(), tr.justification(), null);
              String scope = tr.scope() == null ? "release" : tr.scope();
              if ("not_affected".equals(tr.state()) && !scope.equals("release")) {
                decide(h, caller, t, scope, "not_affected", tr.justification(), tr.reason(), null);
              }
              audit.record(
                  h,
                  caller,
                  requestId,
                  "finding." + tr.state(),
                  subject(t),
                  Map.of("state", t.state()),
                  Map.of("state", tr.state(), "reason", tr.reason(), "scope", scope));
              return Map.of("finding", findingId, "state", tr.state(), "scope", scope);
            });
  }

  /**
   * A not_affected or fixed verdict by hand needs a second person on a service of a configured
   * criticality, and a not_affected carried over team-wide always does (it reaches every service of
   * the team, whatever their criticality, including those created later). An empty setting turns
   * both off.
   */
  private boolean needsSecondPerson(Handle h, Target t, Transition tr) {
    if (secondPerson.isEmpty()
        || !(tr.state().equals("not_affected") || tr.state().equals("fixed"))) {
      return false;
    }
    return "team".equals(tr.scope()) || secondPerson.contains(criticality(h, t.service()));
  }

  private static String criticality(Handle h, String service) {
    return h.createQuery("SELECT criticality FROM services WHERE name = :n")
        .bind("n", service)
        .mapTo(String.class)
        .one();
  }

  private Map<String, Object> requestTransition(
      Handle h, Principal caller, String requestId, Target t, Transition tr) {
    String scope = tr.scope() == null ? "release" : tr.scope();
    if (scope.equals("team") && !caller.inScope(t.team())) {
      throw ApiException.forbidden("team " + t.team() + " is outside your scope");
    }
    long id =
        h.createUpdate(
                """
                INSERT INTO transition_requests (finding_id, to_state, justification, reason, scope,
                  requested_by, requested_subject, requested_minter, requested_at, status)
                VALUES (:f, :state, :j, :r, :scope, :by, :subject, :minter, :at, 'pending')
                """)
            .bind("f", t.id())
            .bind("state", tr.state())
            .bind("j", tr.justification())
            .bind("r", tr.reason())
            .bind("scope", scope)
            .bind("by", caller.actor())
            .bind("subject", caller.subject())
            .bind("minter", caller.mintedBy())
            .bind("at", clock.millis())
            .executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class)
            .one();
    Map<String, Object> after = new java.util.LinkedHashMap<>();
    after.put("request", id);
    after.put("state", tr.state());
    after.put("reason", tr.reason());
    after.put("scope", scope);
    after.put("requestedSubject", caller.subject());
    audit.record(
        h,
        caller,
        requestId,
        "finding.transition.request",
        subject(t),
        Map.of("state", t.state()),
        after);
    return Map.of(
        "request", id, "status", "pending", "finding", t.id(), "state", tr.state(), "scope", scope);
  }

  /** A pending not_affected or fixed verdict, as its approver reads it. */
  private record TransitionRequest(
      long finding,
      String state,
      String justification,
      String reason,
      String scope,
      String by,
      String subject,
      String minter,
      String status) {}

  /**
   * Approves or rejects a pending verdict: by a reviewer who may see the finding and is not its
   * requester (not the same subject, and neither minted the other's token). Approval applies the
   * verdict as it was requested; both subjects go on the ledger.
   */
  public Map<String, Object> decideTransition(
      Principal caller, String requestId, long requestIdNumber, boolean approve, String note) {
    if (!approve && (note == null || note.isBlank())) {
      throw ApiException.invalid("reason", "is required: why the verdict is rejected");
    }
    return db.writes()
        .inTransaction(
            h -> {
              TransitionRequest req =
                  h.createQuery(
                          """
                          SELECT finding_id, to_state, justification, reason, scope, requested_by,
                            requested_subject, requested_minter, status
                          FROM transition_requests WHERE id = :id
                          """)
                      .bind("id", requestIdNumber)
                      .map(
                          (rs, ctx) ->
                              new TransitionRequest(
                                  rs.getLong("finding_id"),
                                  rs.getString("to_state"),
                                  rs.getString("justification"),
                                  rs.getString("reason"),
                                  rs.getString("scope"),
                                  rs.getString("requested_by"),
                                  rs.getString("requested_subject"),
                                  rs.getString("requested_minter"),
                                  rs.getString("status")))
                      .findOne()
                      .orElseThrow(
                          () -> ApiException.notFound("no transition request " + requestIdNumber));
              Target t;
              try {
                t = target(h, caller, req.finding());
              } catch (ApiException e) {
                throw ApiException.notFound("no transition request " + requestIdNumber);
              }
              if (req.by().equals(caller.actor())
                  || caller.samePersonAs(req.subject(), req.minter())) {
                throw ApiException.forbidden(
                    "a verdict is approved by someone other than its requester (subject "
                        + req.subject()
                        + ")");
              }
              if (!req.status().equals("pending")) {
                throw ApiException.conflict(
                    "transition request " + requestIdNumber + " is already " + req.status());
              }
              h.createUpdate(
                      """
                      UPDATE transition_requests SET status = :status, decided_by = :by,
                        decided_subject = :subject, decided_at = :at
                      WHERE id = :id AND status = 'pending'
                      """)
                  .bind("status", approve ? "approved" : "rejected")
                  .bind("by", caller.actor())
                  .bind("subject", caller.subject())
                  .bind("at", clock.millis())
                  .bind("id", requestIdNumber)
                  .execute();
              Map<String, Object> after = new java.util.LinkedHashMap<>();
              after.put("request", requestIdNumber);
              after.put("state", approve ? req.state() : t.state());
              after.put("requestedBy", req.by());
              after.put("requestedSubject", req.subject());
              after.put(approve ? "approvedSubject" : "rejectedSubject", caller.subject());
              after.put("scope", req.scope());
              if (approve) {
                setState(
                    h,
                    t,
                    caller.actor(),
                    req.state(),
                    req.reason() + " (requested by " + req.by() + ")",
                    req.justification(),
                    null);
                if (req.state().equals("not_affected") && !req.scope().equals("release")) {
                  decide(
                      h,
                      caller,
                      t,
                      req.scope(),
                      "not_affected",
                      req.justification(),
                      req.reason(),
                      null);
                }
              } else {
                after.put("reason", note);
              }
              audit.record(
                  h,
                  caller,
                  requestId,
                  approve ? "finding." + req.state() : "finding.transition.reject",
                  subject(t),
                  Map.of("state", t.state()),
                  after);
              return Map.of(
                  "request",
                  requestIdNumber,
                  "status",
                  approve ? "approved" : "rejected",
                  "finding",
                  req.finding(),
                  "state",
                  approve ? req.state() : t.state());
            });
  }

  /**
   * Transition requests of findings the caller may see, newest first; {@code status} pending,
   * approved or rejected, or null for all. What a reviewer reads to find the verdicts that wait.
   */
  public List<Map<String, Object>> transitionRequests(Principal caller, String status, int limit) {
    if (status != null && !Set.of("pending", "approved", "rejected").contains(status)) {
      throw ApiException.invalid("status", "must be pending, approved or rejected");
    }
    return db.jdbi()
        .withHandle(
            h -> {
              var q =
                  ReleaseDao.scoped(
                      h.createQuery(
                          """
                          SELECT t.id, t.finding_id, s.name AS service, r.version, t.to_state,
                            t.justification, t.reason, t.scope, t.requested_by,
                            t.requested_subject, t.requested_at, t.status, t.decided_by,
                            t.decided_subject, t.decided_at
                          FROM transition_requests t JOIN findings f ON f.id = t.finding_id
                          JOIN releases r ON r.id = f.release_id
                          JOIN services s ON s.id = r.service_id
                          """
                              + "WHERE "
                              + (status == null ? "" : "t.status = :status AND ")
                              + ReleaseDao.SCOPE
                              + " ORDER BY t.id DESC LIMIT :limit"),
                      caller);
              if (status != null) {
                q = q.bind("status", status);
              }
              return q.bind("limit", limit)
                  .map(
                      (rs, ctx) -> {
                        Map<String, Object> m = new java.util.LinkedHashMap<>();
                        m.put("id", rs.getLong("id"));
                        m.put("finding", rs.getLong("finding_id"));
                        m.put("service", rs.getString("service"));
                        m.put("version", rs.getString("version"));
                        m.put("state", rs.getString("to_state"));
                        m.put("justification", rs.getString("justification"));
                        m.put("reason", rs.getString("reason"));
                        m.put("scope", rs.getString("scope"));
                        m.put("requestedBy", rs.getString("requested_by"));
                        m.put("requestedSubject", rs.getString("requested_subject"));
                        m.put(
                            "requestedAt",
                            Instant.ofEpochMilli(rs.getLong("requested_at")).toString());
                        m.put("status", rs.getString("status"));
                        m.put("decidedBy", rs.getString("decided_by"));
                        m.put("decidedSubject", rs.getString("decided_subject"));
                        long at = rs.getLong("decided_at");
                        m.put(
                            "decidedAt", rs.wasNull() ? null : Instant.ofEpochMilli(at).toString());
                        return m;
                      })
                  .list();
            });
  }

  /** A carried-over verdict: for the service, or for the package across the team's services. */
  private void decide(
      Handle h,
      Principal caller,
      Target t,
      String scope,
      String state,
      String justification,
      String reason,
      Instant expires) {
    if (t.ecosystem() == null || t.pkg() == null) {
      throw ApiException.invalid(
          "scope", "this finding's component has no package identity to carry the verdict over by");
    }
    String value = scope.equals("service") ? t.service() : t.team();
    if (scope.equals("team") && !caller.inScope(t.team())) {
      throw ApiException.forbidden("team " + t.team() + " is outside your scope");
    }
    h.createUpdate(
            "INSERT INTO decisions (scope, scope_value, service_id, ecosystem, package, vuln_ids, state, justification, reason, expires_at, actor, at) "
                + "VALUES (:scope, :value, (SELECT id FROM services WHERE name = :value AND :scope = 'service'), :eco, :pkg, :ids, :state, :j, :r, :e, :a, :at)")
        .bind("scope", scope)
        .bind("value", value)
        .bind("eco", t.ecosystem())
        .bind("pkg", t.pkg())
        .bind("ids", ReleaseJson.of(t.ids()))
        .bind("state", state)
        .bind("j", justification)
        .bind("r", reason)
        .bind("e", expires == null ? null : expires.toEpochMilli())
        .bind("a", caller.actor())
        .bind("at", clock.instant().toEpochMilli())
        .execute();
  }

  public Map<String, Object> requestRiskAcceptance(
      Principal caller, String requestId, long findingId, RiskRequest r) {
    Instant now = clock.instant();
    if (!r.expiresAt().isAfter(now)) {
      throw ApiException.invalid("expiresAt", "must be in the future");
    }
    if (r.expiresAt().isAfter(now.plus(MAX_ACCEPTANCE))) {
      throw ApiException.invalid(
          "expiresAt", "must be within " + MAX_ACCEPTANCE.toDays() + " days");
    }
    return db.writes()
        .inTransaction(
            h -> {
              Target t = target(h, caller, findingId);
              long id =
                  h.createUpdate(
                          "INSERT INTO risk_requests (finding_id, requested_by, requested_at, reason, expires_at, scope, status, requested_subject, requested_minter) VALUES (:f, :by, :at, :r, :e, :s, 'pending', :subject, :minter)")
                      .bind("f", t.id())
                      .bind("by", caller.actor())
                      .bind("subject", caller.subject())
                      .bind("minter", caller.mintedBy())
                      .bind("at", now.toEpochMilli())
                      .bind("r", r.reason())
                      .bind("e", r.expiresAt().toEpochMilli())
                      .bind("s", r.scope() == null ? "release" : r.scope())
                      .executeAndReturnGeneratedKeys("id")
                      .mapTo(Long.class)
                      .one();
              audit.record(
                  h,
                  caller,
                  requestId,
                  "finding.risk_acceptance.request",
                  subject(t),
                  null,
                  Map.of(
                      "request", id, "reason", r.reason(), "expiresAt", r.expiresAt().toString()));
              return Map.of("request", id, "status", "pending", "finding", findingId);
            });
  }

  public Map<String, Object> approve(Principal caller, String requestId, long riskRequestId) {
    return db.writes()
        .inTransaction(
            h -> {
              record Req(
                  long finding,
                  String by,
                  String reason,
                  long expires,
                  String scope,
                  String status,
                  String subject,
                  String minter) {}
              Req req =
                  h.createQuery(
                          "SELECT finding_id, requested_by, reason, expires_at, scope, status, requested_subject, requested_minter FROM risk_requests WHERE id = :id")
                      .bind("id", riskRequestId)
                      .map(
                          (rs, ctx) ->
                              new Req(
                                  rs.getLong("finding_id"),
                                  rs.getString("requested_by"),
                                  rs.getString("reason"),
                                  rs.getLong("expires_at"),
                                  rs.getString("scope"),
                                  rs.getString("status"),
                                  rs.getString("requested_subject"),
                                  rs.getString("requested_minter")))
                      .findOne()
                      .orElseThrow(
                          () ->
                              ApiException.notFound("no risk acceptance request " + riskRequestId));
              Target t = target(h, caller, req.finding());
              if (req.by().equals(caller.actor())
                  || caller.samePersonAs(req.subject(), req.minter())) {
                throw ApiException.forbidden(
                    "a risk acceptance must be approved by someone other than its requester"
                        + " (subject "
                        + req.subject()
                        + ")");
              }
              if (!req.status().equals("pending")) {
                throw ApiException.conflict(
                    "risk acceptance request " + riskRequestId + " is already " + req.status());
              }
              Instant expires = Instant.ofEpochMilli(req.expires());
              if (!expires.isAfter(clock.instant())) {
                throw ApiException.invalid(
                    "expiresAt", "the requested expiry has passed; request again");
              }
              h.createUpdate(
                      "UPDATE risk_requests SET status = 'approved', approved_by = :by, approved_at = :at, approved_subject = :subject WHERE id = :id")
                  .bind("by", caller.actor())
                  .bind("subject", caller.subject())
                  .bind("at", clock.instant().toEpochMilli())
                  .bind("id", riskRequestId)
                  .execute();
              setState(
                  h,
                  t,
                  caller.actor(),
                  "risk_accepted",
                  req.reason() + " (requested by " + req.by() + ")",
                  null,
                  expires);
              if (!req.scope().equals("release")) {
                decide(h, caller, t, req.scope(), "risk_accepted", null, req.reason(), expires);
              }
              audit.record(
                  h,
                  caller,
                  requestId,
                  "finding.risk_accepted",
                  subject(t),
                  Map.of("state", t.state()),
                  Map.of(
                      "state",
                      "risk_accepted",
                      "requestedBy",
                      req.by(),
                      "requestedSubject",
                      req.subject(),
                      "approvedSubject",
                      caller.subject(),
                      "expiresAt",
                      expires.toString(),
                      "scope",
                      req.scope()));
              return Map.of(
                  "finding",
                  req.finding(),
                  "state",
                  "risk_accepted",
                  "expiresAt",
                  expires.toString(),
                  "approvedBy",
                  caller.actor());
            });
  }

  /** The events of a finding, oldest first. */
  public List<Map<String, Object>> events(Principal caller, long findingId) {
    return db.jdbi()
        .withHandle(
            h -> {
              target(h, caller, findingId);
              return h.createQuery(
                      "SELECT at, actor, from_state, to_state, reason, justification, expires_at FROM finding_events WHERE finding_id = :f ORDER BY id")
                  .bind("f", findingId)
                  .map(
                      (rs, ctx) -> {
                        Map<String, Object> m = new java.util.LinkedHashMap<>();
                        m.put("at", Instant.ofEpochMilli(rs.getLong("at")).toString());
                        m.put("actor", rs.getString("actor"));
                        m.put("from", rs.getString("from_state"));
                        m.put("to", rs.getString("to_state"));
                        m.put("reason", rs.getString("reason"));
                        m.put("justification", rs.getString("justification"));
                        long e = rs.getLong("expires_at");
                        m.put(
                            "expiresAt", rs.wasNull() ? null : Instant.ofEpochMilli(e).toString());
                        return m;
                      })
                  .list();
            });
  }

  /**
   * Applies carried-over verdicts to the findings of a release just analysed: a decision for the
   * service, or for the package across the service's team, whose ids meet the finding's and that
   * has not expired. Runs in the upload's transaction.
   */
  void carryOver(Handle h, long release, String service, String team) {
    carryOver(h, release, service, team, null);
  }

  /**
   * Applies carried-over decisions to the release's open findings, or only to those of the
   * components {@code onlyRefs} names (a sync adding a few findings need not revisit the rest).
   */
  void carryOver(
      Handle h, long release, String service, String team, java.util.Collection<String> onlyRefs) {
    long now = clock.millis();
    record Row(long id, String state, String eco, String pkg, String version) {}
    var query =
        h.createQuery(
                "SELECT f.id, f.state, c.ecosystem, c.package, c.purl FROM findings f JOIN release_components c ON c.release_id = f.release_id AND c.ref = f.component_ref "
                    + "WHERE f.release_id = :r AND f.state = 'open' AND c.package IS NOT NULL"
                    + (onlyRefs == null ? "" : " AND f.component_ref IN (<refs>)"))
            .bind("r", release);
    if (onlyRefs != null) {
      if (onlyRefs.isEmpty()) {
        return;
      }
      query = query.bindList("refs", List.copyOf(onlyRefs));
    }
    List<Row> rows =
        query
            .map(
                (rs, ctx) ->
                    new Row(
                        rs.getLong("id"),
                        rs.getString("state"),
                        rs.getString("ecosystem"),
                        rs.getString("package"),
                        purlVersion(rs.getString("purl"))))
            .list();
    for (Row row : rows) {
      List<String> ids =
          h.createQuery("SELECT vuln_id FROM finding_ids WHERE finding_id = :f")
              .bind("f", row.id())
              .mapTo(String.class)
              .list();
      record Decision(
          long id,
          String state,
          String justification,
          String reason,
          Long expires,
          List<String> ids,
          String version) {}
      List<Decision> ds =
          h.createQuery(
                  "SELECT id, state, justification, reason, expires_at, vuln_ids, version FROM decisions WHERE ecosystem = :eco AND package = :pkg "
                      + "AND ((scope = 'service' AND service_id = (SELECT id FROM services WHERE name = :service)) OR (scope = 'team' AND scope_value = :team)) "
                      + "AND archived_at IS NULL "
                      + "AND (expires_at IS NULL OR expires_at > :now) ORDER BY id DESC")
              .bind("eco", row.eco())
              .bind("pkg", row.pkg())
              .bind("service", service)
              .bind("team", team)
              .bind("now", now)
              .map(
                  (rs, ctx) -> {
                    // wasNull() speaks of the last column read: ask it right after expires_at (a
                    // NULL read as 0 made verdicts without expiry expire in 1970).
                    long e = rs.getLong("expires_at");
                    Long expires = rs.wasNull() ? null : e;
                    return new Decision(
                        rs.getLong("id"),
                        rs.getString("state"),
                        rs.getString("justification"),
                        rs.getString("reason"),
                        expires,
                        ReleaseJson.strings(rs.getString("vuln_ids")),
                        rs.getString("version"));
                  })
              .list();
      for (Decision d : ds) {
        boolean versionHolds = d.version() == null || d.version().equals(row.version());
        if (versionHolds && new HashSet<>(d.ids()).stream().anyMatch(ids::contains)) {
          Target t =
              new Target(row.id(), release, service, team, row.state(), row.eco(), row.pkg(), ids);
          setState(
              h,
              t,
              "decision:" + d.id(),
              d.state(),
              "carried over: " + d.reason(),
              d.justification(),
              d.expires() == null ? null : Instant.ofEpochMilli(d.expires()));
          break;
        }
      }
    }
  }

  /** Closes a finding as fixed for a reason the server found (an advisory sync). */
  void close(Handle h, long findingId, String fromState, String reason) {
    setState(
        h,
        new Target(findingId, 0, "", "", fromState, null, null, List.of()),
        "system",
        "fixed",
        reason,
        null,
        null);
  }

  private static String purlVersion(String purl) {
    return purl != null && PackageRef.fromPurl(purl) instanceof PackageRef.Parsed.Ok ok
        ? ok.version()
        : null;
  }

  /** What a VEX import did: statements read, findings changed, verdicts kept for later releases. */
  public record VexImported(int statements, int applied, int kept, int decisions) {}

  /**
   * Applies VEX statements to the service's releases. A statement changes findings that are still
   * open or in triage; a human verdict already made (affected, not_affected, fixed, risk_accepted)
   * stands, and is counted as kept. A not_affected statement also becomes a service-scoped
   * decision, so later releases (for a versioned purl: later releases with that version) inherit
   * it. Other states are facts about the releases analysed now and do not carry over.
   */
  public VexImported importVex(Principal caller, String requestId, String service, byte[] body) {
    List<VexImport.Statement> statements = VexImport.parse(body);
    return db.writes()
        .inTransaction(
            h -> {
              String team =
                  ReleaseDao.scoped(
                          h.createQuery(
                              "SELECT s.team FROM services s WHERE s.name = :n AND "
                                  + ReleaseDao.SCOPE),
                          caller)
                      .bind("n", service)
                      .mapTo(String.class)
                      .findOne()
                      .orElseThrow(() -> ApiException.notFound("no service " + service));
              // VEX verdicts on a service that needs a second person for them by hand come from
              // a security reviewer at least (docs/permissions.md).
              String criticality = criticality(h, service);
              if (secondPerson.contains(criticality)
                  && !caller.role().may(dev.bulwark.server.auth.Permission.RISK_APPROVE)) {
                throw ApiException.forbidden(
                    "VEX for a "
                        + criticality
                        + " service is imported by security or admin"
                        + " (findings.secondPersonCriticalities)");
              }
              int applied = 0;
              int kept = 0;
              int decisions = 0;
              for (VexImport.Statement st : statements) {
                record Hit(long id, long release, String state, String purl) {}
                List<Hit> hits =
                    h.createQuery(
                            "SELECT f.id, f.release_id, f.state, c.purl FROM findings f "
                                + "JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id "
                                + "JOIN release_components c ON c.release_id = f.release_id AND c.ref = f.component_ref "
                                + "WHERE s.name = :s AND c.ecosystem = :eco AND c.package = :pkg "
                                + "AND EXISTS (SELECT 1 FROM finding_ids i WHERE i.finding_id = f.id AND i.vuln_id = :v) "
                                + "ORDER BY f.id")
                        .bind("s", service)
                        .bind("eco", st.ecosystem())
                        .bind("pkg", st.pkg())
                        .bind("v", st.vuln())
                        .map(
                            (rs, ctx) ->
                                new Hit(
                                    rs.getLong("id"),
                                    rs.getLong("release_id"),
                                    rs.getString("state"),
                                    rs.getString("purl")))
                        .list();
                String reason = "VEX: " + (st.detail() == null ? st.state() : st.detail());
                for (Hit hit : hits) {
                  if (st.version() != null && !st.version().equals(purlVersion(hit.purl()))) {
                    continue;
                  }
                  if (!hit.state().equals("open") && !hit.state().equals("triaged")) {
                    kept++;
                    continue;
                  }
                  Target t =
                      new Target(
                          hit.id(),
                          hit.release(),
                          service,
                          team,
                          hit.state(),
                          st.ecosystem(),
                          st.pkg(),
                          List.of(st.vuln()));
                  setState(h, t, caller.actor(), st.state(), reason, st.justification(), null);
                  applied++;
                }
                if (st.state().equals("not_affected")) {
                  h.createUpdate(
                          "INSERT INTO decisions (scope, scope_value, service_id, ecosystem, package, vuln_ids, state, justification, reason, expires_at, actor, at, version, source) "
                              + "VALUES ('service', :value, (SELECT id FROM services WHERE name = :value), :eco, :pkg, :ids, 'not_affected', :j, :r, NULL, :a, :at, :ver, 'vex')")
                      .bind("value", service)
                      .bind("eco", st.ecosystem())
                      .bind("pkg", st.pkg())
                      .bind("ids", ReleaseJson.of(List.of(st.vuln())))
                      .bind("j", st.justification())
                      .bind("r", reason)
                      .bind("a", caller.actor())
                      .bind("at", clock.millis())
                      .bind("ver", st.version())
                      .execute();
                  decisions++;
                }
              }
              audit.record(
                  h,
                  caller,
                  requestId,
                  "vex.import",
                  Map.of("kind", "service", "id", service, "team", team),
                  null,
                  Map.of(
                      "statements",
                      statements.size(),
                      "applied",
                      applied,
                      "kept",
                      kept,
                      "decisions",
                      decisions));
              return new VexImported(statements.size(), applied, kept, decisions);
            });
  }
}
