package dev.bulwark.server.console;

import dev.bulwark.server.auth.Authenticator;
import io.javalin.http.Context;

/**
 * The console's two cookies, both {@code HttpOnly; SameSite=Strict; Path=/}, and {@code Secure}
 * when the request came over TLS (directly, or through a trusted proxy that says so) or {@code
 * console.secureCookies} is set: the session cookie, and the browser cookie that binds the forms
 * shown before sign-in (and an OIDC sign-in under way) to the browser that got them. Neither has a
 * lifetime of its own: the server decides when a session ends.
 */
final class Cookies {
  static final String SESSION = "bulwark_session";
  static final String BROWSER = "bulwark_browser";

  private final Authenticator auth;
  private final boolean alwaysSecure;

  Cookies(Authenticator auth, boolean alwaysSecure) {
    this.auth = auth;
    this.alwaysSecure = alwaysSecure;
  }

  boolean secure(Context ctx) {
    if (alwaysSecure || ctx.req().isSecure()) {
      return true;
    }
    return auth.trustedProxy(ctx.req().getRemoteAddr())
        && "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  void set(Context ctx, String name, String value) {
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "="
                + value
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure(ctx) ? "; Secure" : ""));
  }

  void clear(Context ctx, String name) {
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secure(ctx) ? "; Secure" : ""));
  }
}
