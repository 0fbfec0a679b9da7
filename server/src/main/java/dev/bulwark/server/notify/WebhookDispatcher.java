package dev.bulwark.server.notify;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.releases.Releases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued webhook events and raises SLA breach events. One daemon thread per node; a
 * delivery is claimed with a conditional update before it is sent, so two nodes on one PostgreSQL
 * never send the same attempt twice. Failed attempts are retried after 30 s, 1, 2, 4 and 8 min;
 * after the sixth the delivery is marked failed. The delivery log keeps every outcome.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int MAX_ATTEMPTS = 6;
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration LEASE = Duration.ofMinutes(1);
  static final Duration SLA_CHECK_EVERY = Duration.ofMinutes(1);

  private final Database db;
  private final Releases releases;
  private final Webhooks webhooks;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService executor;
  private long lastSlaCheck = Long.MIN_VALUE;

  public WebhookDispatcher(Database db, Releases releases, Webhooks webhooks, Clock clock) {
    this.db = db;
    this.releases = releases;
    this.webhooks = webhooks;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bulwark-webhooks");
              t.setDaemon(true);
              return t;
            });
  }

  public void start(Duration tick) {
    executor.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      if (lastSlaCheck == Long.MIN_VALUE
          || clock.millis() - lastSlaCheck >= SLA_CHECK_EVERY.toMillis()) {
        lastSlaCheck = clock.millis();
        raiseSlaBreaches();
      }
      deliverDue();
    } catch (RuntimeException e) {
      // A failing tick must not end the schedule; the next one tries again.
      LOG.warn("webhook dispatch failed: {}", e.toString());
    }
  }

  /** One sla.breach event per overdue finding, the first time it is seen overdue. */
  void raiseSlaBreaches() {
    List<Releases.Overdue> overdue = releases.overdue(Principal.system(), null);
    if (overdue.isEmpty()) {
      return;
    }
    db.writes()
        .inTransactionDo(
            h -> {
              for (Releases.Overdue o : overdue) {
                int inserted =
                    h.createUpdate(
                            "INSERT INTO sla_notices (finding_id, at) VALUES (:f, :at) ON CONFLICT DO NOTHING")
                        .bind("f", o.findingId())
                        .bind("at", clock.millis())
                        .execute();
                if (inserted == 1) {
                  Map<String, Object> data = new LinkedHashMap<>();
                  data.put("service", o.service());
                  data.put("version", o.version());
                  data.put("finding", o.findingId());
                  data.put("vulnerability", o.id());
                  data.put("severity", o.severity());
                  data.put("purl", o.purl());
                  data.put("due", o.due().toString());
                  data.put("daysOverdue", o.daysOverdue());
                  webhooks.enqueue(h, "sla.breach", o.team(), data);
                }
              }
            });
  }

  record Pending(
      long id, long next, String url, String secret, String event, String payload, int attempts) {}

  void deliverDue() {
    long now = clock.millis();
    List<Pending> due =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT d.id, d.next_attempt_at, w.url, w.secret, d.event, d.payload, d.attempts "
                                + "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                                + "WHERE d.status = 'pending' AND d.next_attempt_at <= :now ORDER BY d.id LIMIT 50")
                        .bind("now", now)
                        .map(
                            (rs, ctx) ->
                                new Pending(
                                    rs.getLong("id"),
                                    rs.getLong("next_attempt_at"),
                                    rs.getString("url"),
                                    rs.getString("secret"),
                                    rs.getString("event"),
                                    rs.getString("payload"),
                                    rs.getInt("attempts")))
                        .list());
    for (Pending p : due) {
      if (claim(p, now)) {
        send(p);
      }
    }
  }

  private boolean claim(Pending p, long now) {
    return db.writes()
            .inTransaction(
                h ->
                    h.createUpdate(
                            "UPDATE webhook_deliveries SET next_attempt_at = :lease WHERE id = :id AND status = 'pending' AND next_attempt_at = :next")
                        .bind("lease", now + LEASE.toMillis())
                        .bind("id", p.id())
                        .bind("next", p.next())
                        .execute())
        == 1;
  }

  private void send(Pending p) {
    byte[] body = p.payload().getBytes(StandardCharsets.UTF_8);
    Integer status = null;
    String error = null;
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(p.url()))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("User-Agent", "Bulwark-Webhooks")
              .header("Bulwark-Event", p.event())
              .header("Bulwark-Delivery", Long.toString(p.id()))
              .header(
                  "Bulwark-Signature",
                  Webhooks.signature(p.secret(), clock.instant().getEpochSecond(), body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 != 2) {
        error = "HTTP " + status;
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // the lease runs out and the attempt is retried
    }
    record(p, status, error);
  }

  private void record(Pending p, Integer status, String error) {
    int attempts = p.attempts() + 1;
    long now = clock.millis();
    String state;
    long next;
    if (error == null) {
      state = "delivered";
      next = now;
    } else if (attempts >= MAX_ATTEMPTS) {
      state = "failed";
      next = now;
    } else {
      state = "pending";
      next = now + FIRST_RETRY.toMillis() * (1L << (attempts - 1));
    }
    String detail = error == null ? null : error.substring(0, Math.min(error.length(), 500));
    db.writes()
        .inTransactionDo(
            h ->
                h.createUpdate(
                        "UPDATE webhook_deliveries SET status = :s, attempts = :a, next_attempt_at = :n, last_status = :st, last_error = :e, delivered_at = :d WHERE id = :id")
                    .bind("s", state)
                    .bind("a", attempts)
                    .bind("n", next)
                    .bind("st", status)
                    .bind("e", detail)
                    .bind("d", error == null ? (Long) now : null)
                    .bind("id", p.id())
                    .execute());
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
