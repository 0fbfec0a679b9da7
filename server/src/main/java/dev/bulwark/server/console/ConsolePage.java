package dev.bulwark.server.console;

import dev.bulwark.server.auth.Permission;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One page or form of the web console and the permission it needs. Features return these from
 * {@code Feature.pages()}, as they return API routes from {@code routes()}; the server registers no
 * other console handler, so no page can exist without a declared permission.
 *
 * <p>A {@link Method#GET} page renders; a {@link Method#POST} form changes something and is
 * CSRF-checked by the console before its handler runs. A page with {@link Permission#PUBLIC} is
 * served without a session (sign-in, static assets); every other one needs a signed-in caller whose
 * role has the permission: a browser without a session is sent to the sign-in page (GET) or refused
 * with 401 (POST), a caller without the permission gets the 403 page.
 *
 * @param nav the label of the page's entry in the console's navigation, shown to callers who have
 *     the permission; empty for pages reached from other pages
 * @param navOrder where the entry stands in the navigation, lowest first (ties: registration
 *     order); the first entry a caller may see is where {@code /} takes them. Dashboard 10, catalog
 *     20, service pages 30-60, ledger and evidence 70-80, tokens 90.
 */
public record ConsolePage(
    Method method,
    String path,
    Permission permission,
    Optional<String> nav,
    int navOrder,
    PageHandler handler) {
  private static final Pattern PATH =
      Pattern.compile("/([A-Za-z0-9._{}<>-]+(/[A-Za-z0-9._{}<>-]+)*)?");

  public ConsolePage {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(permission, "permission of page " + method + " " + path);
    Objects.requireNonNull(nav, "nav");
    Objects.requireNonNull(handler, "handler");
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("a console path is /segment/...: " + path);
    }
    if (path.equals("/api")
        || path.startsWith("/api/")
        || path.equals("/healthz")
        || path.equals("/metrics")) {
      throw new IllegalArgumentException("console pages stay outside the API's paths: " + path);
    }
  }

  public enum Method {
    GET,
    POST
  }

  /** A page the browser reads. */
  public static ConsolePage get(String path, Permission permission, PageHandler handler) {
    return new ConsolePage(Method.GET, path, permission, Optional.empty(), DEFAULT_ORDER, handler);
  }

  /**
   * A form the browser posts ({@code application/x-www-form-urlencoded}): the console checks its
   * CSRF token ({@code _csrf}) before the handler runs. Answer with {@link View#redirect} after a
   * change (post/redirect/get), or with the form's page again and its errors.
   */
  public static ConsolePage form(String path, Permission permission, PageHandler handler) {
    return new ConsolePage(Method.POST, path, permission, Optional.empty(), DEFAULT_ORDER, handler);
  }

  /** Where an entry stands in the navigation when its page does not say. */
  public static final int DEFAULT_ORDER = 100;

  /** The same page with an entry in the navigation, after those with an order. */
  public ConsolePage inNav(String label) {
    return inNav(label, DEFAULT_ORDER);
  }

  /** The same page with an entry in the navigation at {@code order} (lowest first). */
  public ConsolePage inNav(String label, int order) {
    if (method != Method.GET) {
      throw new IllegalArgumentException("only a GET page has a navigation entry: " + path);
    }
    return new ConsolePage(method, path, permission, Optional.of(label), order, handler);
  }
}
