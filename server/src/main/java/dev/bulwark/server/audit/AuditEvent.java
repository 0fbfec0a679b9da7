package dev.bulwark.server.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One recorded state change: who did what to which subject, when, under which request, with the
 * SHA-256 digests of the subject's state before and after (null where there was none).
 */
public record AuditEvent(
    long id,
    Instant at,
    String actor,
    String action,
    String subjectKind,
    String subjectId,
    String requestId,
    String beforeDigest,
    String afterDigest) {
  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(subjectKind, "subjectKind");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(requestId, "requestId");
  }
}
