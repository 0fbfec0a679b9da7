package dev.bulwark.server.audit;

import dev.bulwark.server.auth.Principal;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The one way every state change and decision is recorded. Callers pass the {@link Handle} of the
 * transaction that makes the change, so the record and the change commit or roll back together.
 */
public interface AuditLog {
  /**
   * Records one change and returns its ledger index.
   *
   * @param subject what the change is about, in human terms: at least {@code kind} and {@code id},
   *     and where they apply {@code service}, {@code team}, {@code version}, {@code digest}, {@code
   *     environment}
   * @param before the subject's state before the change (any JSON-serializable value), or null
   * @param after the state after the change, or null when the subject was removed; never a secret
   * @param affects whose gate input the change alters; their facts revisions are raised in {@code
   *     tx}
   */
  long record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      Map<String, String> subject,
      Object before,
      Object after,
      Affects affects);

  default long record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      String subjectKind,
      String subjectId,
      Object before,
      Object after,
      Affects affects) {
    return record(
        tx,
        actor,
        requestId,
        action,
        Map.of("kind", subjectKind, "id", subjectId),
        before,
        after,
        affects);
  }
}
