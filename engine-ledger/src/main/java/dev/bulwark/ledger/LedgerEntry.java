package dev.bulwark.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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

  /**
   * The canonical bytes: the leaf's input. RFC 8785 for this fixed shape (string and integer
   * members, one object of strings), written directly because a general canonicalizer re-parses and
   * re-serializes every entry and was the ledger's hottest path. A property test checks these bytes
   * against erdtman's reference JCS implementation for random entries.
   */
  public byte[] canonicalBytes() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"action\":");
    string(sb, action);
    sb.append(",\"actor\":");
    string(sb, actor);
    sb.append(",\"after\":");
    string(sb, afterDigest);
    sb.append(",\"before\":");
    string(sb, beforeDigest);
    sb.append(",\"index\":").append(index);
    sb.append(",\"requestId\":");
    string(sb, requestId);
    sb.append(",\"subject\":{");
    // Members sorted by UTF-16 code units, which is String.compareTo.
    boolean first = true;
    for (String k : new java.util.TreeMap<>(subject).keySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, k);
      sb.append(':');
      string(sb, subject.get(k));
    }
    sb.append("},\"time\":");
    string(sb, time.toString());
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** ECMAScript JSON.stringify string escaping, as RFC 8785 requires. */
  private static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00")
                .append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 0xf, 16));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
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
