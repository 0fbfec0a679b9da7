package dev.bulwark.server.deployments;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;

/** SQL of deployments: what runs where, each one allowed by a gate decision. */
final class DeploymentDao {
  long insert(
      Handle h,
      long serviceId,
      String version,
      String digest,
      String environment,
      long decision,
      String by,
      long at,
      long ledgerIndex) {
    return h.createUpdate(
            """
            INSERT INTO deployments (service_id, version, digest, environment, decision_id,
              deployed_by, deployed_at, ledger_index)
            VALUES (:s, :v, :d, :e, :decision, :by, :at, :ledger)
            """)
        .bind("s", serviceId)
        .bind("v", version)
        .bind("d", digest)
        .bind("e", environment)
        .bind("decision", decision)
        .bind("by", by)
        .bind("at", at)
        .bind("ledger", ledgerIndex)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  /** The releases of a service built as this digest (one image may carry several versions). */
  Set<Long> releasesWithDigest(Handle h, long serviceId, String digest) {
    return h
        .createQuery("SELECT id FROM releases WHERE service_id = :s AND digest = :d")
        .bind("s", serviceId)
        .bind("d", digest)
        .mapTo(Long.class)
        .stream()
        .collect(Collectors.toSet());
  }

  /**
   * What runs where: the latest deployment of each service in each environment, with the index of
   * the ledger entry that recorded it (null for rows from before V22 that no entry matched).
   */
  List<Deployments.OnLedger> current(Handle h, Principal p, String environment, String service) {
    var q =
        h.createQuery(
                """
                SELECT d.id, s.name AS service, d.version, d.digest, d.environment, d.decision_id,
                  d.deployed_by, d.deployed_at, d.ledger_index
                FROM deployments d JOIN services s ON s.id = d.service_id
                WHERE d.id IN (SELECT MAX(id) FROM deployments GROUP BY service_id, environment) AND
                """
                    + (environment == null ? "" : "d.environment = :env AND ")
                    + (service == null ? "" : "s.name = :service AND ")
                    + "(:all OR s.team IN (<teams>)) ORDER BY s.name, d.environment")
            .bind("all", p.allTeams())
            .bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams());
    if (environment != null) {
      q = q.bind("env", environment);
    }
    if (service != null) {
      q = q.bind("service", service);
    }
    return q.map(
            (rs, ctx) -> {
              // Read first: wasNull speaks of the column read last.
              long index = rs.getLong("ledger_index");
              Long ledger = rs.wasNull() ? null : index;
              return new Deployments.OnLedger(
                  new Deployments.Deployment(
                      rs.getLong("id"),
                      rs.getString("service"),
                      rs.getString("version"),
                      rs.getString("digest"),
                      rs.getString("environment"),
                      rs.getLong("decision_id"),
                      rs.getString("deployed_by"),
                      Instant.ofEpochMilli(rs.getLong("deployed_at"))),
                  ledger);
            })
        .list();
  }
}
