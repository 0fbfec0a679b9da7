package dev.bulwark.server.attestations;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;

/** SQL of attestations, stored per release. */
final class AttestationDao {
  /** The release attested, as the caller may see it. */
  record Release(long id, String service, String team, String version, String digest) {}

  Optional<Release> release(Handle h, Principal p, String service, String version) {
    return h.createQuery(
            """
            SELECT r.id, s.name AS service, s.team, r.version, r.digest
            FROM releases r JOIN services s ON s.id = r.service_id
            WHERE s.name = :service AND r.version = :version AND (:all OR s.team IN (<teams>))
            """)
        .bind("all", p.allTeams())
        .bindList(EmptyHandling.NULL_KEYWORD, "teams", p.teams())
        .bind("service", service)
        .bind("version", version)
        .map(
            (rs, ctx) ->
                new Release(
                    rs.getLong("id"),
                    rs.getString("service"),
                    rs.getString("team"),
                    rs.getString("version"),
                    rs.getString("digest")))
        .findOne();
  }

  record Attestation(
      long id,
      String payloadType,
      String predicateType,
      boolean verified,
      String reason,
      String keyName,
      String builderId,
      String sourceRepository,
      String materials,
      String envelopeSha256,
      String receivedBy,
      Instant receivedAt) {}

  List<Attestation> attestations(Handle h, long release) {
    return h.createQuery(
            """
            SELECT id, payload_type, predicate_type, verified, reason, key_name, builder_id,
              source_repository, materials, envelope_sha256, received_by, received_at
            FROM attestations WHERE release_id = :r ORDER BY id
            """)
        .bind("r", release)
        .map(
            (rs, ctx) ->
                new Attestation(
                    rs.getLong("id"),
                    rs.getString("payload_type"),
                    rs.getString("predicate_type"),
                    rs.getInt("verified") == 1,
                    rs.getString("reason"),
                    rs.getString("key_name"),
                    rs.getString("builder_id"),
                    rs.getString("source_repository"),
                    rs.getString("materials"),
                    rs.getString("envelope_sha256"),
                    rs.getString("received_by"),
                    Instant.ofEpochMilli(rs.getLong("received_at"))))
        .list();
  }

  /** The stored attestation of the release with this envelope, if any. */
  Optional<Long> stored(Handle h, long release, String sha256) {
    return h.createQuery(
            "SELECT id FROM attestations WHERE release_id = :r AND envelope_sha256 = :sha")
        .bind("r", release)
        .bind("sha", sha256)
        .mapTo(Long.class)
        .findFirst();
  }

  /** What is stored of one verified (or not) envelope. */
  record NewAttestation(
      long release,
      String payloadType,
      String predicateType,
      boolean verified,
      String reason,
      String keyName,
      String builderId,
      String sourceRepository,
      String materials,
      String sha256,
      String envelope,
      String receivedBy,
      long receivedAt) {}

  long insert(Handle h, NewAttestation a) {
    return h.createUpdate(
            """
            INSERT INTO attestations (release_id, payload_type, predicate_type, verified,
              reason, key_name, builder_id, source_repository, materials, envelope_sha256,
              envelope, received_by, received_at)
            VALUES (:r, :pt, :pred, :v, :reason, :key, :builder, :src, :mat, :sha, :env,
              :by, :at)
            """)
        .bind("r", a.release())
        .bind("pt", a.payloadType())
        .bind("pred", a.predicateType())
        .bind("v", a.verified() ? 1 : 0)
        .bind("reason", a.reason())
        .bind("key", a.keyName())
        .bind("builder", a.builderId())
        .bind("src", a.sourceRepository())
        .bind("mat", a.materials())
        .bind("sha", a.sha256())
        .bind("env", a.envelope())
        .bind("by", a.receivedBy())
        .bind("at", a.receivedAt())
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }
}
