package dev.bulwark.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Validatable;
import dev.bulwark.server.http.Validation;
import dev.bulwark.server.net.Destinations;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;

/**
 * JSON webhooks for a team (or, created by an admin without a team, for every team), on new
 * critical or high findings ({@code finding.new}) and on SLA breaches ({@code sla.breach}). Events
 * are queued in the same transaction as the change that causes them, so a rolled-back change
 * notifies nobody; {@link WebhookDispatcher} delivers them.
 */
public final class Webhooks {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Webhooks.class);
  public static final Set<String> EVENTS = Set.of("finding.new", "sla.breach");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final WebhookSecrets secrets;
  private final Destinations destinations;

  public Webhooks(
      Database db, AuditLog audit, Clock clock, WebhookSecrets secrets, Destinations destinations) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.secrets = secrets;
    this.destinations = destinations;
  }

  WebhookSecrets secrets() {
    return secrets;
  }

  Destinations destinations() {
    return destinations;
  }

  /** A webhook to create. */
  public record NewWebhook(String url, List<String> events, String team) implements Validatable {
    @Override
    public Validation validate(String prefix) {
      Validation v = new Validation(prefix);
      if (v.require("url", url)) {
        try {
          URI u = new URI(url);
          if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
            v.error("url", "must be an http or https URL");
          } else if (u.getHost() == null) {
            v.error("url", "must name a host");
          } else if (u.getUserInfo() != null) {
            v.error("url", "must not carry credentials; the signature authenticates Bulwark");
          }
        } catch (java.net.URISyntaxException e) {
          v.error("url", "not a URL: " + e.getReason());
        }
      }
      if (v.require("events", events)) {
        if (events.isEmpty()) {
          v.error("events", "name at least one of finding.new, sla.breach");
        }
        for (String e : events) {
          if (!EVENTS.contains(e)) {
            v.error("events", "'" + e + "' is not finding.new or sla.breach");
          }
        }
      }
      return v;
    }
  }

  /** A webhook as the API shows it: never its secret. */
  public record Webhook(
      long id, String url, String team, List<String> events, String createdBy, Instant createdAt) {}

  /** The one response that carries the secret. */
  public record Created(Webhook webhook, String secret) {}

  /**
   * One delivery's record. {@code lastOutcome} is a class ({@code 2xx}, {@code 3xx}, {@code 4xx},
   * {@code 5xx}, {@code network-error}, {@code refused-destination}, {@code secret-unreadable}),
   * never an exact status or error text: the log must not make webhooks a port scanner.
   */
  public record Delivery(
      long id,
      String event,
      String status,
      int attempts,
      Instant nextAttemptAt,
      String lastOutcome,
      Instant createdAt,
      Instant deliveredAt) {}

  public Created create(Principal caller, String requestId, NewWebhook w) {
    if (w.team() == null && !caller.allTeams()) {
      throw new DomainException.Invalid("team", "required: your token is scoped to teams");
    }
    if (w.team() != null && !caller.inScope(w.team())) {
      throw new DomainException.Forbidden("team " + w.team() + " is outside your scope");
    }
    try {
      // Checked again at every delivery: a name may resolve elsewhere later.
      destinations.resolve(URI.create(w.url()).getHost());
    } catch (Destinations.Refused e) {
      throw new DomainException.Invalid("url", e.getMessage());
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = clock.instant();
    List<String> events = w.events().stream().distinct().sorted().toList();
    return db.writes()
        .inTransaction(
            h -> {
              long id =
                  WebhookDao.insert(
                      h, w.url(), w.team(), String.join(",", events), caller.actor(), now);
              // Encrypted with the row's id authenticated, so it is known only after the insert.
              WebhookDao.setSecret(h, id, secrets.encrypt(id, secret));
              Webhook hook = new Webhook(id, w.url(), w.team(), events, caller.actor(), now);
              audit.record(
                  h,
                  caller,
                  requestId,
                  "webhook.create",
                  Map.of("kind", "webhook", "id", Long.toString(id), "team", orAll(w.team())),
                  null,
                  Map.of("url", w.url(), "events", events),
                  Affects.none());
              return new Created(hook, secret);
            });
  }

  private static String orAll(String team) {
    return team == null ? "*" : team;
  }

  public List<Webhook> list(Principal caller) {
    return db.jdbi().withHandle(h -> WebhookDao.list(h, caller));
  }

  private Webhook visible(Principal caller, long id) {
    return list(caller).stream()
        .filter(w -> w.id() == id)
        .findFirst()
        .orElseThrow(() -> new DomainException.NotFound("no webhook " + id));
  }

  public void delete(Principal caller, String requestId, long id) {
    Webhook w = visible(caller, id);
    db.writes()
        .inTransactionDo(
            h -> {
              WebhookDao.delete(h, id);
              audit.record(
                  h,
                  caller,
                  requestId,
                  "webhook.delete",
                  Map.of("kind", "webhook", "id", Long.toString(id), "team", orAll(w.team())),
                  Map.of("url", w.url()),
                  null,
                  Affects.none());
            });
  }

  public List<Delivery> deliveries(Principal caller, long id) {
    visible(caller, id);
    List<WebhookDao.DeliveryRow> rows = db.jdbi().withHandle(h -> WebhookDao.deliveries(h, id));
    return rows.stream()
        .map(
            r -> {
              // Rows from before outcome classes kept the exact status or error.
              String outcome =
                  r.lastStatus() != null
                      ? WebhookDispatcher.statusClass(r.lastStatus())
                      : r.lastError() == null || WebhookDispatcher.OUTCOMES.contains(r.lastError())
                          ? r.lastError()
                          : "network-error";
              return new Delivery(
                  r.id(),
                  r.event(),
                  r.status(),
                  r.attempts(),
                  Instant.ofEpochMilli(r.nextAttemptAt()),
                  outcome,
                  Instant.ofEpochMilli(r.createdAt()),
                  r.deliveredAt() == null ? null : Instant.ofEpochMilli(r.deliveredAt()));
            })
        .toList();
  }

  /**
   * Encrypts the secrets stored in clear by versions before encryption at rest, and warns about
   * secrets the key file does not decrypt. Run at start; the conditional update makes it safe
   * beside another node doing the same.
   */
  public int encryptStoredSecrets() {
    List<WebhookDao.StoredSecret> stored = db.jdbi().withHandle(WebhookDao::secrets);
    int unreadable = 0;
    for (WebhookDao.StoredSecret p : stored) {
      try {
        secrets.decrypt(p.id(), p.secret());
      } catch (WebhookSecrets.Unreadable e) {
        unreadable++;
      }
    }
    if (unreadable > 0) {
      // Deliveries of these webhooks are logged secret-unreadable; the start goes on so the rest
      // of the server stays available while the right key file is put back.
      LOG.warn(
          "{} webhook secrets do not decrypt with {}: restore the key file that encrypted them",
          unreadable,
          WebhookSecrets.KEY_FILE);
    }
    List<WebhookDao.StoredSecret> plain =
        stored.stream().filter(p -> !WebhookSecrets.encrypted(p.secret())).toList();
    if (plain.isEmpty()) {
      return 0;
    }
    return db.writes()
        .inTransaction(
            h -> {
              int n = 0;
              for (WebhookDao.StoredSecret p : plain) {
                n +=
                    WebhookDao.replaceSecret(
                        h, p.id(), p.secret(), secrets.encrypt(p.id(), p.secret()));
              }
              return n;
            });
  }

  /** The JSON body every webhook receives; {@code data} is the event's own record. */
  private record Payload(String event, String at, String team, Object data) {}

  /**
   * Whether any webhook wants {@code event} for {@code team}, read in the caller's transaction: a
   * writer with nobody to tell need not gather the event's data.
   */
  public boolean subscribed(Handle h, String event, String team) {
    return WebhookDao.subscribers(h, team).stream().anyMatch(w -> w.events().contains(event));
  }

  /**
   * Queues {@code event} for every webhook that wants it and covers {@code team}, inside the
   * caller's transaction. {@code data} is any value Jackson writes as a JSON object (a record, or a
   * map from an older caller).
   */
  public void enqueue(Handle h, String event, String team, Object data) {
    String body;
    try {
      body = JSON.writeValueAsString(new Payload(event, clock.instant().toString(), team, data));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a webhook payload", e);
    }
    long now = clock.millis();
    List<WebhookDao.Subscriber> hooks = WebhookDao.subscribers(h, team);
    for (WebhookDao.Subscriber hook : hooks) {
      if (!hook.events().contains(event)) {
        continue;
      }
      WebhookDao.queue(h, hook.id(), event, body, now);
    }
  }

  /**
   * The signature header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
   * Receivers recompute it and refuse a timestamp older than a few minutes, which makes a captured
   * request useless later.
   */
  public static String signature(String secret, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
