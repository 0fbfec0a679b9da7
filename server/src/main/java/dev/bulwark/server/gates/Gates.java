package dev.bulwark.server.gates;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.bulwark.policy.Decision;
import dev.bulwark.policy.Diagnostic;
import dev.bulwark.policy.GateInput;
import dev.bulwark.policy.PolicyBundle;
import dev.bulwark.policy.PolicyException;
import dev.bulwark.policy.Waiver;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.releases.Releases;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Policy bundles, gate decisions and deployments. A decision is evaluated, stored and appended to
 * the ledger in one transaction: the answer CI gets is the one the ledger holds.
 */
public final class Gates {
  private final Database db;
  private final Releases releases;
  private final AuditLog audit;
  private final Clock clock;
  private final ServerConfig.GateSettings settings;
  private final GateDao dao = new GateDao();

  /** Compiled bundles by content digest: compiled once per node, whoever pushed them. */
  private final Map<String, PolicyBundle> compiled = new ConcurrentHashMap<>();

  public Gates(
      Database db,
      Releases releases,
      AuditLog audit,
      Clock clock,
      ServerConfig.GateSettings settings) {
    this.db = db;
    this.releases = releases;
    this.audit = audit;
    this.clock = clock;
    this.settings = settings;
  }

  public List<String> environments() {
    return settings.environments();
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
      bundle = PolicyBundle.compile(files, PolicyBundle.Limits.DEFAULT);
    } catch (PolicyException e) {
      List<ApiException.FieldError> errors = new ArrayList<>();
      for (Diagnostic d : e.diagnostics()) {
        errors.add(
            new ApiException.FieldError(
                "files[" + d.file() + "]",
                d.file() + ":" + d.line() + ":" + d.column() + ": " + d.message()));
      }
      throw ApiException.invalid(errors);
    }
    compiled.putIfAbsent(bundle.digest(), bundle);
    return db.writes()
        .inTransaction(
            h -> {
              java.util.Optional<GateDao.Bundle> existing =
                  dao.bundleInLayer(h, team, bundle.digest());
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
                GateDao.Bundle b = existing.get();
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
                  after);
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
      throw ApiException.forbidden(
          "only an admin or unscoped security may "
              + what
              + " the global policy bundle; a team's security pushes a team bundle (team)");
    }
    if (team != null && !caller.inScope(team)) {
      throw ApiException.forbidden("team " + team + " is outside your scope");
    }
  }

  /**
   * Activates a pending bundle: approved by a second person with authority over its layer, who is
   * not its pusher (not the same subject, and neither minted the other's token). The bundle it
   * replaces is superseded; both subjects go on the ledger.
   */
  public GateDao.Bundle approve(Principal caller, String requestId, long id) {
    return db.writes()
        .inTransaction(
            h -> {
              GateDao.Bundle b = visibleBundle(h, caller, id);
              checkAuthority(caller, b.team(), "approve");
              if (b.pushedBy().equals(caller.actor())
                  || caller.samePersonAs(b.pushedSubject(), b.pushedMinter())) {
                throw ApiException.forbidden(
                    "a policy bundle is approved by someone other than its pusher (subject "
                        + b.pushedSubject()
                        + ")");
              }
              return activate(h, caller, requestId, b, true);
            });
  }

  private GateDao.Bundle activate(
      Handle h, Principal caller, String requestId, GateDao.Bundle b, boolean reviewed) {
    if (!b.status().equals("pending")) {
      throw ApiException.conflict(
          "policy bundle " + b.id() + " is " + b.status() + ", not pending");
    }
    String before = dao.activeDigest(h, b.team()).orElse(null);
    dao.supersede(h, b.team(), b.id());
    if (!dao.activate(h, b, caller, clock.millis(), reviewed)) {
      throw ApiException.conflict("policy bundle " + b.id() + " is no longer pending");
    }
    GateDao.Bundle after = dao.bundleById(h, b.id()).orElseThrow();
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
    audit.record(
        h,
        caller,
        requestId,
        "policy.activate",
        bundleSubject(b.id(), b.digest(), b.team()),
        before == null ? null : Map.of("digest", before),
        state);
    return after;
  }

  /** Rejects a pending bundle, with a reason; its pusher may withdraw it this way too. */
  public GateDao.Bundle reject(Principal caller, String requestId, long id, String reason) {
    if (reason == null || reason.isBlank()) {
      throw ApiException.invalid("reason", "is required: why the bundle is rejected");
    }
    return db.writes()
        .inTransaction(
            h -> {
              GateDao.Bundle b = visibleBundle(h, caller, id);
              checkAuthority(caller, b.team(), "reject");
              if (!dao.reject(h, id, caller, clock.millis(), reason)) {
                throw ApiException.conflict(
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
                  state);
              return dao.bundleById(h, id).orElseThrow();
            });
  }

  /** A bundle by id that the caller may see (global, or of a team in scope), or 404. */
  private GateDao.Bundle visibleBundle(Handle h, Principal caller, long id) {
    return dao.bundleById(h, id)
        .filter(b -> b.team() == null || caller.inScope(b.team()))
        .orElseThrow(() -> ApiException.notFound("no policy bundle " + id));
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

  public List<GateDao.Bundle> bundles(Principal caller) {
    return db.jdbi().withHandle(h -> dao.bundles(h, caller));
  }

  /** A bundle's files, by digest (for {@code GET /api/v1/policies/bundles/{digest}}). */
  public Map<String, String> bundleFiles(Principal caller, String digest) {
    GateDao.Bundle b =
        db.jdbi()
            .withHandle(h -> dao.visibleBundle(h, caller, digest))
            .orElseThrow(() -> ApiException.notFound("no policy bundle " + digest));
    return files(b);
  }

  private static Map<String, String> files(GateDao.Bundle b) {
    try {
      return Json.MAPPER.readValue(b.files(), new TypeReference<Map<String, String>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored bundle " + b.digest() + " is unreadable", e);
    }
  }

  /** The compiled bundle; its files are read from the database only when not compiled yet. */
  private PolicyBundle compiledOf(Handle h, String digest) {
    return compiled.computeIfAbsent(
        digest,
        d -> {
          try {
            return PolicyBundle.compile(
                files(dao.bundle(h, d).orElseThrow()), PolicyBundle.Limits.DEFAULT);
          } catch (PolicyException e) {
            throw new IllegalStateException("stored bundle " + d + " no longer compiles", e);
          }
        });
  }

  /** A gate decision, as the contract answers it; {@code results} is already JSON (an array). */
  public record Answer(
      String decision,
      String service,
      String version,
      String digest,
      String environment,
      String bundle,
      String inputDigest,
      @JsonRawValue String results,
      List<String> waivers,
      long decisionId,
      long ledgerIndex,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          String teamBundle) {}

  /**
   * The waivers of one layer. A team bundle's rules are named {@code <team>:<policy>/<rule>} in
   * decisions and waivers (':' is never part of a policy name), so a waiver of a team rule can
   * never match a global rule of the same name, and the global layer gets only waivers of global
   * rules.
   */
  static List<Waiver> layerWaivers(List<GateDao.UsableWaiver> usable, String team) {
    List<Waiver> out = new ArrayList<>();
    for (GateDao.UsableWaiver w : usable) {
      String policy = w.policy();
      if (team == null ? policy.contains(":") : !policy.startsWith(team + ":")) {
        continue;
      }
      out.add(
          new Waiver(
              "W-" + w.id(),
              team == null ? policy : policy.substring(team.length() + 1),
              w.rule(),
              w.digest(),
              w.finding(),
              w.expiresAt()));
    }
    return out;
  }

  /**
   * The global decision with the team bundle's rules added under it: allowed only if both allow, so
   * a team bundle can add rules but never turn a global rule's failure into a pass.
   */
  static Decision layered(Decision global, Decision team, String teamName) {
    List<Decision.RuleResult> results = new ArrayList<>(global.results());
    for (Decision.RuleResult r : team.results()) {
      results.add(
          new Decision.RuleResult(
              teamName + ":" + r.policy(),
              r.rule(),
              r.action(),
              r.outcome(),
              r.message(),
              r.reads(),
              r.waiver()));
    }
    List<String> used = new ArrayList<>(global.waiversUsed());
    team.waiversUsed().stream().filter(w -> !used.contains(w)).forEach(used::add);
    return new Decision(
        global.allowed() && team.allowed(),
        global.bundleDigest(),
        global.inputDigest(),
        results,
        used);
  }

  /**
   * Reads the release's facts and evaluates them outside the single writer (a read of ten thousand
   * findings must not hold up every other write), then stores the decision and its ledger entry in
   * one short write transaction. The decision records the digest of exactly the input it evaluated.
   */
  public Answer evaluate(
      Principal caller, String requestId, String service, String version, String environment) {
    checkEnvironment(environment);
    record Evaluated(
        GateDao.Release release, PolicyBundle bundle, String teamBundle, Decision decision) {}
    // Plain reads, no transaction: on SQLite every transaction takes the write lock (BEGIN
    // IMMEDIATE), and a gate must not hold up writers. The cache stamp is read before the facts,
    // so a change committed in between can only make an entry look older than it is.
    Evaluated e =
        db.jdbi()
            .withHandle(
                h -> {
                  Instant now = clock.instant();
                  GateDao.GateFacts facts =
                      dao.gateFactsOrNotFound(h, caller, service, version, now.toEpochMilli());
                  GateDao.GateTarget t = facts.target();
                  GateDao.Release r = t.release();
                  String active =
                      t.activeBundle()
                          .orElseThrow(
                              () ->
                                  ApiException.conflict(
                                      "no policy bundle is active; push one with bulwark policy push"));
                  PolicyBundle bundle = compiledOf(h, active);
                  GateInput input =
                      input(h, caller, r, t.stamp(), environment, now, facts.promotions());
                  Decision global = bundle.evaluate(input, layerWaivers(facts.waivers(), null));
                  if (t.teamBundle().isEmpty()) {
                    return new Evaluated(r, bundle, null, global);
                  }
                  PolicyBundle team = compiledOf(h, t.teamBundle().get());
                  Decision local = team.evaluate(input, layerWaivers(facts.waivers(), r.team()));
                  return new Evaluated(r, bundle, team.digest(), layered(global, local, r.team()));
                });
    GateDao.Release r = e.release();
    Decision d = e.decision();
    List<Map<String, Object>> results = results(d);
    List<String> failing =
        d.results().stream()
            .filter(Decision.RuleResult::blocks)
            .map(Decision.RuleResult::id)
            .toList();
    Map<String, String> subject = subject("gate-decision", r, environment);
    subject.put("decision", d.decision());
    subject.put("bundle", d.bundleDigest());
    if (e.teamBundle() != null) {
      subject.put("teamBundle", e.teamBundle());
    }
    subject.put("inputs", d.inputDigest());
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("decision", d.decision());
    after.put("blocking", failing);
    after.put("waivers", d.waiversUsed());
    // The explanation is serialized once: the ledger entry's after state (its one stored copy) and
    // the answer carry the same bytes.
    String resultsJson = new String(Json.write(results), StandardCharsets.UTF_8);
    after.put("results", new RawValue(resultsJson));
    String waiversJson = new String(Json.write(d.waiversUsed()), StandardCharsets.UTF_8);
    return db.writes()
        .inTransaction(
            h -> {
              long index =
                  audit.record(h, caller, requestId, "gate.decision", subject, null, after);
              long id =
                  dao.insertDecision(
                      h,
                      r,
                      environment,
                      d.decision(),
                      d.bundleDigest(),
                      e.teamBundle(),
                      d.inputDigest(),
                      waiversJson,
                      index,
                      caller.actor(),
                      clock.millis());
              return new Answer(
                  d.decision(),
                  r.service(),
                  r.version(),
                  r.digest(),
                  environment,
                  d.bundleDigest(),
                  d.inputDigest(),
                  resultsJson,
                  d.waiversUsed(),
                  id,
                  index,
                  e.teamBundle());
            });
  }

  /**
   * A release's facts as a gate input, kept per node while nothing it depends on changed: the
   * release's facts revision (raised in the transaction of every change to its SBOM, findings,
   * SARIF summaries and attestations), the service's team, area and criticality, and time (the
   * input is valid until the next SLA due date or risk-acceptance expiry after it was read).
   * Environment, promotion history and {@code now} are read fresh for every question.
   */
  private record Cached(GateDao.Stamp stamp, Instant validUntil, GateInput base) {}

  private final Map<Long, Cached> inputs = new ConcurrentHashMap<>();
  static final int MAX_CACHED = 64;

  /**
   * Everything a rule may read about this release. The stamp was read before the facts: a change
   * committed in between makes the cached entry look older than it is (rebuilt once more), never
   * newer.
   */
  GateInput input(
      Handle h,
      Principal caller,
      GateDao.Release r,
      GateDao.Stamp stamp,
      String environment,
      Instant now,
      List<GateDao.Promotion> history) {
    Cached c = inputs.get(r.id());
    GateInput base;
    if (c != null && c.stamp().equals(stamp) && now.isBefore(c.validUntil())) {
      base = c.base();
    } else {
      Built built = build(h, caller, r, now);
      base = built.input();
      if (inputs.size() >= MAX_CACHED) {
        inputs.clear();
      }
      inputs.put(r.id(), new Cached(stamp, built.validUntil(), base));
    }
    List<GateInput.Promotion> promotions = new ArrayList<>();
    for (GateDao.Promotion p : history) {
      promotions.add(
          new GateInput.Promotion(p.environment(), p.event(), Instant.ofEpochMilli(p.at())));
    }
    return base.at(environment, promotions, now);
  }

  /** Drops every cached input (tests compare cached and fresh answers with it). */
  public void forgetInputs() {
    inputs.clear();
  }

  private record Built(GateInput input, Instant validUntil) {}

  private Built build(Handle h, Principal caller, GateDao.Release r, Instant now) {
    Releases.GateFacts facts = releases.gateFacts(h, caller, r.service(), r.version());
    Instant validUntil = Instant.MAX;
    List<GateInput.Finding> findings = new ArrayList<>(facts.findings().size());
    for (Releases.GateFinding f : facts.findings()) {
      if (f.due().isAfter(now) && f.due().isBefore(validUntil)) {
        validUntil = f.due(); // overdue flips then
      }
      if (f.expires() != null && f.expires().isAfter(now) && f.expires().isBefore(validUntil)) {
        validUntil = f.expires(); // a risk acceptance runs out then
      }
      findings.add(
          new GateInput.Finding(
              f.id(),
              f.aliases(),
              "dependency",
              f.severity(),
              f.state(),
              f.component(),
              f.due(),
              now.isAfter(f.due()),
              f.fixed()));
    }
    List<GateInput.Attestation> attestations = new ArrayList<>();
    for (GateDao.Attestation a : dao.attestations(h, r.id())) {
      attestations.add(
          new GateInput.Attestation(
              a.predicateType(),
              a.verified(),
              a.reason(),
              a.builderId(),
              a.sourceRepository(),
              Attestations.materials(a.materials())));
    }
    List<GateInput.TestReport> tests = new ArrayList<>();
    for (Releases.ToolSummary t : facts.tests()) {
      tests.add(
          new GateInput.TestReport(
              t.tool(), t.kind(), t.results(), t.critical(), t.high(), t.medium(), t.low()));
    }
    GateInput input =
        new GateInput(
            new GateInput.Service(facts.service(), facts.team(), facts.area(), facts.criticality()),
            new GateInput.Release(
                facts.version(), facts.digest(), facts.sbom(), facts.components()),
            findings,
            attestations,
            tests,
            "-",
            List.of(),
            now);
    input.findingsDigest(); // once per set of facts, not once per question
    return new Built(input, validUntil);
  }

  static List<Map<String, Object>> results(Decision d) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Decision.RuleResult r : d.results()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", r.policy());
      m.put("rule", r.rule());
      m.put("action", r.action().name());
      m.put("outcome", r.outcome().name());
      m.put("message", r.message());
      Map<String, Object> reads = new LinkedHashMap<>();
      r.reads().forEach(x -> reads.put(x.path(), x.value()));
      m.put("reads", reads);
      if (r.waiver() != null) {
        m.put("waiver", r.waiver());
      }
      out.add(m);
    }
    return out;
  }

  /** A ledger subject naming a release's digest in an environment; callers may add fields. */
  private static Map<String, String> subject(String kind, GateDao.Release r, String environment) {
    Map<String, String> subject = new LinkedHashMap<>();
    subject.put("kind", kind);
    subject.put("id", r.service() + "@" + r.version() + "/" + environment);
    subject.put("service", r.service());
    subject.put("version", r.version());
    subject.put("digest", r.digest());
    subject.put("environment", environment);
    return subject;
  }

  void checkEnvironment(String environment) {
    if (environment == null || !settings.environments().contains(environment)) {
      throw ApiException.invalid(
          "environment", "must be one of " + settings.environments() + " (gate.environments)");
    }
  }

  /** A recorded deployment. */
  public record Deployed(
      long id,
      String service,
      String version,
      String digest,
      String environment,
      long decisionId) {}

  /**
   * Records that a release runs in an environment, only if the latest gate decision for that exact
   * digest in that environment allowed it (409 otherwise).
   */
  public Deployed deploy(
      Principal caller, String requestId, String service, String version, String environment) {
    checkEnvironment(environment);
    return db.writes()
        .inTransaction(
            h -> {
              GateDao.Release r = dao.releaseOrNotFound(h, caller, service, version);
              GateDao.LatestDecision d =
                  dao.latestDecision(h, r.service(), r.digest(), environment)
                      .orElseThrow(
                          () ->
                              ApiException.conflict(
                                  "digest "
                                      + r.digest()
                                      + " has no gate decision for "
                                      + environment
                                      + "; run bulwark gate first"));
              if (!d.decision().equals("allow")) {
                throw ApiException.conflict(
                    "the latest gate decision for digest "
                        + r.digest()
                        + " in "
                        + environment
                        + " denied it (ledger index "
                        + d.ledgerIndex()
                        + ")");
              }
              // An allow is a judgement of the findings and policies of its time: an old one may
              // predate advisories and policy changes that would deny the digest now.
              java.time.Instant validUntil = d.decidedAt().plus(settings.decisionValidity());
              if (!clock.instant().isBefore(validUntil)) {
                throw ApiException.conflict(
                    "the latest gate decision for digest "
                        + r.digest()
                        + " in "
                        + environment
                        + " allowed it at "
                        + d.decidedAt()
                        + ", longer ago than gate.decisionValidMinutes ("
                        + settings.decisionValidity().toMinutes()
                        + " min); run bulwark gate again");
              }
              long id =
                  dao.insertDeployment(h, r, environment, d.id(), caller.actor(), clock.millis());
              Map<String, String> subject = subject("deployment", r, environment);
              audit.record(
                  h,
                  caller,
                  requestId,
                  "deployment.record",
                  subject,
                  null,
                  Map.of("decision", d.id(), "decisionLedgerIndex", d.ledgerIndex()));
              return new Deployed(id, r.service(), r.version(), r.digest(), environment, d.id());
            });
  }

  /** A past decision as listed: what was asked and answered, without the explanation. */
  public record DecisionSummary(
      long id,
      String service,
      String version,
      String digest,
      String environment,
      String decision,
      String bundle,
      String inputDigest,
      List<String> waivers,
      long ledgerIndex,
      String actor,
      Instant decidedAt) {}

  /**
   * A past decision with its explanation, read from its ledger entry's after state. {@code
   * explanationMatchesLedger} says whether SHA-256 of the stored after state equals the after
   * digest in the hashed entry: the stored state sits beside the tree, the digest inside it.
   */
  public record PastDecision(
      @com.fasterxml.jackson.annotation.JsonUnwrapped DecisionSummary decision,
      String afterDigest,
      boolean explanationMatchesLedger,
      List<String> blocking,
      com.fasterxml.jackson.databind.JsonNode results) {}

  public List<DecisionSummary> decisions(
      Principal caller, String service, String environment, String digest, int limit) {
    if (environment != null) {
      checkEnvironment(environment);
    }
    return db.jdbi().withHandle(h -> dao.decisions(h, caller, service, environment, digest, limit));
  }

  public PastDecision decision(Principal caller, long id) {
    return db.jdbi()
        .withHandle(
            h -> {
              DecisionSummary d =
                  dao.decision(h, caller, id)
                      .orElseThrow(() -> ApiException.notFound("no gate decision " + id));
              GateDao.LedgerRecord entry =
                  dao.ledgerRecord(h, d.ledgerIndex())
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "ledger entry "
                                      + d.ledgerIndex()
                                      + " of decision "
                                      + id
                                      + " is missing"));
              String afterDigest =
                  dev.bulwark.ledger.LedgerEntry.parse(
                          entry.entry().getBytes(StandardCharsets.UTF_8))
                      .afterDigest();
              boolean matches =
                  entry.after() != null
                      && afterDigest != null
                      && afterDigest.equals(
                          dev.bulwark.server.ledger.LedgerAuditLog.digest(
                              entry.after().getBytes(StandardCharsets.UTF_8)));
              com.fasterxml.jackson.databind.JsonNode after;
              try {
                after =
                    entry.after() == null
                        ? Json.MAPPER.nullNode()
                        : Json.MAPPER.readTree(entry.after());
              } catch (java.io.IOException e) {
                // Not a stack trace to the user: the stored state no longer parses, so it was
                // altered outside Bulwark; the digest comparison says so as well.
                after = Json.MAPPER.nullNode();
              }
              List<String> blocking = new ArrayList<>();
              after.path("blocking").forEach(b -> blocking.add(b.asText()));
              return new PastDecision(d, afterDigest, matches, blocking, after.get("results"));
            });
  }

  public List<GateDao.Deployment> deployments(
      Principal caller, String environment, String service) {
    if (environment != null) {
      checkEnvironment(environment);
    }
    return db.jdbi().withHandle(h -> dao.current(h, caller, environment, service));
  }
}
