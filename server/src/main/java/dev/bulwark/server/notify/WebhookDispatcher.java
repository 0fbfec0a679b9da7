package dev.bulwark.server.notify;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.net.Destinations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued webhook events and raises SLA breach events. One daemon thread per node; a
 * delivery is claimed with a conditional update before it is sent, so two nodes on one PostgreSQL
 * never send the same attempt twice. Failed attempts are retried after 30 s, 1, 2, 4 and 8 min;
 * after the sixth the delivery is marked failed. The delivery log keeps every outcome as a class
 * (see {@link Webhooks.Delivery}).
 *
 * <p>Destinations are checked when the connection is made, not only when the webhook is created:
 * Jetty's client asks our resolver for the addresses to connect to, the resolver resolves the name
 * once, refuses it unless every address is permitted ({@link Destinations}), and hands back exactly
 * those addresses, so the connection goes to the address that was checked (a DNS answer that
 * changes in between, DNS rebinding, gains nothing). TLS still verifies the certificate against the
 * host name, and SNI carries it. Redirects are not followed; proxies are not used.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int MAX_ATTEMPTS = 6;
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration LEASE = Duration.ofMinutes(1);
  static final Duration SLA_CHECK_EVERY = Duration.ofMinutes(1);

  private final Database db;
  private final OverdueFindings overdue;
  private final Webhooks webhooks;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService executor;
  private long lastSlaCheck = Long.MIN_VALUE;

  /** Every outcome class the delivery log records. */
  static final Set<String> OUTCOMES =
      Set.of(
          "1xx",
          "2xx",
          "3xx",
          "4xx",
          "5xx",
          "network-error",
          "refused-destination",
          "secret-unreadable");

  static String statusClass(int status) {
    return status >= 100 && status <= 599 ? (status / 100) + "xx" : "network-error";
  }

  public WebhookDispatcher(Database db, OverdueFindings overdue, Webhooks webhooks, Clock clock) {
    this.db = db;
    this.overdue = overdue;
    this.webhooks = webhooks;
    this.clock = clock;
    Destinations destinations = webhooks.destinations();
    QueuedThreadPool threads = new QueuedThreadPool(8, 1);
    threads.setName("bulwark-webhooks-http");
    threads.setDaemon(true);
    this.http = new HttpClient();
    http.setExecutor(threads);
    http.setConnectTimeout(5_000);
    http.setFollowRedirects(false);
    http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Bulwark-Webhooks"));
    http.setSocketAddressResolver(
        (host, port, context, promise) -> {
          try {
            List<InetSocketAddress> out = new java.util.ArrayList<>();
            for (InetAddress a : destinations.resolve(host)) {
              out.add(new InetSocketAddress(a, port));
            }
            promise.succeeded(out);
          } catch (Destinations.Refused e) {
            promise.failed(e);
          }
        });
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the webhook HTTP client", e);
    }
    // A response is an outcome, never a conversation: no authentication challenges answered (a
    // 401 would otherwise fail as a protocol error), no redirects, no upgrades.
    http.getProtocolHandlers().clear();
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

  /** The data of an {@code sla.breach} event. */
  record SlaBreach(
      String service,
      String version,
      long finding,
      String vulnerability,
      String severity,
      String purl,
      String due,
      long daysOverdue) {}

  /** One sla.breach event per overdue finding, the first time it is seen overdue. */
  void raiseSlaBreaches() {
    List<OverdueFindings.Overdue> due = overdue.overdue();
    if (due.isEmpty()) {
      return;
    }
    db.writes()
        .inTransactionDo(
            h -> {
              for (OverdueFindings.Overdue o : due) {
                boolean first = WebhookDao.noteSlaBreach(h, o.findingId(), clock.millis());
                if (first) {
                  webhooks.enqueue(
                      h,
                      "sla.breach",
                      o.team(),
                      new SlaBreach(
                          o.service(),
                          o.version(),
                          o.findingId(),
                          o.id(),
                          o.severity(),
                          o.purl(),
                          o.due().toString(),
                          o.daysOverdue()));
                }
              }
            });
  }

  record Pending(
      long id,
      long webhookId,
      long next,
      String url,
      String secret,
      String event,
      String payload,
      int attempts) {}

  void deliverDue() {
    long now = clock.millis();
    List<Pending> due = db.jdbi().withHandle(h -> WebhookDao.due(h, now));
    for (Pending p : due) {
      if (claim(p, now)) {
        send(p);
      }
    }
  }

  private boolean claim(Pending p, long now) {
    return db.writes()
        .inTransaction(h -> WebhookDao.claim(h, p.id(), p.next(), now + LEASE.toMillis()));
  }

  private void send(Pending p) {
    byte[] body = p.payload().getBytes(StandardCharsets.UTF_8);
    String outcome;
    try {
      String secret = webhooks.secrets().decrypt(p.webhookId(), p.secret());
      String signature = Webhooks.signature(secret, clock.instant().getEpochSecond(), body);
      int status =
          http.newRequest(URI.create(p.url()))
              .method(HttpMethod.POST)
              .timeout(10, TimeUnit.SECONDS)
              .headers(
                  h ->
                      h.put("Bulwark-Event", p.event())
                          .put("Bulwark-Delivery", Long.toString(p.id()))
                          .put("Bulwark-Signature", signature))
              .body(new BytesRequestContent("application/json", body))
              .send()
              .getStatus();
      outcome = statusClass(status);
    } catch (WebhookSecrets.Unreadable e) {
      LOG.warn("webhook delivery {} not sent: {}", p.id(), e.getMessage());
      outcome = "secret-unreadable";
    } catch (ExecutionException e) {
      outcome = refused(e) ? "refused-destination" : "network-error";
    } catch (TimeoutException | IllegalArgumentException e) {
      outcome = "network-error";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // the lease runs out and the attempt is retried
    }
    record(p, outcome.equals("2xx") ? null : outcome);
  }

  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Destinations.Refused) {
        return true;
      }
    }
    return false;
  }

  /** Records an attempt; {@code error} is the outcome class of a failed one, null on success. */
  private void record(Pending p, String error) {
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
    String detail = error == null ? "2xx" : error;
    db.writes()
        .inTransactionDo(
            h ->
                WebhookDao.recordAttempt(
                    h, p.id(), state, attempts, next, detail, error == null ? (Long) now : null));
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      http.stop();
    } catch (Exception e) {
      LOG.warn("stopping the webhook HTTP client: {}", e.toString());
    }
  }
}
