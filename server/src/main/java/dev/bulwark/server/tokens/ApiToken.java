package dev.bulwark.server.tokens;

import dev.bulwark.server.auth.Role;
import java.time.Instant;
import java.util.List;

/**
 * An API token as the API shows it: never its secret, which exists only in the create response.
 * {@code subject} is the person or machine it stands for, {@code mintedBy} the subject that issued
 * it.
 */
public record ApiToken(
    String id,
    String name,
    String subject,
    Role role,
    List<String> teams,
    Instant createdAt,
    String createdBy,
    String mintedBy,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt) {
  public ApiToken {
    teams = List.copyOf(teams);
  }

  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
