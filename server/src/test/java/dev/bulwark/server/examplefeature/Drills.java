package dev.bulwark.server.examplefeature;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The drills of a service: recorded through the one writer, each with its ledger entry. */
public final class Drills {
  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final DrillDao dao = new DrillDao();

  public Drills(Database db, AuditLog audit, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
  }

  /** A drill recorded, and the index of the ledger entry that records it. */
  public record Recorded(Drill drill, long ledgerIndex) {}

  public Recorded record(Principal caller, String requestId, String service, DrillRequest r) {
    r.requireValid();
    return db.writes()
        .inTransaction(
            h -> {
              DrillDao.ServiceRef s = visible(h, caller, service);
              Instant now = clock.instant();
              long id = dao.insert(h, s, r, now, caller.subject());
              Drill drill =
                  new Drill(id, s.name(), r.scenario(), r.outcome(), now, caller.subject());
              // A drill changes the gate input of every release of its service (the last passed
              // drill is part of it): naming them here is what keeps cached gate facts right.
              long index =
                  audit.record(
                      h,
                      caller,
                      requestId,
                      "drill.record",
                      Map.of(
                          "kind", "drill",
                          "id", String.valueOf(id),
                          "service", s.name(),
                          "serviceId", String.valueOf(s.id())),
                      null,
                      drill,
                      Affects.service(s.id()));
              return new Recorded(drill, index);
            });
  }

  public List<Drill> list(Principal caller, String service) {
    return db.jdbi().withHandle(h -> dao.list(h, visible(h, caller, service)));
  }

  /** The policy input this feature contributes for a release of {@code serviceId}. */
  long passed(Handle h, long serviceId) {
    return dao.passed(h, serviceId);
  }

  private DrillDao.ServiceRef visible(Handle h, Principal caller, String service) {
    return dao.service(h, service, caller)
        .orElseThrow(() -> new DomainException.NotFound("no service '" + service + "'"));
  }
}
