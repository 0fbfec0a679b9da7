package dev.bulwark.server.console;

import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed-in browser: who (the principal as it stands now), how it signed in, its CSRF token, and
 * when it was created and last seen. Its cookie value exists only in the browser.
 */
public record ConsoleSession(
    String idHash,
    Kind kind,
    Optional<String> tokenId,
    Principal principal,
    String csrfToken,
    Instant createdAt,
    Instant lastSeenAt) {
  public ConsoleSession {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(csrfToken, "csrfToken");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    if (kind == Kind.token && tokenId.isEmpty()) {
      throw new IllegalArgumentException("a token session names its token");
    }
  }

  /** How the session signed in. */
  public enum Kind {
    token,
    oidc
  }
}
