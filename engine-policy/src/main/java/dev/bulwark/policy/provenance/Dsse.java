package dev.bulwark.policy.provenance;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Verifies DSSE envelopes carrying in-toto Statement v1, as the DSSE v1.0 protocol says: the
 * signature covers the pre-authentication encoding of payload type and payload, and is checked
 * against every trusted key; an envelope's {@code keyid} is only a hint and never selects or
 * vouches for a key. The statement must name the artifact by its SHA-256 digest.
 */
public final class Dsse {
  public static final String IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
  public static final int MAX_ENVELOPE_BYTES = 4 << 20;
  static final int MAX_SIGNATURES = 16;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Dsse() {}

  /** One material (resolved dependency) of a build: where it came from and its digest. */
  public record Material(String uri, String digest) {}

  /**
   * What an envelope said and whether it verified. {@code reason} says why not; the statement's
   * fields are filled as far as the envelope could be read, also when verification failed.
   */
  public record Verification(
      boolean verified,
      String reason,
      String keyName,
      String payloadType,
      String predicateType,
      String builderId,
      String sourceRepository,
      List<Material> materials) {}

  /** The DSSE v1 pre-authentication encoding: what a signature covers. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /**
   * Verifies an envelope for the artifact {@code sha256:<hex>} with the keys trusted for the team.
   * Never throws for bad input: a malformed envelope is a failed verification with its reason.
   */
  public static Verification verify(
      byte[] envelope, String artifactDigest, List<TrustedKey> keys, String team) {
    if (envelope.length > MAX_ENVELOPE_BYTES) {
      return failed("the envelope is larger than " + MAX_ENVELOPE_BYTES + " bytes", "", null);
    }
    JsonNode env;
    try {
      env = JSON.readTree(envelope);
    } catch (JacksonException e) {
      return failed("the envelope is not JSON: " + e.getOriginalMessage(), "", null);
    } catch (java.io.IOException e) {
      return failed("the envelope could not be read", "", null);
    }
    if (env == null || !env.isObject()) {
      return failed("the envelope is not a JSON object", "", null);
    }
    String payloadType = env.path("payloadType").asText("");
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(env.path("payload").asText(""));
    } catch (IllegalArgumentException e) {
      return failed("the payload is not valid base64", payloadType, null);
    }
    JsonNode statement = null;
    try {
      statement = JSON.readTree(payload);
    } catch (java.io.IOException e) {
      // reported below, after the payload type
    }
    if (!IN_TOTO_PAYLOAD.equals(payloadType)) {
      return failed(
          "wrong payload type '" + payloadType + "' (expected " + IN_TOTO_PAYLOAD + ")",
          payloadType,
          statement);
    }
    if (statement == null || !statement.isObject()) {
      return failed("the payload is not a JSON in-toto statement", payloadType, null);
    }
    JsonNode sigs = env.path("signatures");
    if (!sigs.isArray() || sigs.isEmpty()) {
      return failed("the envelope has no signatures", payloadType, statement);
    }
    if (sigs.size() > MAX_SIGNATURES) {
      return failed("more than " + MAX_SIGNATURES + " signatures", payloadType, statement);
    }
    byte[] signed = pae(payloadType, payload);
    String by = null;
    for (JsonNode s : sigs) {
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(s.path("sig").asText(""));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (TrustedKey k : keys) {
        if (k.trustedFor(team) && verifies(k.key(), signed, sig)) {
          by = k.name();
          break;
        }
      }
      if (by != null) {
        break;
      }
    }
    if (by == null) {
      return failed(
          keys.stream().anyMatch(k -> k.trustedFor(team))
              ? "no signature verifies with a key trusted for team " + team
              : "no key is trusted for team " + team,
          payloadType,
          statement);
    }
    if (!STATEMENT_V1.equals(statement.path("_type").asText())) {
      return failed(
          "not an in-toto Statement v1 (_type '" + statement.path("_type").asText() + "')",
          payloadType,
          statement,
          by);
    }
    String want = artifactDigest.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "");
    boolean subject = false;
    for (JsonNode sub : statement.path("subject")) {
      if (want.equals(sub.path("digest").path("sha256").asText("").toLowerCase(Locale.ROOT))) {
        subject = true;
      }
    }
    if (!subject) {
      return failed(
          "no subject of the statement has the release digest " + artifactDigest,
          payloadType,
          statement,
          by);
    }
    Verification read = read(payloadType, statement);
    return new Verification(
        true,
        "",
        by,
        payloadType,
        read.predicateType(),
        read.builderId(),
        read.sourceRepository(),
        read.materials());
  }

  static boolean verifies(PublicKey key, byte[] data, byte[] sig) {
    List<String> algorithms =
        switch (key) {
          case ECPublicKey ec -> List.of("SHA256withECDSA", "SHA256withECDSAinP1363Format");
          case RSAPublicKey rsa -> List.of("SHA256withRSA");
          default -> List.of("Ed25519");
        };
    for (String alg : algorithms) {
      try {
        Signature s = Signature.getInstance(alg);
        s.initVerify(key);
        s.update(data);
        if (s.verify(sig)) {
          return true;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // a malformed signature for this encoding: try the next, else it does not verify
      }
    }
    return false;
  }

  private static Verification failed(String reason, String payloadType, JsonNode statement) {
    return failed(reason, payloadType, statement, null);
  }

  private static Verification failed(
      String reason, String payloadType, JsonNode statement, String keyName) {
    Verification r = statement == null ? null : read(payloadType, statement);
    return new Verification(
        false,
        reason,
        keyName,
        payloadType,
        r == null ? "" : r.predicateType(),
        r == null ? "" : r.builderId(),
        r == null ? "" : r.sourceRepository(),
        r == null ? List.of() : r.materials());
  }

  /**
   * The statement's predicate type and, for SLSA provenance v1, field by field: the builder ({@code
   * runDetails.builder.id}), the source repository (the workflow's repository, else the {@code
   * source} parameter, else the first resolved dependency) and the materials ({@code
   * buildDefinition.resolvedDependencies}). Other predicates are kept as generic statements.
   */
  static Verification read(String payloadType, JsonNode statement) {
    String predicateType = statement.path("predicateType").asText("");
    String builder = "";
    String source = "";
    List<Material> materials = new ArrayList<>();
    if (SLSA_PROVENANCE_V1.equals(predicateType)) {
      JsonNode p = statement.path("predicate");
      builder = p.path("runDetails").path("builder").path("id").asText("");
      JsonNode ext = p.path("buildDefinition").path("externalParameters");
      for (JsonNode dep : p.path("buildDefinition").path("resolvedDependencies")) {
        String digest = "";
        var it = dep.path("digest").properties().iterator();
        if (dep.path("digest").has("sha256")) {
          digest = "sha256:" + dep.path("digest").path("sha256").asText();
        } else if (it.hasNext()) {
          var e = it.next();
          digest = e.getKey() + ":" + e.getValue().asText();
        }
        materials.add(new Material(dep.path("uri").asText(""), digest));
      }
      source = ext.path("workflow").path("repository").asText("");
      if (source.isEmpty()) {
        source =
            ext.path("source").isTextual()
                ? ext.path("source").asText()
                : ext.path("source").path("uri").asText("");
      }
      if (source.isEmpty() && !materials.isEmpty()) {
        source = materials.get(0).uri();
      }
    }
    return new Verification(
        false, "", null, payloadType, predicateType, builder, source, materials);
  }
}
