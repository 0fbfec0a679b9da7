package dev.bulwark.server.ledger;

import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The {@link AuditLog} on the Merkle ledger: each record is a ledger entry appended in the caller's
 * transaction, with the digests of the state before and after; the after state itself stays in the
 * entry's payload column, outside the hashed bytes.
 */
public final class LedgerAuditLog implements AuditLog {
  private final LedgerStore store;
  private final Clock clock;
  private final Runnable onAppend;

  public LedgerAuditLog(LedgerStore store, Clock clock, Runnable onAppend) {
    this.store = store;
    this.clock = clock;
    this.onAppend = onAppend;
  }

  @Override
  public long record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      Map<String, String> subject,
      Object before,
      Object after) {
    byte[] afterJson = after == null ? null : Json.write(after);
    long index =
        store
            .append(
                tx,
                List.of(
                    new LedgerStore.Draft(
                        clock.instant(),
                        actor.actor(),
                        action,
                        subject,
                        requestId,
                        before == null ? null : digest(Json.write(before)),
                        afterJson == null ? null : digest(afterJson),
                        afterJson == null ? null : new String(afterJson, StandardCharsets.UTF_8))))
            .get(0);
    onAppend.run();
    return index;
  }

  static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
