package dev.bulwark.server.audit;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The append-only table behind {@link AuditLog}; a later issue replaces it by a Merkle ledger. */
public final class SqlAuditLog implements AuditLog {
  private final Clock clock;

  public SqlAuditLog(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void record(
      Handle tx,
      Principal actor,
      String requestId,
      String action,
      String subjectKind,
      String subjectId,
      Object before,
      Object after) {
    byte[] afterJson = after == null ? null : Json.write(after);
    tx.createUpdate(
            """
            INSERT INTO audit_log
              (at, actor, action, subject_kind, subject_id, request_id, before_digest, after_digest, payload)
            VALUES (:at, :actor, :action, :kind, :subject, :requestId, :before, :after, :payload)
            """)
        .bind("at", clock.millis())
        .bind("actor", actor.actor())
        .bind("action", action)
        .bind("kind", subjectKind)
        .bind("subject", subjectId)
        .bind("requestId", requestId)
        .bind("before", before == null ? null : digest(Json.write(before)))
        .bind("after", afterJson == null ? null : digest(afterJson))
        .bind("payload", afterJson == null ? null : new String(afterJson, StandardCharsets.UTF_8))
        .execute();
  }

  /** The newest events first, optionally for one subject. */
  public static List<AuditEvent> list(Jdbi jdbi, String subjectKind, String subjectId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT id, at, actor, action, subject_kind, subject_id, request_id, before_digest, after_digest
                    FROM audit_log
                    WHERE (:kind IS NULL OR subject_kind = :kind) AND (:subject IS NULL OR subject_id = :subject)
                    ORDER BY id DESC
                    LIMIT :limit
                    """)
                .bind("kind", subjectKind)
                .bind("subject", subjectId)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new AuditEvent(
                            rs.getLong("id"),
                            Instant.ofEpochMilli(rs.getLong("at")),
                            rs.getString("actor"),
                            rs.getString("action"),
                            rs.getString("subject_kind"),
                            rs.getString("subject_id"),
                            rs.getString("request_id"),
                            rs.getString("before_digest"),
                            rs.getString("after_digest")))
                .list());
  }

  static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
