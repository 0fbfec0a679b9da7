package dev.bulwark.server.deployments;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.gates.Gates;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Deployments: a digest promoted to an environment, recorded only when the latest gate decision for
 * that digest there allowed it, and recently enough.
 */
public final class Deployments {
  private final Database db;
  private final Gates gates;
  private final AuditLog audit;
  private final Clock clock;
  private final ServerConfig.GateSettings settings;
  private final DeploymentDao dao = new DeploymentDao();

  public Deployments(
      Database db, Gates gates, AuditLog audit, Clock clock, ServerConfig.GateSettings settings) {
    this.db = db;
    this.gates = gates;
    this.audit = audit;
    this.clock = clock;
    this.settings = settings;
  }

  /** A recorded deployment. */
  public record Deployed(
      long id,
      String service,
      String version,
      String digest,
      String environment,
      long decisionId) {}

  /** The latest deployment of a service in an environment. */
  public record Deployment(
      long id,
      String service,
      String version,
      String digest,
      String environment,
      long decisionId,
      String deployedBy,
      Instant deployedAt) {}

  /**
   * A deployment with the index of the ledger entry that recorded it, for pages that prove it (the
   * inclusion widget); null where an old row has none. The API's list stays as it is.
   */
  public record OnLedger(Deployment deployment, Long ledgerIndex) {
    public OnLedger {
      java.util.Objects.requireNonNull(deployment, "deployment");
      if (ledgerIndex != null && ledgerIndex < 0) {
        throw new IllegalArgumentException("a ledger index is not negative: " + ledgerIndex);
      }
    }
  }

  /**
   * Records that a release runs in an environment, only if the latest gate decision for that exact
   * digest in that environment allowed it (409 otherwise).
   */
  public Deployed deploy(
      Principal caller, String requestId, String service, String version, String environment) {
    gates.checkEnvironment(environment);
    return db.writes()
        .inTransaction(
            h -> {
              Gates.GateRelease r = gates.release(h, caller, service, version);
              Gates.LatestDecision d =
                  gates
                      .latestDecision(h, r, environment)
                      .orElseThrow(
                          () ->
                              new DomainException.Conflict(
                                  "digest "
                                      + r.digest()
                                      + " has no gate decision for "
                                      + environment
                                      + "; run bulwark gate first"));
              if (!d.decision().equals("allow")) {
                throw new DomainException.Conflict(
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
              Instant validUntil = d.decidedAt().plus(settings.decisionValidity());
              if (!clock.instant().isBefore(validUntil)) {
                throw new DomainException.Conflict(
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
              long at = clock.millis();
              gates.promoted(h, r, environment, "deployed", at);
              // The promotion history is read fresh by every gate; the releases of this digest
              // are named all the same, so that no later cached fact can miss a deployment.
              long index =
                  audit.record(
                      h,
                      caller,
                      requestId,
                      "deployment.record",
                      Gates.subject("deployment", r, environment),
                      null,
                      Map.of("decision", d.id(), "decisionLedgerIndex", d.ledgerIndex()),
                      Affects.releases(dao.releasesWithDigest(h, r.serviceId(), r.digest())));
              long id =
                  dao.insert(
                      h,
                      r.serviceId(),
                      r.version(),
                      r.digest(),
                      environment,
                      d.id(),
                      caller.actor(),
                      at,
                      index);
              return new Deployed(id, r.service(), r.version(), r.digest(), environment, d.id());
            });
  }

  public List<Deployment> deployments(Principal caller, String environment, String service) {
    return onLedger(caller, environment, service).stream().map(OnLedger::deployment).toList();
  }

  /** {@link #deployments}, each with the index of its ledger entry. */
  public List<OnLedger> onLedger(Principal caller, String environment, String service) {
    if (environment != null) {
      gates.checkEnvironment(environment);
    }
    return db.jdbi().withHandle(h -> dao.current(h, caller, environment, service));
  }

  /** The environments deployments go to, in their configured order. */
  public List<String> environments() {
    return gates.environments();
  }
}
