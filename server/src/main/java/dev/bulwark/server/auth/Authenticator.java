package dev.bulwark.server.auth;

import dev.bulwark.server.http.ApiException;
import java.util.Optional;

/** Turns an {@code Authorization} header into a {@link Principal}, or fails with 401 or 429. */
public final class Authenticator {
  private final TokenService tokens;
  private final Optional<OidcVerifier> oidc;
  private final FailedAuthLimiter limiter;

  public Authenticator(
      TokenService tokens, Optional<OidcVerifier> oidc, FailedAuthLimiter limiter) {
    this.tokens = tokens;
    this.oidc = oidc;
    this.limiter = limiter;
  }

  public Principal authenticate(String authorizationHeader, String clientAddress) {
    long wait = limiter.blockedForSeconds(clientAddress);
    if (wait > 0) {
      throw new TooManyFailures(wait);
    }
    try {
      return check(authorizationHeader);
    } catch (Unauthorized e) {
      limiter.recordFailure(clientAddress);
      throw e;
    }
  }

  private Principal check(String header) {
    if (header == null || header.isBlank()) {
      throw new Unauthorized("an Authorization: Bearer <token> header is required");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Unauthorized("the Authorization header must use the Bearer scheme");
    }
    String credential = header.substring(7).strip();
    if (credential.isEmpty() || credential.length() > 8192) {
      throw new Unauthorized("the bearer token is empty or too long");
    }
    if (!TokenService.looksLikeApiToken(credential) && isJwt(credential)) {
      return oidc.orElseThrow(
              () ->
                  new Unauthorized(
                      "JWT bearer tokens are not accepted: no OIDC issuer is configured"))
          .verify(credential);
    }
    return tokens.authenticate(credential);
  }

  private static boolean isJwt(String s) {
    return s.chars().filter(c -> c == '.').count() == 2;
  }

  /** 429: this address failed too often in the current minute. */
  public static final class TooManyFailures extends ApiException {
    private final long retryAfterSeconds;

    TooManyFailures(long retryAfterSeconds) {
      super(
          429,
          "Too Many Requests",
          "too many failed authentication attempts from this address; retry in "
              + retryAfterSeconds
              + " s");
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
