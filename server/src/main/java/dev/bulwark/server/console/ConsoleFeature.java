package dev.bulwark.server.console;

import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Unauthorized;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The console's own pages: the start page, sign-in with an API token (and with OIDC when an issuer
 * is configured), sign-out, and the static assets. It is not a {@code Feature} itself (the feature
 * package depends on this one); the server registers it as the feature named {@code console}.
 */
public final class ConsoleFeature {
  private final ConsoleSessions sessions;
  private final Authenticator auth;
  private final Supplier<Console> console;
  private final Optional<OidcSignIn> oidc;

  /**
   * @param console the console serving these pages, known once every feature's pages are
   */
  public ConsoleFeature(
      ConsoleSessions sessions,
      Authenticator auth,
      Supplier<Console> console,
      Optional<OidcSignIn> oidc) {
    this.sessions = sessions;
    this.auth = auth;
    this.console = console;
    this.oidc = oidc;
  }

  /** The model of {@code console/sign-in.jte}. */
  public record SignIn(String next, String error) {}

  /** The model of {@code console/home.jte}: shown when no page of the navigation is allowed. */
  public record Home() {}

  public List<ConsolePage> pages() {
    List<ConsolePage> pages = new ArrayList<>();
    pages.add(ConsolePage.get("/", Permission.PUBLIC, this::start));
    pages.add(ConsolePage.get("/sign-in", Permission.PUBLIC, this::signInPage));
    pages.add(ConsolePage.form("/sign-in", Permission.PUBLIC, this::signIn));
    pages.add(ConsolePage.form("/sign-out", Permission.PUBLIC, this::signOut));
    pages.add(ConsolePage.get("/static/{file}", Permission.PUBLIC, this::asset));
    oidc.ifPresent(o -> pages.addAll(o.pages()));
    return pages;
  }

  /** {@code /}: the first page the caller may see, or the sign-in form. */
  private View start(PageCall call) {
    Optional<Principal> caller = call.caller();
    if (caller.isEmpty()) {
      return View.page("console/sign-in.jte", new SignIn("/", ""));
    }
    return console
        .get()
        .home(caller.get())
        .map(View::redirect)
        .orElseGet(() -> View.page("console/home.jte", new Home()));
  }

  private View signInPage(PageCall call) {
    String next = next(call.query("next"));
    if (call.caller().isPresent()) {
      return View.redirect(next);
    }
    return View.page("console/sign-in.jte", new SignIn(next, ""));
  }

  private View signIn(PageCall call) {
    String next = next(call.form("next"));
    Principal p;
    try {
      p =
          auth.signIn(
              call.form("token"),
              auth.clientAddress(
                  call.ctx().req().getRemoteAddr(),
                  call.ctx().req().getHeaders("X-Forwarded-For")));
    } catch (Unauthorized e) {
      return View.page(
          "console/sign-in.jte",
          new SignIn(next, "The token was not accepted: " + e.getMessage() + "."),
          401);
    }
    // A session that was there (another identity's) ends: one browser, one identity.
    sessions.delete(call.ctx().cookie(Cookies.SESSION));
    String tokenId = p.actor().substring("token:".length());
    ConsoleSessions.Created created =
        sessions.create(p, ConsoleSession.Kind.token, Optional.of(tokenId));
    console.get().cookies().set(call.ctx(), Cookies.SESSION, created.cookieValue());
    return View.redirect(next);
  }

  private View signOut(PageCall call) {
    sessions.delete(call.ctx().cookie(Cookies.SESSION));
    console.get().cookies().clear(call.ctx(), Cookies.SESSION);
    return View.redirect("/sign-in");
  }

  private View asset(PageCall call) {
    return console
        .get()
        .assets()
        .find(call.pathParam("file"))
        .<View>map(a -> new View.Raw(a.contentType(), a.body(), StaticAssets.CACHE_FOREVER))
        .orElseThrow(
            () ->
                new dev.bulwark.server.errors.DomainException.NotFound(
                    "no static file " + call.pathParam("file")));
  }

  /** Where to go after sign-in: a path of this server, never elsewhere. */
  static String next(String given) {
    return given != null
            && PageCall.isLocalPath(given)
            && !given.startsWith("/sign-in")
            && !given.startsWith("/sign-out")
        ? given
        : "/";
  }
}
