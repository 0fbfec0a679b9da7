package dev.bulwark.server.policies;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.policy.Diagnostic;
import dev.bulwark.policy.PolicyBundle;
import dev.bulwark.policy.PolicyException;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Policy bundles: pushed per layer (global, or a team's), activated by a second person, and
 * compiled once per node by content digest. Which bundle is active is read by every gate in its own
 * query, so an activation changes no cached gate input (it names no releases it affects).
 */
public final class Policies {
  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final ServerConfig.GateSettings settings;
  private final PolicyDao dao = new PolicyDao();

  /** Compiled bundles by content digest: compiled once per node, whoever pushed them. */
  private final Map<String, PolicyBundle> compiled = new ConcurrentHashMap<>();

  public Policies(Database db, AuditLog audit, Clock clock, ServerConfig.GateSettings settings) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.settings = settings;
  }

  /** What a push answers: the bundle, its layer and status, and whether it was new. */
  public record Pushed(
      long id,
      String digest,
      String team,
      String status,
      int policies,
      int rules,
      boolean created,
      List<String> policyNames) {}

  /** A bundle as the API shows it. */
  public record BundleView(
      long id,
      String digest,
      String team,
      String status,
      int policies,
      int rules,
      String pushedBy,
      String pushedSubject,
      Instant pushedAt,
      String decidedBy,
      String decidedSubject,
      Instant decidedAt,
      String decideReason,
      boolean active) {
    static BundleView of(PolicyDao.Bundle b) {
      return new BundleView(
          b.id(),
          b.digest(),
          b.team(),
          b.status(),
          b.policies(),
          b.rules(),
          b.pushedBy(),
          b.pushedSubject(),
          b.pushedAt(),
          b.decidedBy(),
          b.decidedSubject(),
          b.decidedAt(),
          b.decideReason(),
          b.active());
    }
  }

  /**
   * Compiles and stores a bundle of a layer (team null: the global bundle), pending until a second
   * person approves it ({@link #approve}). A bundle with any problem is refused whole (422, every
   * problem with its file:line:col). The global bundle is pushed only by an admin or unscoped
   * security; a team bundle by a principal with that team in scope. Pushing a pending or active
   * digest again changes nothing; a superseded or rejected one becomes pending again.
   */
  public Pushed push(Principal caller, String requestId, Map<String, String> files, String team) {
    checkAuthority(caller, team, "push");
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.compile(files, PolicyBundle.Limits.DEFAULT, settings.budget());
    } catch (PolicyException e) {
      List<DomainException.FieldError> errors = new ArrayList<>();
      for (Diagnostic d : e.diagnostics()) {
        errors.add(
            new DomainException.FieldError(
                "files[" + d.file() + "]",
                d.file() + ":" + d.line() + ":" + d.column() + ": " + d.message()));
      }
      throw new DomainException.Invalid(errors);
    }
    compiled.putIfAbsent(bundle.digest(), bundle);
    return db.writes()
        .inTransaction(
            h -> {
              Optional<PolicyDao.Bundle> existing = dao.bundleInLayer(h, team, bundle.digest());
              long id;
              if (existing.isEmpty()) {
                id =
                    dao.insertBundle(
                        h,
                        bundle.digest(),
                        team,
                        new String(Json.write(bundle.files()), StandardCharsets.UTF_8),
                        bundle.policyNames().size(),
                        bundle.ruleCount(),
                        caller,
                        clock.millis());
              } else if (existing.get().status().equals("pending") || existing.get().active()) {
                PolicyDao.Bundle b = existing.get();
                return pushed(b.id(), bundle, team, b.status(), false);
              } else {
                id = existing.get().id();
                dao.repush(h, id, caller, clock.millis());
              }
              Map<String, Object> after = new LinkedHashMap<>();
              after.put("id", id);
              after.put("digest", bundle.digest());
              after.put("team", team);
              after.put("status", "pending");
              after.put("policies", bundle.policyNames());
              after.put("rules", bundle.ruleCount());
              after.put("pushedSubject", caller.subject());
              audit.record(
                  h,
                  caller,
                  requestId,
                  "policy.push",
                  bundleSubject(id, bundle.digest(), team),
                  null,
                  after,
                  Affects.none());
              return pushed(id, bundle, team, "pending", existing.isEmpty());
            });
  }

  private static Pushed pushed(
      long id, PolicyBundle bundle, String team, String status, boolean created) {
    return new Pushed(
        id,
        bundle.digest(),
        team,
        status,
        bundle.policyNames().size(),
        bundle.ruleCount(),
        created,
        bundle.policyNames());
  }

  /** Named by digest as before layers existed (an auditor's filter still finds its history). */
  private static Map<String, String> bundleSubject(long id, String digest, String team) {
    Map<String, String> subject = new LinkedHashMap<>();
    subject.put("kind", "policy-bundle");
    subject.put("id", digest);
    subject.put("bundle", Long.toString(id));
    if (team != null) {
      subject.put("team", team);
    }
    return subject;
  }

  /** Who may push, approve or reject a bundle of a layer. */
  private static void checkAuthority(Principal caller, String team, String what) {
    if (team == null && !caller.globalAuthority()) {
      throw new DomainException.Forbidden(
          "only an admin or unscoped security may "
              + what
              + " the global policy bundle; a team's security pushes a team bundle (team)");
    }
    if (team != null && !caller.inScope(team)) {
      throw new DomainException.Forbidden("team " + team + " is outside your scope");
    }
  }

  /**
   * Activates a pending bundle: approved by a second person with authority over its layer, who is
   * not its pusher (not the same subject, and neither minted the other's token). The bundle it
   * replaces is superseded; both subjects go on the ledger.
   */
  public BundleView approve(Principal caller, String requestId, long id) {
    return db.writes()
        .inTransaction(
            h -> {
              PolicyDao.Bundle b = visibleBundle(h, caller, id);
              checkAuthority(caller, b.team(), "approve");
              if (b.pushedBy().equals(caller.actor())
                  || caller.samePersonAs(b.pushedSubject(), b.pushedMinter())) {
                throw new DomainException.Forbidden(
                    "a policy bundle is approved by someone other than its pusher (subject "
                        + b.pushedSubject()
                        + ")");
              }
              return BundleView.of(activate(h, caller, requestId, b, true));
            });
  }

  private PolicyDao.Bundle activate(
      Handle h, Principal caller, String requestId, PolicyDao.Bundle b, boolean reviewed) {
    if (!b.status().equals("pending")) {
      throw new DomainException.Conflict(
          "policy bundle " + b.id() + " is " + b.status() + ", not pending");
    }
    String before = dao.activeDigest(h, b.team()).orElse(null);
    dao.supersede(h, b.team(), b.id());
    if (!dao.activate(h, b.id(), caller, clock.millis(), reviewed)) {
      throw new DomainException.Conflict("policy bundle " + b.id() + " is no longer pending");
    }
    PolicyDao.Bundle after = dao.bundleById(h, b.id()).orElseThrow();
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("id", b.id());
    state.put("digest", b.digest());
    state.put("team", b.team());
    state.put("status", "active");
    state.put("previous", before);
    state.put("pushedBy", b.pushedBy());
    state.put("pushedSubject", b.pushedSubject());
    state.put("approvedBy", caller.actor());
    state.put("approvedSubject", caller.subject());
    // The active digest is read by every gate beside the cache stamp: no cached input changes.
    audit.record(
        h,
        caller,
        requestId,
        "policy.activate",
        bundleSubject(b.id(), b.digest(), b.team()),
        before == null ? null : Map.of("digest", before),
        state,
        Affects.none());
    return after;
  }

  /** Rejects a pending bundle, with a reason; its pusher may withdraw it this way too. */
  public BundleView reject(Principal caller, String requestId, long id, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new DomainException.Invalid("reason", "is required: why the bundle is rejected");
    }
    return db.writes()
        .inTransaction(
            h -> {
              PolicyDao.Bundle b = visibleBundle(h, caller, id);
              checkAuthority(caller, b.team(), "reject");
              if (!dao.reject(h, id, caller, clock.millis(), reason)) {
                throw new DomainException.Conflict(
                    "policy bundle " + id + " is " + b.status() + ", not pending");
              }
              Map<String, Object> state = new LinkedHashMap<>();
              state.put("id", id);
              state.put("digest", b.digest());
              state.put("team", b.team());
              state.put("status", "rejected");
              state.put("reason", reason);
              state.put("pushedSubject", b.pushedSubject());
              state.put("rejectedSubject", caller.subject());
              audit.record(
                  h,
                  caller,
                  requestId,
                  "policy.reject",
                  bundleSubject(id, b.digest(), b.team()),
                  null,
                  state,
                  Affects.none());
              return BundleView.of(dao.bundleById(h, id).orElseThrow());
            });
  }

  /** A bundle by id that the caller may see (global, or of a team in scope), or 404. */
  private PolicyDao.Bundle visibleBundle(Handle h, Principal caller, long id) {
    return dao.bundleById(h, id)
        .filter(b -> b.team() == null || caller.inScope(b.team()))
        .orElseThrow(() -> new DomainException.NotFound("no policy bundle " + id));
  }

  /**
   * Pushes and activates the global bundle without a second person: only for the server's own demo
   * data on a first start (no person is involved, and the ledger says so: actor {@code system}).
   */
  public Pushed seed(Principal system, String requestId, Map<String, String> files) {
    if (!system.actor().equals("system")) {
      throw new IllegalArgumentException("only the server seeds a bundle");
    }
    Pushed p = push(system, requestId, files, null);
    if (p.status().equals("pending")) {
      db.writes()
          .inTransactionDo(
              h -> activate(h, system, requestId, dao.bundleById(h, p.id()).orElseThrow(), false));
    }
    return p;
  }

  public List<BundleView> bundles(Principal caller) {
    return db.jdbi().withHandle(h -> dao.bundles(h, caller).stream().map(BundleView::of).toList());
  }

  /** A bundle's files, by digest (for {@code GET /api/v1/policies/bundles/{digest}}). */
  public Map<String, String> bundleFiles(Principal caller, String digest) {
    PolicyDao.Bundle b =
        db.jdbi()
            .withHandle(h -> dao.visibleBundle(h, caller, digest))
            .orElseThrow(() -> new DomainException.NotFound("no policy bundle " + digest));
    return files(b);
  }

  private static Map<String, String> files(PolicyDao.Bundle b) {
    try {
      return Json.MAPPER.readValue(b.files(), new TypeReference<Map<String, String>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored bundle " + b.digest() + " is unreadable", e);
    }
  }

  /**
   * The compiled bundle of a stored digest. Its files are read only when this node has not compiled
   * it yet, and it is compiled after that read's handle is closed: a compilation must not hold one
   * of the pool's connections.
   */
  public PolicyBundle compiled(String digest) {
    PolicyBundle known = compiled.get(digest);
    if (known != null) {
      return known;
    }
    PolicyDao.Bundle stored =
        db.jdbi()
            .withHandle(h -> dao.bundle(h, digest))
            .orElseThrow(() -> new IllegalStateException("no stored bundle " + digest));
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.compile(files(stored), PolicyBundle.Limits.DEFAULT, settings.budget());
    } catch (PolicyException e) {
      throw new IllegalStateException("stored bundle " + digest + " no longer compiles", e);
    }
    PolicyBundle raced = compiled.putIfAbsent(digest, bundle);
    return raced == null ? bundle : raced;
  }
}
