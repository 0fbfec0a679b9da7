package dev.bulwark.server.attestations;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.common.Sha256;
import dev.bulwark.policy.CoreInputs;
import dev.bulwark.policy.GateInput;
import dev.bulwark.policy.provenance.Dsse;
import dev.bulwark.policy.provenance.TrustedKey;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.feature.PolicyInputSource;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Attestations of releases: DSSE envelopes verified against the trusted keys of the service's team
 * and stored whether or not they verify, with the reason, so that policies see failures too.
 */
public final class Attestations {
  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final List<TrustedKey> keys;
  private final AttestationDao dao = new AttestationDao();

  public Attestations(Database db, AuditLog audit, Clock clock, List<TrustedKey> keys) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.keys = List.copyOf(keys);
  }

  /**
   * Reads the trusted keys file ({@code provenance.keysFile}) at start: every problem stops the
   * server with the file and the entry named.
   */
  public static List<TrustedKey> readKeys(Optional<Path> file) {
    if (file.isEmpty()) {
      return List.of();
    }
    Path f = file.get();
    JsonNode root;
    try {
      root =
          new com.fasterxml.jackson.databind.ObjectMapper(
                  new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
              .readTree(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("provenance.keysFile " + f + ": " + e.getMessage());
    }
    if (root == null || !root.path("keys").isArray()) {
      throw new ConfigException("provenance.keysFile " + f + ": expected a 'keys' list");
    }
    List<TrustedKey> out = new ArrayList<>();
    int i = 0;
    for (JsonNode k : root.path("keys")) {
      String where = "provenance.keysFile " + f + ": keys[" + i++ + "]";
      String name = k.path("name").asText("");
      if (name.isBlank()) {
        throw new ConfigException(where + ": 'name' is required");
      }
      List<String> teams = new ArrayList<>();
      k.path("teams").forEach(t -> teams.add(t.asText()));
      try {
        out.add(new TrustedKey(name, TrustedKey.parsePem(k.path("key").asText("")), teams));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + " (" + name + "): " + e.getMessage());
      }
    }
    return out;
  }

  /** An attestation as the API shows it. */
  public record View(
      long id,
      boolean verified,
      String reason,
      String key,
      String payloadType,
      String predicateType,
      String builderId,
      String sourceRepository,
      List<GateInput.Material> materials,
      String envelopeSha256,
      boolean created) {}

  /**
   * Verifies and stores an envelope (the HTTP edge checked that it is a JSON object within {@link
   * Dsse#MAX_ENVELOPE_BYTES}). The same envelope again for the release stores nothing and records
   * nothing.
   */
  public View add(
      Principal caller, String requestId, String service, String version, byte[] envelope) {
    String sha = Sha256.hex(envelope);
    return db.writes()
        .inTransaction(
            h -> {
              AttestationDao.Release r = release(h, caller, service, version);
              Dsse.Verification v = Dsse.verify(envelope, r.digest(), keys, r.team());
              List<GateInput.Material> materials =
                  v.materials().stream()
                      .map(m -> new GateInput.Material(m.uri(), m.digest()))
                      .toList();
              Optional<Long> known = dao.stored(h, r.id(), sha);
              long id;
              if (known.isPresent()) {
                id = known.get();
              } else {
                id =
                    dao.insert(
                        h,
                        new AttestationDao.NewAttestation(
                            r.id(),
                            v.payloadType(),
                            v.predicateType(),
                            v.verified(),
                            v.reason(),
                            v.keyName(),
                            v.builderId(),
                            v.sourceRepository(),
                            new String(Json.write(materials), StandardCharsets.UTF_8),
                            sha,
                            new String(envelope, StandardCharsets.UTF_8),
                            caller.actor(),
                            clock.millis()));
                Map<String, String> subject = new LinkedHashMap<>();
                subject.put("kind", "attestation");
                subject.put("id", sha);
                subject.put("service", r.service());
                subject.put("version", r.version());
                subject.put("digest", r.digest());
                Map<String, Object> after = new LinkedHashMap<>();
                after.put("verified", v.verified());
                after.put("reason", v.reason());
                after.put("key", v.keyName());
                after.put("predicateType", v.predicateType());
                after.put("builderId", v.builderId());
                after.put("envelopeSha256", sha);
                // The release's gate input lists its attestations.
                audit.record(
                    h,
                    caller,
                    requestId,
                    "attestation.add",
                    subject,
                    null,
                    after,
                    Affects.release(r.id()));
              }
              return new View(
                  id,
                  v.verified(),
                  v.reason(),
                  v.keyName(),
                  v.payloadType(),
                  v.predicateType(),
                  v.builderId(),
                  v.sourceRepository(),
                  materials,
                  sha,
                  known.isEmpty());
            });
  }

  private AttestationDao.Release release(
      Handle h, Principal caller, String service, String version) {
    return dao.release(h, caller, service, version)
        .orElseThrow(
            () ->
                new DomainException.NotFound(
                    "no release " + version + " of service '" + service + "'"));
  }

  public List<View> list(Principal caller, String service, String version) {
    return db.jdbi()
        .withHandle(
            h -> {
              AttestationDao.Release r = release(h, caller, service, version);
              return dao.attestations(h, r.id()).stream()
                  .map(
                      a ->
                          new View(
                              a.id(),
                              a.verified(),
                              a.reason(),
                              a.keyName(),
                              a.payloadType(),
                              a.predicateType(),
                              a.builderId(),
                              a.sourceRepository(),
                              materials(a.materials()),
                              a.envelopeSha256(),
                              false))
                  .toList();
            });
  }

  static List<GateInput.Material> materials(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<List<GateInput.Material>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("stored materials are unreadable", e);
    }
  }

  /** The {@code attestations} policy input: every attestation stored for the release. */
  public static PolicyInputSource<List<GateInput.Attestation>> policyInput() {
    AttestationDao dao = new AttestationDao();
    return new PolicyInputSource<>(
        CoreInputs.ATTESTATIONS,
        facts -> {
          List<GateInput.Attestation> out = new ArrayList<>();
          for (AttestationDao.Attestation a : dao.attestations(facts.handle(), facts.releaseId())) {
            out.add(
                new GateInput.Attestation(
                    a.predicateType(),
                    a.verified(),
                    a.reason(),
                    a.builderId(),
                    a.sourceRepository(),
                    materials(a.materials())));
          }
          return out;
        });
  }
}
