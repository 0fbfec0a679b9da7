package dev.bulwark.server.ledger;

import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.PageCall;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger page: the browser verifies the ledger itself ({@code ledger-page.js} over {@code
 * ledger-verify.js}) from the raw material these pages serve to a signed-in reader: the signed
 * checkpoint, the public key, the entries' canonical bytes and inclusion proofs. Nothing here says
 * whether the ledger is intact; the page's script decides. The same data serves the inclusion
 * widget other pages embed ({@code ledger-proof.js}, docs/console.md).
 */
public final class LedgerPages {
  private LedgerPages() {}

  /** The model of {@code ledger/verify.jte}: the size the server reports, for the page's text. */
  public record Overview(long size, long hashed, int page) {}

  private static final String NO_STORE = "no-store";

  public static List<ConsolePage> pages(Ledger ledger, NoteKey.Verifier key) {
    LedgerStore store = ledger.store();
    return List.of(
        ConsolePage.get(
                "/ledger",
                Permission.LEDGER_READ,
                call ->
                    View.page(
                        "ledger/verify.jte",
                        new Overview(store.size(), store.hashed(), LedgerRoutes.MAX_PAGE)))
            .inNav("Ledger", 70),
        ConsolePage.get(
            "/ledger/data/checkpoint",
            Permission.LEDGER_READ,
            call ->
                new View.Raw(
                    "text/plain; charset=utf-8",
                    store
                        .latestCheckpoint()
                        .orElseThrow(
                            () ->
                                new DomainException.Unavailable(
                                    "no checkpoint has been published yet"))
                        .getBytes(StandardCharsets.UTF_8),
                    NO_STORE)),
        ConsolePage.get(
            "/ledger/data/public-key",
            Permission.LEDGER_READ,
            call ->
                new View.Raw(
                    "text/plain; charset=utf-8",
                    (key.encoded() + "\n").getBytes(StandardCharsets.UTF_8),
                    NO_STORE)),
        ConsolePage.get(
            "/ledger/data/entries",
            Permission.LEDGER_READ,
            call -> {
              long start = number(call, "start", 0);
              long end = number(call, "end", start + 1000);
              if (end < start || end - start > LedgerRoutes.MAX_PAGE) {
                throw new DomainException.Invalid(
                    "end", "must be from start to start + " + LedgerRoutes.MAX_PAGE);
              }
              List<String> canonical = new ArrayList<>();
              for (LedgerStore.Stored e : store.entries(start, end)) {
                canonical.add(e.canonical());
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("start", start);
              body.put("entries", canonical);
              return new View.Raw("application/json", Json.write(body), NO_STORE);
            }),
        ConsolePage.get(
            "/ledger/data/proof",
            Permission.LEDGER_READ,
            call -> {
              long index = number(call, "index", -1);
              long size = number(call, "size", -1);
              if (size < 1 || size > store.hashed()) {
                throw new DomainException.Invalid(
                    "size", "must be from 1 to the hashed size " + store.hashed());
              }
              if (index < 0 || index >= size) {
                throw new DomainException.Invalid("index", "must be from 0 to size - 1");
              }
              List<String> hashes = new ArrayList<>();
              for (byte[] h : ledger.inclusionProof(index, size)) {
                hashes.add(Hashes.hex(h));
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("index", index);
              body.put("size", size);
              body.put("entry", store.entries(index, index + 1).get(0).canonical());
              body.put("hashes", hashes);
              return new View.Raw("application/json", Json.write(body), NO_STORE);
            }));
  }

  private static long number(PageCall call, String name, long fallback) {
    String v = call.query(name);
    if (v == null) {
      if (fallback < 0) {
        throw new DomainException.Invalid(name, "is required");
      }
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new DomainException.Invalid(name, "must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new DomainException.Invalid(name, "must be a whole number");
    }
  }
}
