package dev.bulwark.server.audit;

import dev.bulwark.server.auth.Principal;
import org.jdbi.v3.core.Handle;

/**
 * The one way every state change is recorded. Callers pass the {@link Handle} of the transaction
 * that makes the change, so the record and the change commit or roll back together.
 */
public interface AuditLog {
  /**
   * @param before the subject's state before the change (any JSON-serializable value), or null
   * @param after the state after the change, or null when the subject was removed; never a secret
   */
  void record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      String subjectKind,
      String subjectId,
      Object before,
      Object after);
}
