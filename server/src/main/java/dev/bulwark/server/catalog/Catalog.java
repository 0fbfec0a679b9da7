package dev.bulwark.server.catalog;

import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.http.ApiException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The service catalog: reads and changes, each change audited in its own transaction. */
public final class Catalog {
  private final Jdbi jdbi;
  private final dev.bulwark.server.db.WriteBatcher writes;
  private final ServiceDao dao;
  private final AuditLog audit;
  private final Clock clock;

  public Catalog(Database db, AuditLog audit, Clock clock) {
    this.jdbi = db.jdbi();
    this.writes = db.writes();
    this.dao = new ServiceDao(db.dialect());
    this.audit = audit;
    this.clock = clock;
  }

  /** What an upsert did. */
  public enum Outcome {
    created,
    updated,
    unchanged
  }

  public record Upserted(Service service, Outcome outcome) {}

  public Optional<Service> find(Principal caller, String name) {
    return jdbi.withHandle(h -> dao.find(h, name, caller));
  }

  public List<Service> list(Principal caller, String team) {
    return jdbi.withHandle(h -> dao.list(h, caller, team));
  }

  /** Creates a service; 409 when the name is taken, 403 when the team is not the caller's. */
  public Service create(Principal caller, String requestId, ServiceInput input) {
    input.validate("").throwIfInvalid();
    requireTeamInScope(caller, input.team());
    return writes.inTransaction(
        h -> {
          if (!dao.insert(h, input, clock.instant(), caller)) {
            throw ApiException.conflict("a service named '" + input.name() + "' already exists");
          }
          Service created = dao.find(h, input.name(), caller).orElseThrow();
          audit.record(
              h, caller, requestId, "service.create", serviceSubject(input), null, created.input());
          return created;
        });
  }

  /**
   * Creates or replaces a service; a repeat of the same input changes nothing and records nothing.
   */
  public Upserted upsert(Principal caller, String requestId, ServiceInput input) {
    input.validate("").throwIfInvalid();
    requireTeamInScope(caller, input.team());
    return writes.inTransaction(h -> upsert(h, caller, requestId, input));
  }

  Upserted upsert(Handle h, Principal caller, String requestId, ServiceInput input) {
    // Two attempts: a concurrent insert of the same name between our read and our insert makes
    // the insert do nothing; the second pass then finds and locks the row and updates it.
    for (int attempt = 0; attempt < 2; attempt++) {
      Optional<String> owner = dao.ownerForUpdate(h, input.name());
      if (owner.isEmpty()) {
        if (dao.insert(h, input, clock.instant(), caller)) {
          Service created = dao.find(h, input.name(), caller).orElseThrow();
          audit.record(
              h, caller, requestId, "service.create", serviceSubject(input), null, created.input());
          return new Upserted(created, Outcome.created);
        }
        continue;
      }
      if (!caller.inScope(owner.get())) {
        throw ApiException.forbidden(
            "service '" + input.name() + "' belongs to a team outside your scope");
      }
      Service before = dao.find(h, input.name(), caller).orElseThrow();
      if (before.input().equals(input)) {
        return new Upserted(before, Outcome.unchanged);
      }
      if (!dao.update(h, input, clock.instant(), caller)) {
        throw ApiException.forbidden(
            "service '" + input.name() + "' cannot be moved outside your teams");
      }
      Service after = dao.find(h, input.name(), caller).orElseThrow();
      audit.record(
          h,
          caller,
          requestId,
          "service.update",
          serviceSubject(input),
          before.input(),
          after.input());
      return new Upserted(after, Outcome.updated);
    }
    throw ApiException.conflict("service '" + input.name() + "' changed concurrently; retry");
  }

  public void delete(Principal caller, String requestId, String name) {
    writes.inTransactionDo(
        h -> {
          Service before =
              dao.find(h, name, caller)
                  .orElseThrow(() -> ApiException.notFound("no service named '" + name + "'"));
          dao.delete(h, name, caller);
          audit.record(
              h,
              caller,
              requestId,
              "service.delete",
              Map.of("kind", "service", "id", name, "team", before.team()),
              before.input(),
              null);
        });
  }

  /** Applies a whole import in one transaction: all of it or, on any error, none of it. */
  public List<Upserted> importAll(Principal caller, String requestId, List<ServiceInput> inputs) {
    for (ServiceInput in : inputs) {
      requireTeamInScope(caller, in.team());
    }
    return writes.inTransaction(
        h -> inputs.stream().map(in -> upsert(h, caller, requestId, in)).toList());
  }

  /** A service as ledger entries name it: its name and its team. */
  private static Map<String, String> serviceSubject(ServiceInput s) {
    return Map.of("kind", "service", "id", s.name(), "team", s.team());
  }

  private static void requireTeamInScope(Principal caller, String team) {
    if (!caller.inScope(team)) {
      throw ApiException.forbidden("team '" + team + "' is outside your scope " + caller.teams());
    }
  }
}
