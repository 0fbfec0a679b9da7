package dev.bulwark.server.console;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.errors.DomainException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * One request to a console page: the caller (with the same team scope as an API call: pass {@link
 * #principal()} to the feature's service), its query, path and form parameters, and the {@link
 * PageContext} its template gets.
 */
public final class PageCall {
  private final Context ctx;
  private final Optional<ConsoleSession> session;
  private final PageContext page;

  PageCall(Context ctx, Optional<ConsoleSession> session, PageContext page) {
    this.ctx = ctx;
    this.session = session;
    this.page = page;
  }

  /**
   * The signed-in caller. Every page with a permission has one; a {@code PUBLIC} page without a
   * session has none, and asking is a programming error.
   */
  public Principal principal() {
    return session
        .map(ConsoleSession::principal)
        .orElseThrow(() -> new IllegalStateException("no caller on a public page"));
  }

  public Optional<Principal> caller() {
    return session.map(ConsoleSession::principal);
  }

  public Optional<ConsoleSession> session() {
    return session;
  }

  public PageContext page() {
    return page;
  }

  public String requestId() {
    return page.requestId();
  }

  public String pathParam(String name) {
    return ctx.pathParam(name);
  }

  /** A query parameter, null when absent or blank. */
  public String query(String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** A whole-number query parameter in {@code [min, max]}, {@code fallback} when absent. */
  public int intQuery(String name, int fallback, int min, int max) {
    String v = query(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the same answer as out of range
    }
    throw new DomainException.Invalid(name, "must be a whole number from " + min + " to " + max);
  }

  /** A field of the posted form, null when absent. */
  public String form(String name) {
    return ctx.formParam(name);
  }

  /** Every value of a repeated form field (checkboxes, multiple selects). */
  public List<String> formValues(String name) {
    return ctx.formParams(name);
  }

  /** The Javalin context, for what the methods above do not cover. */
  public Context ctx() {
    return ctx;
  }

  /** A path of this server ("/x"), never a scheme or another host ("//evil"): safe to redirect. */
  public static boolean isLocalPath(String s) {
    return s != null
        && s.startsWith("/")
        && !s.startsWith("//")
        && !s.startsWith("/\\")
        && s.length() <= 2000
        && s.chars().noneMatch(c -> c < 0x21 || c == 0x7f || c == '\\');
  }
}
