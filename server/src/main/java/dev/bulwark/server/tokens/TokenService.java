package dev.bulwark.server.tokens;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.ApiTokens;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.auth.Unauthorized;
import dev.bulwark.server.errors.DomainException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Issues, checks and revokes API tokens. A secret is {@code bwk_} and 256 random bits, shown once
 * and stored only as its SHA-256: a fast hash suffices because the secret has full entropy, so
 * there is nothing for a slow hash to protect against guessing.
 */
public final class TokenService implements ApiTokens {
  private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  /** The subject of the bootstrap admin token. */
  public static final String BOOTSTRAP_SUBJECT = "admin";

  private final Jdbi jdbi;
  private final dev.bulwark.server.db.WriteBatcher writes;
  private final TokenDao dao;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TokenService(
      Jdbi jdbi, dev.bulwark.server.db.WriteBatcher writes, AuditLog audit, Clock clock) {
    this.jdbi = jdbi;
    this.writes = writes;
    this.dao = new TokenDao(jdbi);
    this.audit = audit;
    this.clock = clock;
  }

  /** A newly issued token with its one-time secret. */
  public record Issued(ApiToken token, String secret) {}

  public Issued issue(
      Principal by,
      String requestId,
      String name,
      Role role,
      List<String> teams,
      Instant expiresAt) {
    return issue(by, requestId, name, null, role, teams, expiresAt);
  }

  /**
   * Issues a token for {@code subject} (the person or machine it stands for), by default the
   * issuer's own: a token an admin mints for itself is still the admin for separation of duties.
   */
  public Issued issue(
      Principal by,
      String requestId,
      String name,
      String subject,
      Role role,
      List<String> teams,
      Instant expiresAt) {
    // The server's own tokens (demo data) each stand for a subject of their own.
    String s =
        subject != null
            ? Principal.canonicalSubject(subject)
            : by.actor().equals("system") ? null : by.subject();
    return issue(by, requestId, name, role, teams, expiresAt, null, null, s);
  }

  private Issued issue(
      Principal by,
      String requestId,
      String name,
      Role role,
      List<String> teams,
      Instant expiresAt,
      String fixedId,
      String fixedSecret,
      String subject) {
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new DomainException.Invalid("expiresAt", "must be in the future");
    }
    String secret = fixedSecret != null ? fixedSecret : PREFIX + randomBase64(32);
    String id = fixedId != null ? fixedId : "tok_" + randomBase64(9);
    // No person stands behind the server's own principal: it mints no one's token.
    String mintedBy = by.actor().equals("system") ? null : by.subject();
    ApiToken token =
        new ApiToken(
            id,
            name,
            subject == null ? "token:" + id : subject,
            role,
            teams,
            now,
            by.actor(),
            mintedBy,
            expiresAt,
            null,
            null);
    writes.inTransactionDo(
        h -> {
          dao.insert(h, token, hash(secret));
          audit.record(h, by, requestId, "token.create", "token", id, null, token, Affects.none());
        });
    return new Issued(token, secret);
  }

  /**
   * On a first start (no token at all) installs the initial admin token: {@code configured} when
   * given, else a random one. Returns the issued token, or empty when tokens already exist.
   */
  public Optional<Issued> bootstrap(Optional<String> configured) {
    if (dao.count() > 0) {
      return Optional.empty();
    }
    return Optional.of(
        issue(
            Principal.system(),
            "bootstrap",
            "bootstrap admin",
            Role.admin,
            List.of(),
            null,
            "tok_bootstrap",
            configured.orElse(null),
            BOOTSTRAP_SUBJECT));
  }

  @Override
  public Principal authenticate(String secret) {
    Instant now = clock.instant();
    ApiToken t =
        dao.findByHash(hash(secret)).orElseThrow(() -> new Unauthorized("unknown API token"));
    if (t.revokedAt() != null) {
      throw new Unauthorized("this API token was revoked");
    }
    if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
      throw new Unauthorized("this API token expired at " + t.expiresAt());
    }
    if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minus(LAST_USED_RESOLUTION))) {
      dao.touch(t.id(), now, now.minus(LAST_USED_RESOLUTION));
    }
    return new Principal("token:" + t.id(), t.subject(), t.mintedBy(), t.role(), t.teams());
  }

  @Override
  public Optional<Principal> current(String tokenId) {
    Instant now = clock.instant();
    return dao.find(tokenId)
        .filter(t -> t.usableAt(now))
        .map(t -> new Principal("token:" + t.id(), t.subject(), t.mintedBy(), t.role(), t.teams()));
  }

  public List<ApiToken> list() {
    return dao.list();
  }

  public ApiToken revoke(Principal by, String requestId, String id) {
    return writes.inTransaction(
        h -> {
          ApiToken before =
              dao.find(h, id)
                  .orElseThrow(() -> new DomainException.NotFound("no token with id " + id));
          if (before.revokedAt() != null) {
            return before;
          }
          dao.revoke(h, id, clock.instant());
          ApiToken after = dao.find(h, id).orElseThrow();
          audit.record(
              h, by, requestId, "token.revoke", "token", id, before, after, Affects.none());
          return after;
        });
  }

  static String hash(String secret) {
    return Sha256.hex(secret);
  }

  private String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
