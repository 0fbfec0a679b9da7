package dev.bulwark.server.tokens;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The tokens page for admins: every API token (never a secret) and a form to revoke one. */
public final class TokenPages {
  private TokenPages() {}

  /** The model of {@code tokens/list.jte}. */
  public record Tokens(List<Row> tokens, Instant now) {
    public Tokens {
      tokens = List.copyOf(tokens);
    }
  }

  /** One token as the page shows it, with whether it can still be used. */
  public record Row(ApiToken token, boolean usable) {}

  public static List<ConsolePage> pages(TokenService tokens, Clock clock) {
    return List.of(
        ConsolePage.get(
                "/tokens",
                Permission.TOKEN_ADMIN,
                call -> {
                  Instant now = clock.instant();
                  List<Row> rows =
                      tokens.list().stream().map(t -> new Row(t, t.usableAt(now))).toList();
                  return View.page("tokens/list.jte", new Tokens(rows, now));
                })
            .inNav("Tokens", 90),
        ConsolePage.form(
            "/tokens/{id}/revoke",
            Permission.TOKEN_ADMIN,
            call -> {
              tokens.revoke(call.principal(), call.requestId(), call.pathParam("id"));
              return View.redirect("/tokens");
            }));
  }
}
