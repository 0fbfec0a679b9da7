package dev.bulwark.server.ledger;

import static dev.bulwark.server.http.ApiRoute.get;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger endpoints of the contract, for auditors and admins. The ledger is one verifiable
 * structure, so it is not filtered by team; it holds names and digests, never payloads.
 */
public final class LedgerRoutes {
  static final int MAX_PAGE = 10_000;
  static final int MAX_BUNDLE = 100_000;

  private final Ledger ledger;
  private final NoteKey.Verifier publicKey;

  public LedgerRoutes(Ledger ledger, NoteKey.Verifier publicKey) {
    this.ledger = ledger;
    this.publicKey = publicKey;
  }

  public List<ApiRoute> routes() {
    return List.of(
        get("/api/v1/ledger/checkpoint", Permission.LEDGER_READ, this::checkpoint),
        get("/api/v1/ledger/checkpoints", Permission.LEDGER_READ, this::checkpoints),
        get("/api/v1/ledger/entries", Permission.LEDGER_READ, this::entries),
        get("/api/v1/ledger/leaves", Permission.LEDGER_READ, this::leaves),
        get("/api/v1/ledger/proofs/inclusion", Permission.LEDGER_READ, this::inclusion),
        get("/api/v1/ledger/proofs/consistency", Permission.LEDGER_READ, this::consistency),
        get("/api/v1/ledger/public-key", Permission.LEDGER_READ, this::publicKey),
        get("/api/v1/ledger/export", Permission.LEDGER_READ, this::export));
  }

  private void checkpoint(Call call) {
    String note =
        ledger
            .store()
            .latestCheckpoint()
            .orElseThrow(
                () ->
                    new ApiException(
                        503, "Service Unavailable", "no checkpoint has been published yet"));
    call.ctx().contentType("text/plain; charset=utf-8").result(note);
  }

  private void checkpoints(Call call) {
    List<Object> out = new ArrayList<>();
    for (var c : ledger.store().checkpoints()) {
      out.add(Map.of("size", c.size(), "at", c.at().toString(), "note", c.note()));
    }
    call.respond(200, Map.of("checkpoints", out));
  }

  private long hashedSize() {
    return ledger.store().hashed();
  }

  private void entries(Call call) {
    long start = number(call, "start", 0);
    long end = number(call, "end", start + 1000);
    if (end < start) {
      throw ApiException.invalid("end", "must not be below start");
    }
    if (end - start > MAX_PAGE) {
      throw ApiException.invalid("end", "at most " + MAX_PAGE + " entries per request");
    }
    List<Object> out = new ArrayList<>();
    for (LedgerStore.Stored e : ledger.store().entries(start, end)) {
      out.add(entryJson(e));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("size", ledger.store().size());
    body.put("hashed", hashedSize());
    body.put("entries", out);
    call.respond(200, body);
  }

  private static Map<String, Object> entryJson(LedgerStore.Stored e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", e.index());
    m.put("canonical", e.canonical());
    m.put("leafHash", Hashes.hex(Hashes.leaf(e.bytes())));
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(e.canonical());
    } catch (Exception ex) {
      parsed = null;
    }
    m.put("entry", parsed);
    return m;
  }

  private void leaves(Call call) {
    long start = number(call, "start", 0);
    long end = number(call, "end", start + 1000);
    if (end < start || end - start > MAX_PAGE) {
      throw ApiException.invalid("end", "must be from start to start + " + MAX_PAGE);
    }
    call.respond(
        200,
        Map.of(
            "start",
            start,
            "hashes",
            ledger.store().leafHashes(start, end).stream().map(Hashes::hex).toList()));
  }

  private void inclusion(Call call) {
    long size = number(call, "size", -1);
    long index = number(call, "index", -1);
    requireTreeSize("size", size);
    if (index < 0 || index >= size) {
      throw ApiException.invalid("index", "must be from 0 to size - 1");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("index", index);
    body.put("size", size);
    body.put("hashes", ledger.inclusionProof(index, size).stream().map(Hashes::hex).toList());
    call.respond(200, body);
  }

  private void consistency(Call call) {
    long from = number(call, "from", -1);
    long to = number(call, "to", -1);
    requireTreeSize("to", to);
    if (from < 0 || from > to) {
      throw ApiException.invalid("from", "must be from 0 to 'to'");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from);
    body.put("to", to);
    body.put("hashes", ledger.consistencyProof(from, to).stream().map(Hashes::hex).toList());
    call.respond(200, body);
  }

  private void publicKey(Call call) {
    call.ctx().contentType("text/plain; charset=utf-8").result(publicKey.encoded() + "\n");
  }

  /** An evidence bundle: entries, their inclusion proofs against one signed checkpoint, the key. */
  private void export(Call call) {
    String service = call.query("service");
    Instant since = instant(call, "since");
    Instant until = instant(call, "until");
    var latest = ledger.store().checkpoints();
    if (latest.isEmpty()) {
      throw new ApiException(503, "Service Unavailable", "no checkpoint has been published yet");
    }
    var cp = latest.get(latest.size() - 1);
    List<LedgerStore.Stored> entries =
        ledger.store().select(service, since, until, cp.size(), MAX_BUNDLE + 1);
    if (entries.size() > MAX_BUNDLE) {
      throw ApiException.invalid(
          "since", "more than " + MAX_BUNDLE + " entries match; narrow the selection");
    }
    List<Object> out = new ArrayList<>();
    for (LedgerStore.Stored e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", e.index());
      m.put("canonical", e.canonical());
      m.put(
          "inclusionProof",
          ledger.inclusionProof(e.index(), cp.size()).stream().map(Hashes::hex).toList());
      out.add(m);
    }
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("format", "bulwark-evidence-bundle/v1");
    bundle.put("selection", selection(service, since, until));
    bundle.put("checkpoint", cp.note());
    bundle.put("publicKey", publicKey.encoded());
    bundle.put("entries", out);
    bundle.put("howToVerify", HOW_TO_VERIFY);
    call.respond(200, bundle);
  }

  private static Map<String, Object> selection(String service, Instant since, Instant until) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("since", since == null ? null : since.toString());
    m.put("until", until == null ? null : until.toString());
    return m;
  }

  static final String HOW_TO_VERIFY =
      """
      This bundle proves that each listed entry is in the Bulwark ledger whose signed checkpoint it \
      carries. To check it without Bulwark: (1) obtain the ledger's public key from its operator by a \
      separate channel and compare it with "publicKey"; (2) verify the checkpoint, a C2SP signed note, \
      with that Ed25519 key; (3) for each entry, compute SHA-256(0x00 || the UTF-8 bytes of "canonical") \
      and check its RFC 9162 inclusion proof (lowercase hex hashes) against the checkpoint's tree size \
      and root hash; (4) read the entry: index, time, actor, action, subject and the digests of the \
      state before and after. With Bulwark: bulwark ledger verify-bundle FILE --key KEY.""";

  private static long number(Call call, String name, long fallback) {
    String v = call.query(name);
    if (v == null) {
      if (fallback < 0) {
        throw ApiException.invalid(name, "is required");
      }
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw ApiException.invalid(name, "must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, "must be a whole number");
    }
  }

  private static Instant instant(Call call, String name) {
    String v = call.query(name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
  }

  private void requireTreeSize(String field, long size) {
    long hashed = hashedSize();
    if (size < 1 && field.equals("size")) {
      throw ApiException.invalid(field, "must be at least 1");
    }
    if (size > hashed) {
      throw new ApiException(
          404,
          "Not Found",
          "tree size " + size + " is beyond the hashed log (size " + hashed + ")");
    }
  }
}
