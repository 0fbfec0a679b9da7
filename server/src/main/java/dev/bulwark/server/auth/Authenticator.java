package dev.bulwark.server.auth;

import dev.bulwark.server.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * Turns an {@code Authorization} header into a {@link Principal}, or fails with {@link
 * Unauthorized} or {@link TooManyFailures} (401 or 429 at the HTTP edge).
 */
public final class Authenticator {
  private final ApiTokens tokens;
  private final Optional<OidcVerifier> oidc;
  private final FailedAuthLimiter limiter;
  private final List<Cidr> trustedProxies;

  public Authenticator(ApiTokens tokens, Optional<OidcVerifier> oidc, FailedAuthLimiter limiter) {
    this(tokens, oidc, limiter, List.of());
  }

  /**
   * @param trustedProxies the reverse proxies whose {@code X-Forwarded-For} names the client
   */
  public Authenticator(
      ApiTokens tokens,
      Optional<OidcVerifier> oidc,
      FailedAuthLimiter limiter,
      List<Cidr> trustedProxies) {
    this.tokens = tokens;
    this.oidc = oidc;
    this.limiter = limiter;
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /**
   * The principal of a valid credential, whatever the address's failures: only failures count and
   * only failures are refused (429), so a guesser cannot lock valid users out of a shared address.
   */
  public Principal authenticate(String authorizationHeader, String clientAddress) {
    try {
      return check(authorizationHeader);
    } catch (Unauthorized e) {
      long wait = limiter.blockedForSeconds(clientAddress);
      if (wait > 0) {
        throw new TooManyFailures(wait);
      }
      limiter.recordFailure(clientAddress);
      throw e;
    }
  }

  /**
   * The principal of an API token secret pasted into the console's sign-in form: checked as the API
   * checks a bearer token, failures counted against the address the same way. JWTs are not taken
   * here (the console signs in with OIDC through the issuer instead).
   */
  public Principal signIn(String secret, String clientAddress) {
    String s = secret == null ? "" : secret.strip();
    try {
      if (!ApiTokens.looksLikeApiToken(s) || s.length() > 8192) {
        throw new Unauthorized("paste an API token: it begins with " + ApiTokens.PREFIX);
      }
      return tokens.authenticate(s);
    } catch (Unauthorized e) {
      recordFailure(clientAddress);
      throw e;
    }
  }

  /** The principal of an API token by its id, as it stands now; see {@link ApiTokens#current}. */
  public Optional<Principal> tokenPrincipal(String tokenId) {
    return tokens.current(tokenId);
  }

  /** Counts a failed sign-in of another kind (an OIDC callback that failed) against an address. */
  public void recordFailure(String clientAddress) {
    long wait = limiter.blockedForSeconds(clientAddress);
    if (wait > 0) {
      throw new TooManyFailures(wait);
    }
    limiter.recordFailure(clientAddress);
  }

  /** True when the peer is a configured reverse proxy, whose forwarding headers are believed. */
  public boolean trustedProxy(String peer) {
    Optional<InetAddress> hop = Cidr.literal(peer);
    return hop.isPresent() && Cidr.anyContains(trustedProxies, hop.get());
  }

  /**
   * The address failures are counted for. {@code X-Forwarded-For} is believed only when the peer is
   * a trusted proxy, and then read from the right: the first hop that is not a trusted proxy is the
   * client (entries left of it may be forged by the client itself).
   */
  public String clientAddress(String peer, Enumeration<String> forwardedFor) {
    Optional<InetAddress> hop = Cidr.literal(peer);
    if (trustedProxies.isEmpty()
        || forwardedFor == null
        || hop.isEmpty()
        || !Cidr.anyContains(trustedProxies, hop.get())) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    while (forwardedFor.hasMoreElements()) {
      for (String part : forwardedFor.nextElement().split(",")) {
        if (!part.isBlank()) {
          chain.add(part.strip());
        }
      }
    }
    String client = peer;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Optional<InetAddress> a = Cidr.literal(chain.get(i));
      if (a.isEmpty()) {
        break; // not an address: the previous hop is the last one we can vouch for
      }
      client = a.get().getHostAddress();
      if (!Cidr.anyContains(trustedProxies, a.get())) {
        break;
      }
    }
    return client;
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
    if (!ApiTokens.looksLikeApiToken(credential) && isJwt(credential)) {
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

  /** This address failed too often in the current minute (the HTTP edge answers 429). */
  public static final class TooManyFailures extends RuntimeException {
    private final long retryAfterSeconds;

    TooManyFailures(long retryAfterSeconds) {
      super(
          "too many failed authentication attempts from this address; retry in "
              + retryAfterSeconds
              + " s",
          null,
          false,
          false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
