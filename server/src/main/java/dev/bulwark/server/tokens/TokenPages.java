package dev.bulwark.server.tokens;

import dev.bulwark.server.auth.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The console's token administration (admins only): the list, a create form whose answer shows the
 * secret once, and revocation, through the same {@link TokenService} and lifetime bound as the API.
 */
public final class TokenPages {
  private final TokenService tokens;
  private final TokenLifetime lifetime;
  private final Clock clock;

  TokenPages(TokenService tokens, TokenLifetime lifetime, Clock clock) {
    this.tokens = tokens;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A token just created: the only time its secret is shown. */
  public record Created(String id, String name, String secret) {}

  /** The tokens page. */
  public record Model(List<ApiToken> tokens, List<String> roles, Created created, Instant now) {}

  Model model(Created created) {
    return new Model(
        tokens.list(),
        Arrays.stream(Role.values()).map(Role::name).toList(),
        created,
        clock.instant());
  }

  /** The teams field of the form: comma- or space-separated names. */
  static List<String> teams(String field) {
    if (field == null || field.isBlank()) {
      return List.of();
    }
    return Arrays.stream(field.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
  }
}
