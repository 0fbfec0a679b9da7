package dev.bulwark.server.console;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import java.util.List;
import java.util.Optional;

/**
 * What every template gets as {@code page}, besides its own model: the caller, the CSRF token its
 * forms carry ({@code <input type="hidden" name="_csrf" value="${page.csrf()}">}, or {@code
 * @template.layout.csrf(page = page)}), the navigation the caller may see, the addresses of static
 * assets, and the request id an error page quotes.
 */
public final class PageContext {
  private final Optional<Principal> caller;
  private final String csrf;
  private final List<NavItem> nav;
  private final String path;
  private final String requestId;
  private final StaticAssets assets;
  private final boolean oidcSignIn;

  PageContext(
      Optional<Principal> caller,
      String csrf,
      List<NavItem> nav,
      String path,
      String requestId,
      StaticAssets assets,
      boolean oidcSignIn) {
    this.caller = caller;
    this.csrf = csrf;
    this.nav = List.copyOf(nav);
    this.path = path;
    this.requestId = requestId;
    this.assets = assets;
    this.oidcSignIn = oidcSignIn;
  }

  public boolean signedIn() {
    return caller.isPresent();
  }

  /** The signed-in caller; pages with a permission always have one. */
  public Optional<Principal> caller() {
    return caller;
  }

  /** The person signed in, for the header ("signed in as ..."); empty when nobody is. */
  public String subject() {
    return caller.map(Principal::subject).orElse("");
  }

  public String role() {
    return caller.map(p -> p.role().name()).orElse("");
  }

  /** The caller's teams as a line of text ("all teams" for admins and unscoped security). */
  public String teams() {
    return caller.map(p -> p.allTeams() ? "all teams" : String.join(", ", p.teams())).orElse("");
  }

  /** True when the caller's role has the permission (to show or hide an action). */
  public boolean may(Permission p) {
    return caller.map(c -> c.role().may(p)).orElse(p == Permission.PUBLIC);
  }

  /** The token every form of this page carries in its hidden {@code _csrf} field. */
  public String csrf() {
    return csrf;
  }

  public List<NavItem> nav() {
    return nav;
  }

  /** The request's path, without its query. */
  public String path() {
    return path;
  }

  public String requestId() {
    return requestId;
  }

  /**
   * The address of a static asset of {@code server/src/main/resources/console/static/}, with its
   * content hash as version, so that browsers may keep it for a year and still see a new one.
   */
  public String asset(String name) {
    return assets.url(name);
  }

  /** True when an OIDC issuer is configured for the console, so sign-in offers it. */
  public boolean oidcSignIn() {
    return oidcSignIn;
  }
}
