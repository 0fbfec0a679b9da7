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
 * SQL for the {@code services} table. Every statement carries the caller's team scope in its WHERE
 * clause, so a query cannot return or change another team's service even if a caller forgot to
 * check: {@code (:all OR team IN (<teams>))}.
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
    return h.createQuery("SELECT team FROM services WHERE name = :name" + dialect.forUpdate())
        .bind("name", name)
        .mapTo(String.class)
        .findOne();
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

  /** Inserts unless the name exists or the team is outside the scope; true when inserted. */
  boolean insert(Handle h, ServiceInput s, Instant now, Principal scope) {
    return scoped(
                h.createUpdate(
                    """
                    INSERT INTO services (name, team, area, criticality, value, created_at, updated_at)
                    SELECT :name, :team, :area, :criticality, :value, :now, :now
                    WHERE (:all OR :team IN (<teams>))
                    ON CONFLICT (name) DO NOTHING
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

  /** Replaces the fields of a service the caller may see, moving it only to a team in scope. */
  boolean update(Handle h, ServiceInput s, Instant now, Principal scope) {
    return scoped(
                h.createUpdate(
                    """
                    UPDATE services
                    SET team = :team, area = :area, criticality = :criticality, value = :value, updated_at = :now
                    WHERE name = :name AND (:all OR (team IN (<teams>) AND :team IN (<teams>)))
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

  boolean delete(Handle h, String name, Principal scope) {
    return scoped(h.createUpdate("DELETE FROM services WHERE name = :name AND " + SCOPE), scope)
            .bind("name", name)
            .execute()
        == 1;
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
