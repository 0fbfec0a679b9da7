package dev.bulwark.server.findings;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Validatable;
import dev.bulwark.server.http.Validation;
import dev.bulwark.vuln.match.PackageRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * The findings lifecycle: states open, triaged, affected, not_affected (with a CycloneDX or OpenVEX
 * justification), fixed and risk_accepted (reason, expiry, approved by a security reviewer who is
 * not the requester), moved only along the edges of {@link FindingState}. Every transition records
 * actor and reason, in the finding's event list and on the ledger. A not_affected or risk_accepted
 * verdict may carry over to later releases of the service or to the package across a team's
 * services, never beyond the caller's access. A not_affected or fixed verdict by hand that reaches
 * far (a service of a configured criticality, or team-wide) is a transition request until another
 * person approves it, like a risk acceptance.
 */
public final class FindingLifecycle {
  /** What a transition by hand may name: risk_accepted goes through a risk acceptance. */
  static final Set<String> STATES =
      Stream.of(FindingState.values())
          .filter(s -> s != FindingState.risk_accepted)
          .map(Enum::name)
          .collect(Collectors.toUnmodifiableSet());

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
  private final FindingDao dao = new FindingDao();

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

  /** What a transition did: applied, or waiting for a second person. */
  public sealed interface TransitionResult permits Applied, Pending {}

  public record Applied(long finding, String state, String scope) implements TransitionResult {}

  public record Pending(long request, String status, long finding, String state, String scope)
      implements TransitionResult {}

  /** A transition request approved or rejected. */
  public record Decided(long request, String status, long finding, String state) {}

  /** A transition request as a reviewer lists it. */
  public record TransitionRequestView(
      long id,
      long finding,
      String service,
      String version,
      String state,
      String justification,
      String reason,
      String scope,
      String requestedBy,
      String requestedSubject,
      String requestedAt,
      String status,
      String decidedBy,
      String decidedSubject,
      String decidedAt) {}

  public record RiskRequested(long request, String status, long finding) {}

  public record RiskAccepted(long finding, String state, String expiresAt, String approvedBy) {}

  /** One change of a finding's state. */
  public record Event(
      String at,
      String actor,
      String from,
      String to,
      String reason,
      String justification,
      String expiresAt) {}

  /** The finding's state as it stands now: an expired risk acceptance reads as open. */
  static FindingState effective(String state, Instant expires, Instant now) {
    return acceptanceExpired(state, expires, now) ? FindingState.open : FindingState.stored(state);
  }

  /** An expired risk acceptance reopens its finding: read as open from its expiry on. */
  static boolean acceptanceExpired(String state, Instant expires, Instant now) {
    return "risk_accepted".equals(state) && expires != null && !now.isBefore(expires);
  }

  private FindingDao.Target target(Handle h, Principal p, long findingId) {
    return dao.target(h, p, findingId)
        .orElseThrow(() -> new DomainException.NotFound("no finding " + findingId));
  }

  private void setState(
      Handle h,
      FindingDao.Target t,
      String actor,
      String state,
      String reason,
      String justification,
      Instant expires) {
    dao.setState(
        h,
        new FindingDao.StateChange(
            t.id(), actor, t.state(), state, reason, justification, expires, clock.instant()));
  }

  /** Refuses a change by a person that the state table does not allow from the state now. */
  private void requirePersonMay(FindingDao.Target t, String to) {
    effective(t.state(), t.expiresAt(), clock.instant())
        .requireMayBecome(FindingState.stored(to), FindingState.By.PERSON);
  }

  private static Map<String, String> subject(FindingDao.Target t) {
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

  public TransitionResult transition(
      Principal caller, String requestId, long findingId, Transition tr) {
    return db.writes()
        .inTransaction(
            h -> {
              FindingDao.Target t = target(h, caller, findingId);
              requirePersonMay(t, tr.state());
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
                  Map.of("state", tr.state(), "reason", tr.reason(), "scope", scope),
                  Affects.release(t.release()));
              return new Applied(findingId, tr.state(), scope);
            });
  }

  /**
   * A not_affected or fixed verdict by hand needs a second person on a service of a configured
   * criticality, and a not_affected carried over team-wide always does (it reaches every service of
   * the team, whatever their criticality, including those created later). An empty setting turns
   * both off.
   */
  private boolean needsSecondPerson(Handle h, FindingDao.Target t, Transition tr) {
    if (secondPerson.isEmpty()
        || !(tr.state().equals("not_affected") || tr.state().equals("fixed"))) {
      return false;
    }
    return "team".equals(tr.scope()) || secondPerson.contains(dao.criticality(h, t.service()));
  }

  private Pending requestTransition(
      Handle h, Principal caller, String requestId, FindingDao.Target t, Transition tr) {
    String scope = tr.scope() == null ? "release" : tr.scope();
    if (scope.equals("team") && !caller.inScope(t.team())) {
      throw new DomainException.Forbidden("team " + t.team() + " is outside your scope");
    }
    long id =
        dao.insertTransitionRequest(
            h,
            new FindingDao.NewTransitionRequest(
                t.id(),
                tr.state(),
                tr.justification(),
                tr.reason(),
                scope,
                caller.actor(),
                caller.subject(),
                caller.mintedBy(),
                clock.instant()));
    Map<String, Object> after = new LinkedHashMap<>();
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
        after,
        Affects.none());
    return new Pending(id, "pending", t.id(), tr.state(), scope);
  }

  /**
   * Approves or rejects a pending verdict: by a reviewer who may see the finding and is not its
   * requester (not the same subject, and neither minted the other's token). Approval applies the
   * verdict as it was requested, if the finding's state still allows it; both subjects go on the
   * ledger.
   */
  public Decided decideTransition(
      Principal caller, String requestId, long requestIdNumber, boolean approve, String note) {
    if (!approve && (note == null || note.isBlank())) {
      throw new DomainException.Invalid("reason", "is required: why the verdict is rejected");
    }
    return db.writes()
        .inTransaction(
            h -> {
              FindingDao.TransitionRequestRow req =
                  dao.transitionRequest(h, requestIdNumber)
                      .orElseThrow(
                          () ->
                              new DomainException.NotFound(
                                  "no transition request " + requestIdNumber));
              FindingDao.Target t =
                  dao.target(h, caller, req.finding())
                      .orElseThrow(
                          () ->
                              new DomainException.NotFound(
                                  "no transition request " + requestIdNumber));
              if (req.by().equals(caller.actor())
                  || caller.samePersonAs(req.subject(), req.minter())) {
                throw new DomainException.Forbidden(
                    "a verdict is approved by someone other than its requester (subject "
                        + req.subject()
                        + ")");
              }
              if (!req.status().equals("pending")) {
                throw new DomainException.Conflict(
                    "transition request " + requestIdNumber + " is already " + req.status());
              }
              if (approve) {
                requirePersonMay(t, req.state());
              }
              dao.decideTransitionRequest(
                  h,
                  requestIdNumber,
                  approve ? "approved" : "rejected",
                  caller.actor(),
                  caller.subject(),
                  clock.instant());
              Map<String, Object> after = new LinkedHashMap<>();
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
                  after,
                  approve ? Affects.release(t.release()) : Affects.none());
              return new Decided(
                  requestIdNumber,
                  approve ? "approved" : "rejected",
                  req.finding(),
                  approve ? req.state() : t.state());
            });
  }

  /**
   * Transition requests of findings the caller may see, newest first; {@code status} pending,
   * approved or rejected, or null for all. What a reviewer reads to find the verdicts that wait.
   */
  public List<TransitionRequestView> transitionRequests(
      Principal caller, String status, int limit) {
    if (status != null && !Set.of("pending", "approved", "rejected").contains(status)) {
      throw new DomainException.Invalid("status", "must be pending, approved or rejected");
    }
    return db.jdbi().withHandle(h -> dao.transitionRequests(h, caller, status, limit));
  }

  /** A carried-over verdict: for the service, or for the package across the team's services. */
  private void decide(
      Handle h,
      Principal caller,
      FindingDao.Target t,
      String scope,
      String state,
      String justification,
      String reason,
      Instant expires) {
    if (t.ecosystem() == null || t.pkg() == null) {
      throw new DomainException.Invalid(
          "scope", "this finding's component has no package identity to carry the verdict over by");
    }
    String value = scope.equals("service") ? t.service() : t.team();
    if (scope.equals("team") && !caller.inScope(t.team())) {
      throw new DomainException.Forbidden("team " + t.team() + " is outside your scope");
    }
    dao.insertDecision(
        h,
        new FindingDao.Decision(
            scope,
            value,
            t.ecosystem(),
            t.pkg(),
            ReleaseJson.of(t.ids()),
            state,
            justification,
            reason,
            expires,
            caller.actor(),
            clock.instant(),
            null,
            null));
  }

  public RiskRequested requestRiskAcceptance(
      Principal caller, String requestId, long findingId, RiskRequest r) {
    Instant now = clock.instant();
    if (!r.expiresAt().isAfter(now)) {
      throw new DomainException.Invalid("expiresAt", "must be in the future");
    }
    if (r.expiresAt().isAfter(now.plus(MAX_ACCEPTANCE))) {
      throw new DomainException.Invalid(
          "expiresAt", "must be within " + MAX_ACCEPTANCE.toDays() + " days");
    }
    return db.writes()
        .inTransaction(
            h -> {
              FindingDao.Target t = target(h, caller, findingId);
              requirePersonMay(t, "risk_accepted");
              long id =
                  dao.insertRiskRequest(
                      h,
                      new FindingDao.NewRiskRequest(
                          t.id(),
                          caller.actor(),
                          caller.subject(),
                          caller.mintedBy(),
                          now,
                          r.reason(),
                          r.expiresAt(),
                          r.scope() == null ? "release" : r.scope()));
              audit.record(
                  h,
                  caller,
                  requestId,
                  "finding.risk_acceptance.request",
                  subject(t),
                  null,
                  Map.of(
                      "request", id, "reason", r.reason(), "expiresAt", r.expiresAt().toString()),
                  Affects.none());
              return new RiskRequested(id, "pending", findingId);
            });
  }

  public RiskAccepted approve(Principal caller, String requestId, long riskRequestId) {
    return db.writes()
        .inTransaction(
            h -> {
              FindingDao.RiskRequestRow req =
                  dao.riskRequest(h, riskRequestId)
                      .orElseThrow(
                          () ->
                              new DomainException.NotFound(
                                  "no risk acceptance request " + riskRequestId));
              FindingDao.Target t = target(h, caller, req.finding());
              if (req.by().equals(caller.actor())
                  || caller.samePersonAs(req.subject(), req.minter())) {
                throw new DomainException.Forbidden(
                    "a risk acceptance must be approved by someone other than its requester"
                        + " (subject "
                        + req.subject()
                        + ")");
              }
              if (!req.status().equals("pending")) {
                throw new DomainException.Conflict(
                    "risk acceptance request " + riskRequestId + " is already " + req.status());
              }
              Instant expires = req.expires();
              if (!expires.isAfter(clock.instant())) {
                throw new DomainException.Invalid(
                    "expiresAt", "the requested expiry has passed; request again");
              }
              requirePersonMay(t, "risk_accepted");
              dao.approveRiskRequest(
                  h, riskRequestId, caller.actor(), caller.subject(), clock.instant());
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
                      req.scope()),
                  Affects.release(t.release()));
              return new RiskAccepted(
                  req.finding(), "risk_accepted", expires.toString(), caller.actor());
            });
  }

  /**
   * The index of the latest ledger entry of each of these findings (ids the caller was shown), for
   * pages that prove it with the inclusion widget; a finding never triaged is absent.
   */
  public Map<Long, Long> lastLedgerEntries(Principal caller, Collection<Long> findingIds) {
    return db.jdbi().withHandle(h -> dao.lastLedgerEntries(h, caller, findingIds));
  }

  /** The events of a finding, oldest first. */
  public List<Event> events(Principal caller, long findingId) {
    return db.jdbi()
        .withHandle(
            h -> {
              target(h, caller, findingId);
              return dao.events(h, findingId);
            });
  }

  /**
   * Applies carried-over decisions to the release's open findings, or only to those of the
   * components {@code onlyRefs} names (a sync adding a few findings need not revisit the rest): a
   * decision for the service, or for the package across the service's team, whose ids meet the
   * finding's and that has not expired. Runs in the caller's transaction, whose ledger entry names
   * the release as affected.
   */
  void carryOver(Handle h, long release, String service, String team, Collection<String> onlyRefs) {
    if (onlyRefs != null && onlyRefs.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (FindingDao.OpenRow row : dao.openRows(h, release, onlyRefs)) {
      List<String> ids = dao.ids(h, row.id());
      String version = purlVersion(row.purl());
      for (FindingDao.StoredDecision d :
          dao.decisions(h, row.ecosystem(), row.pkg(), service, team, now)) {
        boolean versionHolds = d.version() == null || d.version().equals(version);
        if (versionHolds && new HashSet<>(d.ids()).stream().anyMatch(ids::contains)) {
          FindingDao.Target t =
              new FindingDao.Target(
                  row.id(),
                  release,
                  service,
                  team,
                  row.state(),
                  null,
                  row.ecosystem(),
                  row.pkg(),
                  ids);
          // A decision is a person's verdict taken earlier: it follows the same table.
          if (FindingState.stored(row.state())
              .mayBecome(FindingState.stored(d.state()), FindingState.By.PERSON)) {
            setState(
                h,
                t,
                "decision:" + d.id(),
                d.state(),
                "carried over: " + d.reason(),
                d.justification(),
                d.expires());
          }
          break;
        }
      }
    }
  }

  /** Closes a finding as fixed for a reason the server found (an advisory sync). */
  void close(Handle h, long findingId, String fromState, String reason) {
    FindingState.stored(fromState).requireMayBecome(FindingState.fixed, FindingState.By.SCANNER);
    dao.setState(
        h,
        new FindingDao.StateChange(
            findingId, SYSTEM, fromState, "fixed", reason, null, null, clock.instant()));
  }

  /** Reopens a finding the advisory sync had closed, now that an advisory matches it again. */
  void reopen(Handle h, long findingId, String reason) {
    FindingState.fixed.requireMayBecome(FindingState.open, FindingState.By.SCANNER);
    dao.setState(
        h,
        new FindingDao.StateChange(
            findingId, SYSTEM, "fixed", "open", reason, null, null, clock.instant()));
  }

  /** The actor the server's own changes are recorded under. */
  static final String SYSTEM = "system";

  static String purlVersion(String purl) {
    return purl != null && PackageRef.fromPurl(purl) instanceof PackageRef.Parsed.Ok ok
        ? ok.version()
        : null;
  }

  /** What a VEX import did: statements read, findings changed, verdicts kept for later releases. */
  public record VexImported(int statements, int applied, int kept, int decisions) {}

  /**
   * Applies VEX statements to the service's releases. A statement changes findings that are still
   * open or in triage, where the state table allows it; a human verdict already made (affected,
   * not_affected, fixed, risk_accepted) stands, and is counted as kept. A not_affected statement
   * also becomes a service-scoped decision, so later releases (for a versioned purl: later releases
   * with that version) inherit it. Other states are facts about the releases analysed now and do
   * not carry over.
   */
  public VexImported importVex(
      Principal caller, String requestId, String service, List<VexImport.Statement> statements) {
    return db.writes()
        .inTransaction(
            h -> {
              String team =
                  dao.teamOf(h, caller, service)
                      .orElseThrow(() -> new DomainException.NotFound("no service " + service));
              // VEX verdicts on a service that needs a second person for them by hand come from
              // a security reviewer at least (docs/permissions.md).
              String criticality = dao.criticality(h, service);
              if (secondPerson.contains(criticality)
                  && !caller.role().may(Permission.RISK_APPROVE)) {
                throw new DomainException.Forbidden(
                    "VEX for a "
                        + criticality
                        + " service is imported by security or admin"
                        + " (findings.secondPersonCriticalities)");
              }
              int applied = 0;
              int kept = 0;
              int decisions = 0;
              Set<Long> changed = new HashSet<>();
              for (VexImport.Statement st : statements) {
                String reason = "VEX: " + (st.detail() == null ? st.state() : st.detail());
                for (FindingDao.VexHit hit :
                    dao.vexHits(h, service, st.ecosystem(), st.pkg(), st.vuln())) {
                  if (st.version() != null && !st.version().equals(purlVersion(hit.purl()))) {
                    continue;
                  }
                  if (!(hit.state().equals("open") || hit.state().equals("triaged"))
                      || !FindingState.stored(hit.state())
                          .mayBecome(FindingState.stored(st.state()), FindingState.By.PERSON)) {
                    kept++;
                    continue;
                  }
                  FindingDao.Target t =
                      new FindingDao.Target(
                          hit.id(),
                          hit.release(),
                          service,
                          team,
                          hit.state(),
                          null,
                          st.ecosystem(),
                          st.pkg(),
                          List.of(st.vuln()));
                  setState(h, t, caller.actor(), st.state(), reason, st.justification(), null);
                  changed.add(hit.release());
                  applied++;
                }
                if (st.state().equals("not_affected")) {
                  dao.insertDecision(
                      h,
                      new FindingDao.Decision(
                          "service",
                          service,
                          st.ecosystem(),
                          st.pkg(),
                          ReleaseJson.of(List.of(st.vuln())),
                          "not_affected",
                          st.justification(),
                          reason,
                          null,
                          caller.actor(),
                          clock.instant(),
                          st.version(),
                          "vex"));
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
                      decisions),
                  Affects.releases(changed));
              return new VexImported(statements.size(), applied, kept, decisions);
            });
  }

  /** A risk acceptance request as a reviewer lists it. */
  public record RiskRequestView(
      long id,
      long finding,
      String service,
      String version,
      String vulnerability,
      String severity,
      String reason,
      Instant expiresAt,
      String scope,
      String status,
      String requestedBy,
      String requestedSubject,
      Instant requestedAt,
      String approvedBy,
      String approvedSubject,
      Instant approvedAt) {}

  /**
   * Risk acceptance requests of findings the caller may see, newest first; {@code status} pending
   * or approved, or null for all; {@code service} one service, or null for all.
   */
  public List<RiskRequestView> riskRequests(
      Principal caller, String status, String service, int limit) {
    if (status != null && !Set.of("pending", "approved").contains(status)) {
      throw new DomainException.Invalid("status", "must be pending or approved");
    }
    return db.jdbi()
        .withHandle(h -> dao.riskRequests(h, caller, status, service, Math.clamp(limit, 1, 500)));
  }

  /** The justifications a not_affected verdict may give, sorted: what a form offers. */
  public static List<String> justifications() {
    return JUSTIFICATIONS.stream().sorted().toList();
  }
}
