package dev.bulwark.server.console;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Server-side console sessions. A session id is 32 random bytes, given to the browser once (its
 * cookie) and stored only as its SHA-256, so neither the database nor a log can sign anyone in. A
 * session ends on sign-out, after {@code console.idleMinutes} without a request, after {@code
 * console.absoluteHours} whatever its use, and, for a session signed in with an API token, as soon
 * as that token is revoked or expires. Time is the server's clock.
 */
public final class ConsoleSessions {
  /** A session's last-seen time is written at most this often: reads need no write each time. */
  static final Duration TOUCH_RESOLUTION = Duration.ofMinutes(1);

  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Database db;
  private final SessionDao dao;
  private final Authenticator auth;
  private final Clock clock;
  private final Duration idle;
  private final Duration absolute;
  private final SecureRandom random = new SecureRandom();

  public ConsoleSessions(
      Database db, Authenticator auth, Clock clock, ServerConfig.ConsoleSettings settings) {
    this.db = db;
    this.dao = new SessionDao(db.jdbi());
    this.auth = auth;
    this.clock = clock;
    this.idle = settings.idleTimeout();
    this.absolute = settings.absoluteTimeout();
  }

  /** A new session and the cookie value that names it (returned here only). */
  public record Created(ConsoleSession session, String cookieValue) {}

  /** Starts a session for a principal that has just proved who it is. */
  public Created create(Principal p, ConsoleSession.Kind kind, Optional<String> tokenId) {
    String secret = randomSecret();
    Instant now = clock.instant();
    var row =
        new SessionDao.Row(hash(secret), kind, tokenId.orElse(null), p, randomSecret(), now, now);
    db.writes()
        .inTransaction(
            h -> {
              dao.deleteExpired(h, now.minus(idle), now.minus(absolute));
              dao.insert(h, row);
              return null;
            });
    return new Created(
        new ConsoleSession(row.idHash(), kind, tokenId, p, row.csrf(), now, now), secret);
  }

  /**
   * The live session a cookie names, empty for a forged, unknown, signed-out or expired one (an
   * expired or orphaned one is deleted on the way).
   */
  public Optional<ConsoleSession> find(String cookieValue) {
    if (cookieValue == null || !SECRET.matcher(cookieValue).matches()) {
      return Optional.empty();
    }
    String idHash = hash(cookieValue);
    Optional<SessionDao.Row> found = dao.find(idHash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SessionDao.Row r = found.get();
    Instant now = clock.instant();
    if (!now.isBefore(r.lastSeenAt().plus(idle)) || !now.isBefore(r.createdAt().plus(absolute))) {
      deleteByHash(idHash);
      return Optional.empty();
    }
    Principal principal = r.principal();
    if (r.kind() == ConsoleSession.Kind.token) {
      Optional<Principal> current = auth.tokenPrincipal(r.tokenId());
      if (current.isEmpty()) {
        deleteByHash(idHash);
        return Optional.empty();
      }
      principal = current.get();
    }
    if (r.lastSeenAt().isBefore(now.minus(TOUCH_RESOLUTION))) {
      db.writes()
          .inTransaction(
              h -> {
                dao.touch(h, idHash, now, now.minus(TOUCH_RESOLUTION));
                return null;
              });
    }
    return Optional.of(
        new ConsoleSession(
            idHash,
            r.kind(),
            Optional.ofNullable(r.tokenId()),
            principal,
            r.csrf(),
            r.createdAt(),
            now));
  }

  /** Ends the session a cookie names (sign-out); nothing happens for an unknown one. */
  public void delete(String cookieValue) {
    if (cookieValue != null && SECRET.matcher(cookieValue).matches()) {
      deleteByHash(hash(cookieValue));
    }
  }

  private void deleteByHash(String idHash) {
    db.writes().inTransaction(h -> dao.delete(h, idHash));
  }

  /** Records an OIDC sign-in under way; see {@link #takeOidcRequest}. */
  void saveOidcRequest(
      String state, String browserSecret, String nonce, String verifier, String next) {
    Instant now = clock.instant();
    db.writes()
        .inTransaction(
            h -> {
              dao.deleteOidcRequestsBefore(h, now.minus(OIDC_REQUEST_LIFETIME));
              dao.insertOidcRequest(
                  h,
                  new SessionDao.OidcRequest(
                      hash(state), hash(browserSecret), nonce, verifier, next, now));
              return null;
            });
  }

  /** How long a browser has between leaving for the issuer and coming back. */
  static final Duration OIDC_REQUEST_LIFETIME = Duration.ofMinutes(10);

  /**
   * The sign-in a state names, once (it is deleted as it is read), and only for the browser that
   * started it and within its lifetime.
   */
  Optional<SessionDao.OidcRequest> takeOidcRequest(String state, String browserSecret) {
    if (state == null || !SECRET.matcher(state).matches() || browserSecret == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return db.writes()
        .inTransaction(h -> dao.takeOidcRequest(h, hash(state)))
        .filter(r -> r.browserHash().equals(hash(browserSecret)))
        .filter(r -> now.isBefore(r.createdAt().plus(OIDC_REQUEST_LIFETIME)));
  }

  /** 32 random bytes, base64url without padding (43 characters). */
  String randomSecret() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static boolean wellFormedSecret(String s) {
    return s != null && SECRET.matcher(s).matches();
  }

  static String hash(String secret) {
    return Sha256.hex(secret);
  }
}
