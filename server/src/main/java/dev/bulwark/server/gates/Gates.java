package dev.bulwark.server.gates;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.bulwark.policy.Decision;
import dev.bulwark.policy.GateInput;
import dev.bulwark.policy.PolicyBundle;
import dev.bulwark.policy.Waiver;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.policies.Policies;
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
 * Gate decisions: may this release go to this environment? A decision is evaluated against the
 * active bundles (global, and the service's team's), stored and appended to the ledger in one
 * transaction: the answer CI gets is the one the ledger holds. The release's facts are kept per
 * node as a gate input while nothing they depend on changed; the bundles are {@link Policies}'.
 */
public final class Gates {
  private final Database db;
  private final Policies policies;
  private final AuditLog audit;
  private final Clock clock;
  private final ServerConfig.GateSettings settings;
  private final GateDao dao = new GateDao();
  private volatile GateInputs sources;

  public Gates(
      Database db,
      Policies policies,
      AuditLog audit,
      Clock clock,
      ServerConfig.GateSettings settings) {
    this.db = db;
    this.policies = policies;
    this.audit = audit;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Takes how every declared fact is built from the features that build them; called once at start,
   * before the first gate. Refuses a fact with no source or with two.
   */
  public void inputsFrom(List<? extends Feature> features) {
    this.sources = GateInputs.of(features);
  }

  public List<String> environments() {
    return settings.environments();
  }

  /** Refuses an environment that is not configured (gate.environments). */
  public void checkEnvironment(String environment) {
    if (environment == null || !settings.environments().contains(environment)) {
      throw new DomainException.Invalid(
          "environment", "must be one of " + settings.environments() + " (gate.environments)");
    }
  }

  /** A release as a gate sees it: the caller may see its service. */
  public record GateRelease(
      long id, long serviceId, String service, String team, String version, String digest) {}

  /** The release the caller may see, or not found (it does not exist or is not theirs). */
  public GateRelease release(Handle h, Principal caller, String service, String version) {
    return dao.release(h, caller, service, version).orElseThrow(() -> notFound(service, version));
  }

  private static DomainException notFound(String service, String version) {
    return new DomainException.NotFound("no release " + version + " of service '" + service + "'");
  }

  /** The latest gate decision for a digest of a service in an environment. */
  public record LatestDecision(long id, String decision, long ledgerIndex, Instant decidedAt) {}

  public Optional<LatestDecision> latestDecision(Handle h, GateRelease r, String environment) {
    return dao.latestDecision(h, r.serviceId(), r.digest(), environment);
  }

  /**
   * Records a step of the digest's promotion history (a rule reads it as {@code promotions}). It is
   * read with every question, never cached, so recording it raises no facts revision.
   */
  public void promoted(Handle h, GateRelease r, String environment, String event, long at) {
    dao.promote(h, r.serviceId(), r.digest(), environment, event, at);
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
    record Read(GateDao.GateTarget target, GateInput input, List<GateDao.UsableWaiver> waivers) {}
    // Plain reads, no transaction: on SQLite every transaction takes the write lock (BEGIN
    // IMMEDIATE), and a gate must not hold up writers. The cache stamp is read before the facts,
    // so a change committed in between can only make an entry look older than it is.
    Read read =
        db.jdbi()
            .withHandle(
                h -> {
                  Instant now = clock.instant();
                  GateDao.GateFacts facts =
                      dao.gateFacts(h, caller, service, version, now.toEpochMilli())
                          .orElseThrow(() -> notFound(service, version));
                  GateDao.GateTarget t = facts.target();
                  if (t.activeBundle().isEmpty()) {
                    throw new DomainException.Conflict(
                        "no policy bundle is active; push one with bulwark policy push");
                  }
                  GateInput input =
                      input(
                          h, caller, t.release(), t.stamp(), environment, now, facts.promotions());
                  return new Read(t, input, facts.waivers());
                });
    // Compiled (on a node's first gate of a bundle) and evaluated with no connection held: a slow
    // bundle must not starve other requests of the pool.
    GateRelease r = read.target().release();
    PolicyBundle bundle = policies.compiled(read.target().activeBundle().get());
    PolicyBundle team = read.target().teamBundle().map(policies::compiled).orElse(null);
    String teamBundle = team == null ? null : team.digest();
    Decision d = bounded(bundle, team, r.team(), read.input(), read.waivers());
    List<Map<String, Object>> results = results(d);
    List<String> failing =
        d.results().stream()
            .filter(Decision.RuleResult::blocks)
            .map(Decision.RuleResult::id)
            .toList();
    Map<String, String> subject = subject("gate-decision", r, environment);
    subject.put("decision", d.decision());
    subject.put("bundle", d.bundleDigest());
    if (teamBundle != null) {
      subject.put("teamBundle", teamBundle);
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
              // A decision (and the "allowed" promotion it may add, read fresh by every gate)
              // changes no release's facts: naming one would discard its cached input each time.
              long index =
                  audit.record(
                      h, caller, requestId, "gate.decision", subject, null, after, Affects.none());
              long id =
                  dao.insertDecision(
                      h,
                      new GateDao.NewDecision(
                          r,
                          environment,
                          d.decision(),
                          d.bundleDigest(),
                          teamBundle,
                          d.inputDigest(),
                          waiversJson,
                          index,
                          caller.actor(),
                          clock.millis()));
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
                  teamBundle);
            });
  }

  /**
   * Evaluates within the gate's ceiling. The bundle's meter stops the rules at the ceiling itself;
   * this is the backstop for anything it could not interrupt: the evaluation runs on its own
   * thread, and an answer that is not there shortly after the ceiling is a denial with every rule
   * in error, while the thread is interrupted (the meter then stops at its next step). The global
   * bundle and then the team's (if any) run in one task, so the ceiling covers both layers; a
   * denial for lack of time lists every rule of both layers in error.
   */
  private Decision bounded(
      PolicyBundle bundle,
      PolicyBundle team,
      String teamName,
      GateInput input,
      List<GateDao.UsableWaiver> usable) {
    java.time.Duration ceiling = settings.budget().gateTime();
    java.util.concurrent.Future<Decision> f =
        evaluators.submit(
            () -> {
              Decision global = bundle.evaluate(input, layerWaivers(usable, null));
              if (team == null) {
                return global;
              }
              Decision local = team.evaluate(input, layerWaivers(usable, teamName));
              return layered(global, local, teamName);
            });
    try {
      return f.get(
          ceiling.plus(BACKSTOP_GRACE).toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException timeout) {
      f.cancel(true);
      return unfinished(
          bundle,
          team,
          teamName,
          input,
          "the gate's evaluation passed its time ceiling of "
              + ceiling.toMillis()
              + " ms (gate.ceilingMillis)");
    } catch (java.util.concurrent.ExecutionException failed) {
      if (failed.getCause() instanceof VirtualMachineError vm) {
        // Fail closed rather than answer 500: the limits should have made this impossible.
        return unfinished(
            bundle,
            team,
            teamName,
            input,
            "the evaluation failed (" + vm.getClass().getSimpleName() + ")");
      }
      throw new IllegalStateException("gate evaluation failed", failed.getCause());
    } catch (InterruptedException interrupted) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while evaluating a gate", interrupted);
    }
  }

  private static Decision unfinished(
      PolicyBundle bundle, PolicyBundle team, String teamName, GateInput input, String why) {
    Decision global = bundle.unfinished(input, why);
    return team == null ? global : layered(global, team.unfinished(input, why), teamName);
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
   * release's facts revision (raised in the transaction of every change that names it as affected,
   * see {@code Affects}), the service's team, area and criticality, and time (the input is valid
   * until the next SLA due date or risk-acceptance expiry after it was read). Environment,
   * promotion history, waivers, the active bundles and {@code now} are read fresh for every
   * question.
   */
  private record Cached(GateDao.Stamp stamp, Instant validUntil, GateInput base) {}

  private final Map<Long, Cached> inputs = new ConcurrentHashMap<>();
  static final int MAX_CACHED = 64;

  /**
   * Everything a rule may read about this release. The stamp was read before the facts: a change
   * committed in between makes the cached entry look older than it is (rebuilt once more), never
   * newer.
   */
  private GateInput input(
      Handle h,
      Principal caller,
      GateRelease r,
      GateDao.Stamp stamp,
      String environment,
      Instant now,
      List<GateDao.Promotion> history) {
    Cached c = inputs.get(r.id());
    GateInput base;
    if (c != null && c.stamp().equals(stamp) && now.isBefore(c.validUntil())) {
      base = c.base();
    } else {
      GateInputs from = sources;
      if (from == null) {
        throw new IllegalStateException("the gate's input sources are not installed");
      }
      GateInputs.Built built = from.build(h, caller, r, now);
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
  public static Map<String, String> subject(String kind, GateRelease r, String environment) {
    Map<String, String> subject = new LinkedHashMap<>();
    subject.put("kind", kind);
    subject.put("id", r.service() + "@" + r.version() + "/" + environment);
    subject.put("service", r.service());
    subject.put("version", r.version());
    subject.put("digest", r.digest());
    subject.put("environment", environment);
    return subject;
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
                      .orElseThrow(() -> new DomainException.NotFound("no gate decision " + id));
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
}
