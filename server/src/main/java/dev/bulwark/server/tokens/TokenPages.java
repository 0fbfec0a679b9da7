package dev.bulwark.server.tokens;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.PageCall;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Validation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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

  public TokenPages(TokenService tokens, TokenLifetime lifetime, Clock clock) {
    this.tokens = tokens;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A token just created: the only time its secret is shown. */
  public record Created(String id, String name, String secret) {}

  /** The tokens page. */
  public record Model(List<ApiToken> tokens, List<String> roles, Created created, Instant now) {}

  /** The token pages: admins only, as the token API. */
  public List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get(
                "/tokens",
                Permission.TOKEN_ADMIN,
                call -> View.page("tokens/tokens.jte", model(null)))
            .inNav("Tokens", 90),
        ConsolePage.form("/tokens", Permission.TOKEN_ADMIN, this::create),
        ConsolePage.form(
            "/tokens/{id}/revoke",
            Permission.TOKEN_ADMIN,
            call -> {
              ApiToken t = tokens.revoke(call.principal(), call.requestId(), call.pathParam("id"));
              return View.redirect("/tokens#token-" + t.id(), "Token " + t.name() + " revoked.");
            }));
  }

  /**
   * Issues a token from the form, validated as the API validates its body, and answers the page
   * with the secret: the only time it is shown (a redirect would have to keep it somewhere).
   */
  private View create(PageCall call) {
    String roleName = blankToNull(call.form("role"));
    Role role = null;
    if (roleName != null) {
      try {
        role = Role.valueOf(roleName);
      } catch (IllegalArgumentException e) {
        throw new DomainException.Invalid(
            "role", "must be one of " + String.join(", ", model(null).roles()));
      }
    }
    String expires = blankToNull(call.form("expires"));
    Instant expiresAt = null;
    if (expires != null) {
      try {
        expiresAt = LocalDate.parse(expires).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new DomainException.Invalid("expiresAt", "must be a date, such as 2026-12-31");
      }
    }
    var req =
        new TokenRoutes.CreateToken(
            blankToNull(call.form("name")),
            role,
            teams(call.form("teams")),
            expiresAt,
            blankToNull(call.form("subject")));
    Validation v = req.validate("");
    if (!v.ok()) {
      throw new DomainException.Invalid(
          v.errors().stream()
              .map(e -> new DomainException.FieldError(e.field(), e.message()))
              .toList());
    }
    TokenService.Issued issued =
        tokens.issue(
            call.principal(),
            call.requestId(),
            req.name(),
            req.subject(),
            req.role(),
            req.teams(),
            lifetime.bounded(req.expiresAt()));
    return View.page(
        "tokens/tokens.jte",
        model(new Created(issued.token().id(), issued.token().name(), issued.secret())));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

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
