package dev.bulwark.server.ledger;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.audit.FactRevisions;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
  private final Appended onAppended;
  private final FactRevisions revisions;

  /** Told the ledger's size once appended entries are committed, and whether they are hashed. */
  public interface Appended {
    void appended(long size, boolean hashed);
  }

  public LedgerAuditLog(
      LedgerStore store, Clock clock, Appended onAppended, FactRevisions revisions) {
    this.store = store;
    this.clock = clock;
    this.onAppended = onAppended;
    this.revisions = revisions;
  }

  @Override
  public long record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      Map<String, String> subject,
      Object before,
      Object after,
      Affects affects) {
    revisions.raise(tx, affects);
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
    // The writer learns of the entry once it is committed (it cannot see it before), once per
    // batch, with the ledger's size then; outside a batch, at once.
    var batch = dev.bulwark.server.db.WriteBatcher.batchOf(tx);
    if (batch.isPresent()) {
      long[] size = batch.get().attribute("ledger.size", () -> new long[1]);
      size[0] = Math.max(size[0], index + 1);
      boolean hashed = batch.get().deferrable(); // the fast path hashes before its commit
      batch.get().afterCommit("ledger.appended", () -> onAppended.appended(size[0], hashed));
    } else {
      onAppended.appended(index + 1, false);
    }
    return index;
  }

  /** {@code sha256:<hex>} of the bytes: how entries name the states before and after. */
  public static String digest(byte[] bytes) {
    return Sha256.prefixed(bytes);
  }
}
