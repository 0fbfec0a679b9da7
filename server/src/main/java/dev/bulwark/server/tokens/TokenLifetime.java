package dev.bulwark.server.tokens;

import dev.bulwark.server.errors.DomainException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The longest lifetime of a token issued through the API or the console (token.maxDays): both bound
 * a requested expiry here, so that neither issues a token the other would refuse.
 */
public record TokenLifetime(Duration max, Clock clock) {
  /**
   * The requested expiry within the longest lifetime; no expiry asks for the longest, so that no
   * token issued by a person lives forever.
   */
  public Instant bounded(Instant requested) {
    Instant limit = clock.instant().plus(max);
    Instant latest = limit.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    if (requested == null) {
      return latest;
    }
    if (requested.isAfter(limit)) {
      throw new DomainException.Invalid(
          "expiresAt",
          "must be at most "
              + max.toDays()
              + " days from now (token.maxDays), no later than "
              + latest);
    }
    return requested;
  }
}
