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

  /** What a push answers: the bundle, and whether it was new. */
  public record Pushed(
      String digest, int policies, int rules, boolean created, List<String> policyNames) {}

  /**
   * Compiles and stores a bundle and makes it the active one. A bundle with any problem is refused
   * whole (422, every problem with its file:line:col). Pushing a digest again re-activates it.
   */
  public Pushed push(Principal caller, String requestId, Map<String, String> files) {
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.compile(files, PolicyBundle.Limits.DEFAULT, settings.budget());
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
              boolean created = dao.bundle(h, bundle.digest()).isEmpty();
              if (created) {
                dao.insertBundle(
                    h,
                    bundle.digest(),
                    new String(Json.write(bundle.files()), StandardCharsets.UTF_8),
                    bundle.policyNames().size(),
                    bundle.ruleCount(),
                    caller.actor(),
                    clock.millis());
              }
              String before = dao.activeDigest(h).orElse(null);
              dao.activate(h, bundle.digest());
              Map<String, Object> after = new LinkedHashMap<>();
              after.put("digest", bundle.digest());
              after.put("policies", bundle.policyNames());
              after.put("rules", bundle.ruleCount());
              after.put("previous", before);
              audit.record(
                  h,
                  caller,
                  requestId,
                  created ? "policy.push" : "policy.activate",
                  Map.of("kind", "policy-bundle", "id", bundle.digest()),
                  before == null ? null : Map.of("digest", before),
                  after);
              return new Pushed(
                  bundle.digest(),
                  bundle.policyNames().size(),
                  bundle.ruleCount(),
                  created,
                  bundle.policyNames());
            });
  }

  public List<GateDao.Bundle> bundles() {
    return db.jdbi().withHandle(dao::bundles);
  }

  /** The active bundle's files, by digest (for {@code GET /api/v1/policies/bundles/{digest}}). */
  public Map<String, String> bundleFiles(String digest) {
    GateDao.Bundle b =
        db.jdbi()
            .withHandle(h -> dao.bundle(h, digest))
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
                files(dao.bundle(h, d).orElseThrow()),
                PolicyBundle.Limits.DEFAULT,
                settings.budget());
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
      long ledgerIndex) {}

  /**
   * Reads the release's facts and evaluates them outside the single writer (a read of ten thousand
   * findings must not hold up every other write), then stores the decision and its ledger entry in
   * one short write transaction. The decision records the digest of exactly the input it evaluated.
   */
  public Answer evaluate(
      Principal caller, String requestId, String service, String version, String environment) {
    checkEnvironment(environment);
    record Evaluated(
        GateDao.Release release, PolicyBundle bundle, GateInput input, List<Waiver> waivers) {}
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
                  List<Waiver> waivers = new ArrayList<>();
                  for (GateDao.UsableWaiver w : facts.waivers()) {
                    waivers.add(
                        new Waiver(
                            "W-" + w.id(),
                            w.policy(),
                            w.rule(),
                            w.digest(),
                            w.finding(),
                            w.expiresAt()));
                  }
                  return new Evaluated(r, bundle, input, waivers);
                });
    // Evaluated with no connection held: a slow bundle must not starve other requests of the pool.
    GateDao.Release r = e.release();
    Decision d = bounded(e.bundle(), e.input(), e.waivers());
    List<Map<String, Object>> results = results(d);
    List<String> failing =
        d.results().stream()
            .filter(Decision.RuleResult::blocks)
            .map(Decision.RuleResult::id)
            .toList();
    Map<String, String> subject = subject("gate-decision", r, environment);
    subject.put("decision", d.decision());
    subject.put("bundle", d.bundleDigest());
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
                  index);
            });
  }

  /**
   * Evaluates within the gate's ceiling. The bundle's meter stops the rules at the ceiling itself;
   * this is the backstop for anything it could not interrupt: the evaluation runs on its own
   * thread, and an answer that is not there shortly after the ceiling is a denial with every rule
   * in error, while the thread is interrupted (the meter then stops at its next step).
   */
  private Decision bounded(PolicyBundle bundle, GateInput input, List<Waiver> waivers) {
    java.time.Duration ceiling = settings.budget().gateTime();
    java.util.concurrent.Future<Decision> f =
        evaluators.submit(() -> bundle.evaluate(input, waivers));
    try {
      return f.get(
          ceiling.plus(BACKSTOP_GRACE).toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException timeout) {
      f.cancel(true);
      return bundle.unfinished(
          input,
          "the gate's evaluation passed its time ceiling of "
              + ceiling.toMillis()
              + " ms (gate.ceilingMillis)");
    } catch (java.util.concurrent.ExecutionException failed) {
      if (failed.getCause() instanceof VirtualMachineError vm) {
        // Fail closed rather than answer 500: the limits should have made this impossible.
        return bundle.unfinished(
            input, "the evaluation failed (" + vm.getClass().getSimpleName() + ")");
      }
      throw new IllegalStateException("gate evaluation failed", failed.getCause());
    } catch (InterruptedException interrupted) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while evaluating a gate", interrupted);
    }
  }

  static final java.time.Duration BACKSTOP_GRACE = java.time.Duration.ofMillis(250);

  /**
   * Platform threads, reused: a virtual thread that computes is never preempted, so a few hostile
   * gates would hold every carrier and stall the gates of other teams behind them.
   */
  private final java.util.concurrent.ExecutorService evaluators =
      java.util.concurrent.Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("gate-eval-", 0).factory());

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
