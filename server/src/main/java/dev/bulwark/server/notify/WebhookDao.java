package dev.bulwark.server.notify;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.EmptyHandling;

/**
 * SQL for webhooks, their queued deliveries and the SLA notices already raised. Reads of webhooks
 * carry the caller's team scope in their WHERE clause.
 */
final class WebhookDao {
  private WebhookDao() {}

  private static final String SCOPE = "(:all OR w.team IN (<teams>))";

  static long insert(
      Handle h, String url, String team, String events, String createdBy, Instant at) {
    return h.createUpdate(
            """
            INSERT INTO webhooks (url, team, events, secret, created_by, created_at)
            VALUES (:u, :t, :e, :s, :by, :at)
            """)
        .bind("u", url)
        .bind("t", team)
        .bind("e", events)
        .bind("s", "")
        .bind("by", createdBy)
        .bind("at", at.toEpochMilli())
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  static void setSecret(Handle h, long id, String secret) {
    h.createUpdate(
            """
            UPDATE webhooks SET secret = :s WHERE id = :id
            """)
        .bind("s", secret)
        .bind("id", id)
        .execute();
  }

  static List<Webhooks.Webhook> list(Handle h, Principal caller) {
    return h.createQuery(
            "SELECT w.id, w.url, w.team, w.events, w.created_by, w.created_at FROM webhooks w WHERE "
                + SCOPE
                + " ORDER BY w.id")
        .bind("all", caller.allTeams())
        .bindList(EmptyHandling.NULL_KEYWORD, "teams", caller.teams())
        .map(
            (rs, ctx) ->
                new Webhooks.Webhook(
                    rs.getLong("id"),
                    rs.getString("url"),
                    rs.getString("team"),
                    List.of(rs.getString("events").split(",")),
                    rs.getString("created_by"),
                    Instant.ofEpochMilli(rs.getLong("created_at"))))
        .list();
  }

  static void delete(Handle h, long id) {
    h.createUpdate(
            """
            DELETE FROM webhooks WHERE id = :id
            """)
        .bind("id", id)
        .execute();
  }

  /** A delivery as stored; {@code lastStatus} and {@code deliveredAt} may be null. */
  record DeliveryRow(
      long id,
      String event,
      String status,
      int attempts,
      long nextAttemptAt,
      Integer lastStatus,
      String lastError,
      long createdAt,
      Long deliveredAt) {}

  static List<DeliveryRow> deliveries(Handle h, long webhookId) {
    return h.createQuery(
            """
            SELECT id, event, status, attempts, next_attempt_at, last_status, last_error,
              created_at, delivered_at
            FROM webhook_deliveries WHERE webhook_id = :w ORDER BY id DESC LIMIT 500
            """)
        .bind("w", webhookId)
        .map(
            (rs, ctx) -> {
              int status = rs.getInt("last_status");
              Integer lastStatus = rs.wasNull() ? null : status;
              long delivered = rs.getLong("delivered_at");
              Long deliveredAt = rs.wasNull() ? null : delivered;
              return new DeliveryRow(
                  rs.getLong("id"),
                  rs.getString("event"),
                  rs.getString("status"),
                  rs.getInt("attempts"),
                  rs.getLong("next_attempt_at"),
                  lastStatus,
                  rs.getString("last_error"),
                  rs.getLong("created_at"),
                  deliveredAt);
            })
        .list();
  }

  /** A webhook's secret as stored: encrypted, or in clear by a version before encryption. */
  record StoredSecret(long id, String secret) {}

  static List<StoredSecret> secrets(Handle h) {
    return h.createQuery(
            """
            SELECT id, secret FROM webhooks ORDER BY id
            """)
        .map((rs, ctx) -> new StoredSecret(rs.getLong("id"), rs.getString("secret")))
        .list();
  }

  /** Replaces the secret only if it is still {@code old} (another node may have done it). */
  static int replaceSecret(Handle h, long id, String old, String replacement) {
    return h.createUpdate(
            """
            UPDATE webhooks SET secret = :enc WHERE id = :id AND secret = :old
            """)
        .bind("enc", replacement)
        .bind("id", id)
        .bind("old", old)
        .execute();
  }

  /** A webhook that may want an event of a team, with the events it wants. */
  record Subscriber(long id, List<String> events) {}

  static List<Subscriber> subscribers(Handle h, String team) {
    return h.createQuery(
            """
            SELECT id, events FROM webhooks WHERE team IS NULL OR team = :t ORDER BY id
            """)
        .bind("t", team)
        .map(
            (rs, ctx) ->
                new Subscriber(rs.getLong("id"), List.of(rs.getString("events").split(","))))
        .list();
  }

  static void queue(Handle h, long webhookId, String event, String payload, long now) {
    h.createUpdate(
            """
            INSERT INTO webhook_deliveries
              (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
            VALUES (:w, :e, :p, 'pending', 0, :now, :now)
            """)
        .bind("w", webhookId)
        .bind("e", event)
        .bind("p", payload)
        .bind("now", now)
        .execute();
  }

  /** Notes that a finding's SLA breach was raised; false if it already was. */
  static boolean noteSlaBreach(Handle h, long findingId, long at) {
    return h.createUpdate(
                """
                INSERT INTO sla_notices (finding_id, at) VALUES (:f, :at) ON CONFLICT DO NOTHING
                """)
            .bind("f", findingId)
            .bind("at", at)
            .execute()
        == 1;
  }

  static List<WebhookDispatcher.Pending> due(Handle h, long now) {
    return h.createQuery(
            """
            SELECT d.id, d.webhook_id, d.next_attempt_at, w.url, w.secret, d.event, d.payload,
              d.attempts
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= :now ORDER BY d.id LIMIT 50
            """)
        .bind("now", now)
        .map(
            (rs, ctx) ->
                new WebhookDispatcher.Pending(
                    rs.getLong("id"),
                    rs.getLong("webhook_id"),
                    rs.getLong("next_attempt_at"),
                    rs.getString("url"),
                    rs.getString("secret"),
                    rs.getString("event"),
                    rs.getString("payload"),
                    rs.getInt("attempts")))
        .list();
  }

  /** Takes the lease on a pending attempt unless another node took it first. */
  static boolean claim(Handle h, long id, long next, long leaseUntil) {
    return h.createUpdate(
                """
                UPDATE webhook_deliveries SET next_attempt_at = :lease
                WHERE id = :id AND status = 'pending' AND next_attempt_at = :next
                """)
            .bind("lease", leaseUntil)
            .bind("id", id)
            .bind("next", next)
            .execute()
        == 1;
  }

  static void recordAttempt(
      Handle h, long id, String state, int attempts, long next, String detail, Long deliveredAt) {
    h.createUpdate(
            """
            UPDATE webhook_deliveries SET status = :s, attempts = :a, next_attempt_at = :n,
              last_status = :st, last_error = :e, delivered_at = :d
            WHERE id = :id
            """)
        .bind("s", state)
        .bind("a", attempts)
        .bind("n", next)
        .bindNull("st", java.sql.Types.INTEGER)
        .bind("e", detail)
        .bind("d", deliveredAt)
        .bind("id", id)
        .execute();
  }
}
