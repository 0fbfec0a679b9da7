package dev.bulwark.server.catalog;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The service catalog: reads and changes, each change audited in its own transaction. */
public final class Catalog {
  /**
   * What a catalog change does to gate inputs: nothing the revisions track. A release's cached gate
   * input is stamped with its service's team, area and criticality as well as its facts revision
   * (GateDao.Stamp), so a catalog change is seen by the next gate without raising revisions.
   */
  private static final Affects CATALOG_AFFECTS = Affects.none();

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
              created.input(),
              CATALOG_AFFECTS);
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
          record(
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
        throw new DomainException.Forbidden(
            "service '" + input.name() + "' belongs to a team outside your scope");
      }
      Service before = dao.find(h, input.name(), caller).orElseThrow();
      if (before.input().equals(input)) {
        return new Upserted(before, Outcome.unchanged);
      }
      if (!dao.update(h, input, clock.instant(), caller)) {
        throw new DomainException.Forbidden(
            "service '" + input.name() + "' cannot be moved outside your teams");
      }
      Service after = dao.find(h, input.name(), caller).orElseThrow();
      record(
          h,
          caller,
          requestId,
          "service.update",
          serviceSubject(h, input),
          before.input(),
          after.input());
      return new Upserted(after, Outcome.updated);
    }
    throw new DomainException.Conflict(
        "service '" + input.name() + "' changed concurrently; retry");
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
                  .orElseThrow(
                      () -> new DomainException.NotFound("no service named '" + name + "'"));
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
              null,
              CATALOG_AFFECTS);
        });
  }

  /** Services per step of an import: one short transaction and one ledger entry each. */
  static final int IMPORT_BATCH = 500;

  private static final String IMPORT = "catalog.import.changes";

  /** One change an import made, as its batch's ledger entry lists it. */
  private record Change(String action, String name, ServiceInput before, ServiceInput after) {}

  /** Records a change, or inside an import's step collects it for the step's one ledger entry. */
  private void record(
      Handle h,
      Principal caller,
      String requestId,
      String action,
      Map<String, String> subject,
      ServiceInput before,
      ServiceInput after) {
    var batch = dev.bulwark.server.db.WriteBatcher.batchOf(h);
    if (batch.isPresent() && batch.get().attribute(IMPORT, () -> null) instanceof List<?> changes) {
      @SuppressWarnings("unchecked")
      List<Change> list = (List<Change>) changes;
      list.add(new Change(action, subject.get("id"), before, after));
      return;
    }
    audit.record(h, caller, requestId, action, subject, before, after, CATALOG_AFFECTS);
  }

  /**
   * Applies a whole import, all of it or none of it, in steps of {@link #IMPORT_BATCH} services:
   * each step is a short transaction in the writer's bulk lane with one ledger entry listing its
   * changes, so other writers go between steps. Everything that can be checked first is (scope,
   * owners); if a step still fails, the steps before it are undone, newest first, each undo with
   * its ledger entry, and the import fails (docs/adr/0008).
   */
  public List<Upserted> importAll(Principal caller, String requestId, List<ServiceInput> inputs) {
    for (ServiceInput in : inputs) {
      requireTeamInScope(caller, in.team());
    }
    requireOwnersInScope(caller, inputs);
    List<List<ServiceInput>> steps = new java.util.ArrayList<>();
    for (int i = 0; i < inputs.size(); i += IMPORT_BATCH) {
      steps.add(inputs.subList(i, Math.min(inputs.size(), i + IMPORT_BATCH)));
    }
    List<Upserted> done = new java.util.ArrayList<>(inputs.size());
    List<List<Change>> applied = new java.util.ArrayList<>();
    for (int k = 0; k < steps.size(); k++) {
      List<ServiceInput> step = steps.get(k);
      String part = (k + 1) + "/" + steps.size();
      try {
        List<Change> changes = new java.util.ArrayList<>();
        done.addAll(
            writes.inBulkTransaction(
                h -> {
                  changes.clear();
                  dev.bulwark.server.db.WriteBatcher.batchOf(h)
                      .orElseThrow()
                      .attribute(IMPORT, () -> changes);
                  List<Upserted> out =
                      step.stream().map(in -> upsert(h, caller, requestId, in)).toList();
                  if (!changes.isEmpty()) {
                    audit.record(
                        h,
                        caller,
                        requestId,
                        "catalog.import",
                        Map.of("kind", "catalog-import", "id", requestId, "part", part),
                        changes.stream()
                            .filter(c -> c.before() != null)
                            .map(Change::before)
                            .toList(),
                        changes.stream().map(Change::after).toList(),
                        CATALOG_AFFECTS);
                  }
                  return out;
                }));
        applied.add(List.copyOf(changes));
      } catch (RuntimeException e) {
        undo(caller, requestId, applied);
        throw e;
      }
    }
    return done;
  }

  /** Undoes applied import steps, newest first; a service changed since by someone else stays. */
  private void undo(Principal caller, String requestId, List<List<Change>> applied) {
    for (int k = applied.size() - 1; k >= 0; k--) {
      List<Change> changes = applied.get(k);
      String part = (k + 1) + "/" + applied.size();
      writes.inBulkTransaction(
          h -> {
            List<ServiceInput> restored = new java.util.ArrayList<>();
            List<ServiceInput> undone = new java.util.ArrayList<>();
            for (Change c : changes) {
              Optional<Service> now = dao.find(h, c.name(), caller);
              if (now.isEmpty() || !now.get().input().equals(c.after())) {
                continue;
              }
              if (c.before() == null) {
                // Archived like any deleted service: a service row is never removed.
                dao.archive(h, c.name(), caller, clock.instant(), caller.actor());
              } else {
                dao.update(h, c.before(), clock.instant(), caller);
                restored.add(c.before());
              }
              undone.add(c.after());
            }
            if (!undone.isEmpty()) {
              audit.record(
                  h,
                  caller,
                  requestId,
                  "catalog.import.undo",
                  Map.of("kind", "catalog-import", "id", requestId, "part", part),
                  undone,
                  restored,
                  CATALOG_AFFECTS);
            }
            return null;
          });
    }
  }

  /** 403 before anything is written when the import names a service of a team out of scope. */
  private void requireOwnersInScope(Principal caller, List<ServiceInput> inputs) {
    if (caller.allTeams()) {
      return;
    }
    for (int i = 0; i < inputs.size(); i += IMPORT_BATCH) {
      List<String> names =
          inputs.subList(i, Math.min(inputs.size(), i + IMPORT_BATCH)).stream()
              .map(ServiceInput::name)
              .toList();
      for (ServiceDao.Owner o : jdbi.withHandle(h -> dao.owners(h, names))) {
        if (!caller.inScope(o.team())) {
          throw new DomainException.Forbidden(
              "service '"
                  + o.name()
                  + "' belongs to a team outside your scope; nothing was imported");
        }
      }
    }
  }

  private static void requireNewName(String name) {
    String why = ServiceName.problem(name);
    if (why != null) {
      throw new DomainException.Invalid("name", why);
    }
  }

  /** Why an insert of {@code name} did nothing: the name is taken, or a lookalike of it is. */
  private DomainException refusal(Handle h, String name) {
    Optional<String> similar = dao.lookalike(h, name).filter(n -> !n.equals(name));
    if (similar.isPresent()) {
      return new DomainException.Conflict(
          "service name '"
              + name
              + "' looks like the existing service '"
              + similar.get()
              + "' (Unicode TR39 confusables); choose a name that reads differently");
    }
    return new DomainException.Conflict("a service named '" + name + "' already exists");
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
      throw new DomainException.Forbidden(
          "team '" + team + "' is outside your scope " + caller.teams());
    }
  }
}
