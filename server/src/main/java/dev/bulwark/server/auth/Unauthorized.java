package dev.bulwark.server.auth;

import dev.bulwark.server.http.ApiException;

/** Authentication failed: a 401 that also counts against the caller's address in the rate limit. */
public final class Unauthorized extends ApiException {
  public Unauthorized(String detail) {
    super(401, "Unauthorized", detail);
  }
}
