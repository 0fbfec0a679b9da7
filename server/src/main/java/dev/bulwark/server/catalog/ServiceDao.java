package dev.bulwark.server.catalog;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL for the {@code service_records} table and its view of the live services, {@code services}. A
 * deleted service is archived, never removed, so what refers to its id stays with it. Every
 * statement carries the caller's team scope in its WHERE clause, so a query cannot return or change
 * another team's service even if a caller forgot to check: {@code (:all OR team IN (<teams>))}.
 */
final class ServiceDao {
  private static final String COLUMNS =
      "name, team, area, criticality, value, created_at, updated_at";
  private static final String SCOPE = "(:all OR team IN (<teams>))";

  private final Dialect dialect;

  ServiceDao(Dialect dialect) {
    this.dialect = dialect;
  }

  Optional<Service> find(Handle h, String name, Principal scope) {
    return scoped(
            h.createQuery("SELECT " + COLUMNS + " FROM services WHERE name = :name AND " + SCOPE),
            scope)
        .bind("name", name)
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  /** The owning team of {@code name} whatever the scope, locked for the rest of the transaction. */
  Optional<String> ownerForUpdate(Handle h, String name) {
    return h.createQuery(
            "SELECT team FROM service_records WHERE name = :name AND archived_at IS NULL"
                + dialect.forUpdate())
        .bind("name", name)
        .mapTo(String.class)
        .findOne();
  }

  /** A live service's name and owning team. */
  record Owner(String name, String team) {}

  /** The owners of those of {@code names} that exist, whatever the scope. */
  List<Owner> owners(Handle h, List<String> names) {
    return h.createQuery(
            """
            SELECT name, team FROM services WHERE name IN (<names>)
            """)
        .bindList("names", names)
        .map((rs, ctx) -> new Owner(rs.getString("name"), rs.getString("team")))
        .list();
  }

  List<Service> list(Handle h, Principal scope, String team) {
    return scoped(
            h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM services WHERE "
                    + SCOPE
                    + " AND (:team IS NULL OR team = :team) ORDER BY name"),
            scope)
        .bind("team", team)
        .map((rs, ctx) -> map(rs))
        .list();
  }

  /**
   * Inserts unless a live service has the name or its lookalike key, or the team is outside the
   * scope; true when inserted.
   */
  boolean insert(Handle h, ServiceInput s, Instant now, Principal scope) {
    return scoped(
                h.createUpdate(
                    """
                    INSERT INTO service_records (name, name_key, team, area, criticality, value, created_at, updated_at)
                    SELECT :name, :key, :team, :area, :criticality, :value, :now, :now
                    WHERE (:all OR :team IN (<teams>))
                    ON CONFLICT DO NOTHING
                    """),
                scope)
            .bind("name", s.name())
            .bind("key", ServiceName.key(s.name()))
            .bind("team", s.team())
            .bind("area", s.area().name())
            .bind("criticality", s.criticality().name())
            .bind("value", s.value())
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  /** Replaces the fields of a service the caller may see, moving it only to a team in scope. */
  boolean update(Handle h, ServiceInput s, Instant now, Principal scope) {
    return scoped(
                h.createUpdate(
                    """
                    UPDATE service_records
                    SET team = :team, area = :area, criticality = :criticality, value = :value, updated_at = :now
                    WHERE name = :name AND archived_at IS NULL AND (:all OR (team IN (<teams>) AND :team IN (<teams>)))
                    """),
                scope)
            .bind("name", s.name())
            .bind("team", s.team())
            .bind("area", s.area().name())
            .bind("criticality", s.criticality().name())
            .bind("value", s.value())
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  /**
   * The live service whose name looks like {@code name} (the same lookalike key), whatever the
   * scope: a name is refused even when the service holding its lookalike is another team's.
   */
  Optional<String> lookalike(Handle h, String name) {
    return h.createQuery("SELECT name FROM services WHERE name_key = :key")
        .bind("key", ServiceName.key(name))
        .mapTo(String.class)
        .findOne();
  }

  /** Archived services in scope, by name and then by when they were archived. */
  List<ArchivedService> archived(Handle h, Principal scope, String team) {
    return scoped(
            h.createQuery(
                """
                SELECT id, name, team, area, criticality, value, created_at, archived_at, archived_by
                FROM service_records
                WHERE archived_at IS NOT NULL AND (:all OR team IN (<teams>))
                  AND (:team IS NULL OR team = :team)
                ORDER BY name, archived_at
                """),
            scope)
        .bind("team", team)
        .map(
            (rs, ctx) -> {
              double v = rs.getDouble("value");
              Double value = rs.wasNull() ? null : v;
              return new ArchivedService(
                  rs.getLong("id"),
                  rs.getString("name"),
                  rs.getString("team"),
                  Area.valueOf(rs.getString("area")),
                  Criticality.valueOf(rs.getString("criticality")),
                  value,
                  Instant.ofEpochMilli(rs.getLong("created_at")),
                  Instant.ofEpochMilli(rs.getLong("archived_at")),
                  rs.getString("archived_by"));
            })
        .list();
  }

  /** The stable id of the live service {@code name} in scope. */
  Optional<Long> id(Handle h, String name, Principal scope) {
    return scoped(h.createQuery("SELECT id FROM services WHERE name = :name AND " + SCOPE), scope)
        .bind("name", name)
        .mapTo(Long.class)
        .findOne();
  }

  /**
   * Archives a service: it leaves the live catalog with everything that refers to its id (releases
   * and their findings, gate decisions, waivers, deployments, promotions), and its carried-over
   * decisions stop applying. Nothing is deleted, so an auditor still reads it all.
   */
  Optional<Long> archive(Handle h, String name, Principal scope, Instant now, String actor) {
    Optional<Long> id = id(h, name, scope);
    if (id.isEmpty()
        || scoped(
                    h.createUpdate(
                        "UPDATE service_records SET archived_at = :now, archived_by = :actor WHERE id = :id AND archived_at IS NULL AND "
                            + SCOPE),
                    scope)
                .bind("id", id.get())
                .bind("now", now.toEpochMilli())
                .bind("actor", actor)
                .execute()
            != 1) {
      return Optional.empty();
    }
    h.createUpdate(
            "UPDATE decisions SET archived_at = :now WHERE service_id = :id AND archived_at IS NULL")
        .bind("id", id.get())
        .bind("now", now.toEpochMilli())
        .execute();
    return id;
  }

  private static <S extends SqlStatement<S>> S scoped(S statement, Principal scope) {
    // An empty team list binds as IN (NULL), which matches nothing.
    return statement
        .bind("all", scope.allTeams())
        .bindList(org.jdbi.v3.core.statement.EmptyHandling.NULL_KEYWORD, "teams", scope.teams());
  }

  private static Service map(ResultSet rs) throws SQLException {
    double v = rs.getDouble("value");
    Double value = rs.wasNull() ? null : v;
    return new Service(
        rs.getString("name"),
        rs.getString("team"),
        Area.valueOf(rs.getString("area")),
        Criticality.valueOf(rs.getString("criticality")),
        value,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
