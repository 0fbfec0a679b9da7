package dev.bulwark.server.portfolio;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.releases.TeamScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** SQL of the read models across releases; every read carries the caller's team scope. */
final class PortfolioDao {
  /** A finding as a diff compares it. */
  record FindingKey(String vulnId, String componentRef) {}

  private static Portfolio.Hit hit(ResultSet rs) throws SQLException {
    return new Portfolio.Hit(
        rs.getString("service"),
        rs.getString("team"),
        rs.getString("version"),
        rs.getString("digest"),
        rs.getString("cversion"),
        rs.getString("purl"),
        rs.getString("source_name"));
  }

  List<Portfolio.Hit> withPackage(Handle h, Principal p, String ecosystem, String pkg) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT s.name AS service, s.team, r.version, r.digest, c.version AS cversion, c.purl,
                  c.source_name
                FROM release_components c JOIN releases r ON r.id = c.release_id
                JOIN services s ON s.id = r.service_id
                WHERE c.ecosystem = :eco AND (c.package = :pkg OR c.source_name = :pkg) AND
                """
                    + TeamScope.VISIBLE
                    + " AND "
                    + TeamScope.SCOPE
                    + " ORDER BY s.name, r.version"),
            p)
        .bind("eco", ecosystem)
        .bind("pkg", pkg)
        .map((rs, ctx) -> hit(rs))
        .list();
  }

  /** Releases with a finding known by {@code anyId} (record id or alias). */
  List<Portfolio.Hit> affectedBy(Handle h, Principal p, String anyId) {
    return TeamScope.scoped(
            h.createQuery(
                """
                SELECT DISTINCT s.name AS service, s.team, r.version, r.digest,
                  c.version AS cversion, f.purl, c.source_name
                FROM finding_ids i JOIN findings f ON f.id = i.finding_id
                JOIN releases r ON r.id = f.release_id
                JOIN services s ON s.id = r.service_id
                LEFT JOIN release_components c
                  ON c.release_id = f.release_id AND c.ref = f.component_ref
                WHERE i.vuln_id = :id AND
                """
                    + TeamScope.VISIBLE
                    + " AND "
                    + TeamScope.SCOPE
                    + " ORDER BY s.name, r.version"),
            p)
        .bind("id", anyId)
        .map((rs, ctx) -> hit(rs))
        .list();
  }

  List<FindingKey> findingKeys(Handle h, long release) {
    return h.createQuery(
            "SELECT vuln_id, component_ref FROM findings WHERE release_id = :r AND "
                + TeamScope.VISIBLE_R)
        .bind("r", release)
        .map((rs, ctx) -> new FindingKey(rs.getString("vuln_id"), rs.getString("component_ref")))
        .list();
  }
}
