package dev.bulwark.server.examplefeature;

import dev.bulwark.server.auth.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * All SQL of the drills feature. The caller's team scope is in every statement that names a
 * service, so a drill of another team's service can be neither read nor written.
 */
final class DrillDao {
  /** A live service the caller may see: its stable id (what drills refer to) and its name. */
  record ServiceRef(long id, String name) {}

  Optional<ServiceRef> service(Handle h, String name, Principal scope) {
    return scoped(
            h.createQuery(
                """
                SELECT id, name FROM services
                WHERE name = :name AND (:all OR team IN (<teams>))
                """),
            scope)
        .bind("name", name)
        .map((rs, ctx) -> new ServiceRef(rs.getLong("id"), rs.getString("name")))
        .findOne();
  }

  long insert(Handle h, ServiceRef service, DrillRequest r, Instant at, String by) {
    return h.createUpdate(
            """
            INSERT INTO example_drills (service_id, scenario, outcome, performed_at, performed_by)
            VALUES (:service, :scenario, :outcome, :at, :by)
            """)
        .bind("service", service.id())
        .bind("scenario", r.scenario())
        .bind("outcome", r.outcome().name())
        .bind("at", at.toEpochMilli())
        .bind("by", by)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  List<Drill> list(Handle h, ServiceRef service) {
    return h.createQuery(
            """
            SELECT d.id, s.name AS service, d.scenario, d.outcome, d.performed_at, d.performed_by
            FROM example_drills d JOIN service_records s ON s.id = d.service_id
            WHERE d.service_id = :service
            ORDER BY d.performed_at DESC, d.id DESC
            """)
        .bind("service", service.id())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  /** How many drills of the service passed: the policy input this feature adds. */
  long passed(Handle h, long serviceId) {
    return h.createQuery(
            """
            SELECT COUNT(*) AS passed FROM example_drills
            WHERE service_id = :service AND outcome = 'passed'
            """)
        .bind("service", serviceId)
        .map((rs, ctx) -> rs.getLong("passed"))
        .one();
  }

  private static Drill map(ResultSet rs) throws SQLException {
    return new Drill(
        rs.getLong("id"),
        rs.getString("service"),
        rs.getString("scenario"),
        Drill.Outcome.valueOf(rs.getString("outcome")),
        Instant.ofEpochMilli(rs.getLong("performed_at")),
        rs.getString("performed_by"));
  }

  private static <S extends SqlStatement<S>> S scoped(S statement, Principal scope) {
    // An empty team list binds as IN (NULL), which matches nothing.
    return statement
        .bind("all", scope.allTeams())
        .bindList(EmptyHandling.NULL_KEYWORD, "teams", scope.teams());
  }
}
