package dev.bulwark.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * One ledger entry: what changed or was decided, by whom, when, under which request, about which
 * subject (named in human terms: kind, id and fields such as service, version, digest,
 * environment), with the SHA-256 digests of the state before and after. Its bytes, hashed into the
 * tree, are the RFC 8785 canonical JSON of these fields (erdtman's JCS implementation).
 */
public record LedgerEntry(
    long index,
    Instant time,
    String actor,
    String action,
    Map<String, String> subject,
    String requestId,
    String beforeDigest,
    String afterDigest) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public LedgerEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(requestId, "requestId");
    subject = Map.copyOf(subject);
    if (!subject.containsKey("kind") || !subject.containsKey("id")) {
      throw new IllegalArgumentException("a subject names at least its kind and id");
    }
  }

  /** The canonical bytes: the leaf's input. */
  public byte[] canonicalBytes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("time", time.toString());
    m.put("actor", actor);
    m.put("action", action);
    m.put("subject", subject);
    m.put("requestId", requestId);
    m.put("before", beforeDigest);
    m.put("after", afterDigest);
    try {
      return new JsonCanonicalizer(JSON.writeValueAsBytes(m)).getEncodedUTF8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] leafHash() {
    return Hashes.leaf(canonicalBytes());
  }

  /** Reads canonical bytes back; throws IllegalArgumentException when they are not an entry. */
  @SuppressWarnings("unchecked")
  public static LedgerEntry parse(byte[] canonical) {
    try {
      Map<String, Object> m = JSON.readValue(canonical, Map.class);
      Object subject = m.get("subject");
      if (!(subject instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("no subject");
      }
      Map<String, String> s = new LinkedHashMap<>();
      ((Map<String, Object>) subject).forEach((k, v) -> s.put(k, String.valueOf(v)));
      return new LedgerEntry(
          ((Number) m.get("index")).longValue(),
          Instant.parse((String) m.get("time")),
          (String) m.get("actor"),
          (String) m.get("action"),
          s,
          (String) m.get("requestId"),
          (String) m.get("before"),
          (String) m.get("after"));
    } catch (IOException
        | ClassCastException
        | NullPointerException
        | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("not a ledger entry: " + e.getMessage());
    }
  }
}
