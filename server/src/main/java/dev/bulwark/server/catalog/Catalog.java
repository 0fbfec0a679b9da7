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

  /** Deleted services of the caller's teams (or of one of them), kept for audit. */
  public List<ArchivedService> archived(Principal caller, String team) {
    return jdbi.withHandle(h -> dao.archived(h, caller, team));
  }

  /**
   * Creates a service; 409 when the name or a lookalike of it is taken, 403 when the team is not
   * the caller's.
   */
  public Service create(Principal caller, String requestId, ServiceInput input) {
    input.validate("").throwIfInvalid();
    requireNewName(input.name());
    requireTeamInScope(caller, input.team());
    return writes.inTransaction(
        h -> {
          if (!dao.insert(h, input, clock.instant(), caller)) {
            throw refusal(h, input.name());
          }
          Service created = dao.find(h, input.name(), caller).orElseThrow();
          audit.record(
              h,
              caller,
              requestId,
              "service.create",
              serviceSubject(h, input),
              null,
              created.input());
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
        // A service named before the name rules (V14) may still be updated; a new one follows them.
        requireNewName(input.name());
        if (dao.insert(h, input, clock.instant(), caller)) {
          Service created = dao.find(h, input.name(), caller).orElseThrow();
          audit.record(
              h,
              caller,
              requestId,
              "service.create",
              serviceSubject(h, input),
              null,
              created.input());
          return new Upserted(created, Outcome.created);
        }
        if (dao.ownerForUpdate(h, input.name()).isEmpty()) {
          throw refusal(h, input.name());
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
          serviceSubject(h, input),
          before.input(),
          after.input());
      return new Upserted(after, Outcome.updated);
    }
    throw ApiException.conflict("service '" + input.name() + "' changed concurrently; retry");
  }

  /**
   * Deletes a service from the catalog by archiving it: the name is free for a new service, which
   * starts with none of the old one's releases, findings, decisions or waivers.
   */
  public void delete(Principal caller, String requestId, String name) {
    writes.inTransactionDo(
        h -> {
          Service before =
              dao.find(h, name, caller)
                  .orElseThrow(() -> ApiException.notFound("no service named '" + name + "'"));
          long id = dao.archive(h, name, caller, clock.instant(), caller.actor()).orElseThrow();
          audit.record(
              h,
              caller,
              requestId,
              "service.delete",
              Map.of(
                  "kind",
                  "service",
                  "id",
                  name,
                  "team",
                  before.team(),
                  "serviceId",
                  String.valueOf(id)),
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

  private static void requireNewName(String name) {
    String why = ServiceName.problem(name);
    if (why != null) {
      throw ApiException.invalid("name", why);
    }
  }

  /** Why an insert of {@code name} did nothing: the name is taken, or a lookalike of it is. */
  private ApiException refusal(Handle h, String name) {
    Optional<String> similar = dao.lookalike(h, name).filter(n -> !n.equals(name));
    if (similar.isPresent()) {
      return ApiException.conflict(
          "service name '"
              + name
              + "' looks like the existing service '"
              + similar.get()
              + "' (Unicode TR39 confusables); choose a name that reads differently");
    }
    return ApiException.conflict("a service named '" + name + "' already exists");
  }

  /**
   * A service as ledger entries name it: its name and its team, and its stable id, which tells it
   * apart from an archived service that had the same name.
   */
  private Map<String, String> serviceSubject(Handle h, ServiceInput s) {
    long id = dao.id(h, s.name(), Principal.system()).orElseThrow();
    return Map.of(
        "kind", "service", "id", s.name(), "team", s.team(), "serviceId", String.valueOf(id));
  }

  private static void requireTeamInScope(Principal caller, String team) {
    if (!caller.inScope(team)) {
      throw ApiException.forbidden("team '" + team + "' is outside your scope " + caller.teams());
    }
  }
}
