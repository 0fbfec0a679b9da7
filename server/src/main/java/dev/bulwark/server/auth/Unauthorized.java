package dev.bulwark.server.auth;

/**
 * Authentication failed: a 401 at the HTTP edge, which also counts against the caller's address in
 * the rate limit.
 */
public final class Unauthorized extends RuntimeException {
  public Unauthorized(String detail) {
    super(detail, null, false, false);
  }
}
