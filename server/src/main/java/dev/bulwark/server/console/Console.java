package dev.bulwark.server.console;

import dev.bulwark.server.auth.Authenticator;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.errors.DomainException;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the pages every feature declares ({@code Feature.pages()}) on the server's Javalin: finds
 * the session, sends a browser without one to sign in, checks the page's permission and every
 * form's CSRF token, runs the page, renders its jte template (HTML-escaped), and sends the
 * console's security headers on every answer. Errors become HTML error pages with the request id,
 * never a stack trace.
 */
public final class Console {
  private static final Logger LOG = LoggerFactory.getLogger(Console.class);

  /** The hidden field every console form carries. */
  public static final String CSRF_FIELD = "_csrf";

  /**
   * No inline script or style anywhere: scripts and styles come from {@code /static/} only, which
   * takes the sting out of any markup that would slip through the escaping.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final String HTML = "text/html; charset=utf-8";

  /** The longest message a redirect carries to its next page. */
  public static final int FLASH_MAX = 300;

  private static final String REQUEST_ID = "bulwark.requestId";

  private final List<ConsolePage> pages;
  private final ConsoleSessions sessions;
  private final Cookies cookies;
  private final StaticAssets assets;
  private final boolean oidcSignIn;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

  public Console(
      List<ConsolePage> pages,
      ConsoleSessions sessions,
      Authenticator auth,
      boolean alwaysSecureCookies,
      boolean oidcSignIn) {
    // The navigation's order: by navOrder, then as registered (a stable sort).
    List<ConsolePage> sorted = new ArrayList<>(pages);
    sorted.sort(java.util.Comparator.comparingInt(ConsolePage::navOrder));
    this.pages = List.copyOf(sorted);
    this.sessions = sessions;
    this.cookies = new Cookies(auth, alwaysSecureCookies);
    this.assets = new StaticAssets();
    this.oidcSignIn = oidcSignIn;
    Set<String> seen = new HashSet<>();
    for (ConsolePage p : pages) {
      if (!seen.add(p.method() + " " + p.path())) {
        throw new IllegalStateException("two console pages at " + p.method() + " " + p.path());
      }
    }
  }

  /** Every page served, with its permission. */
  public List<ConsolePage> pages() {
    return pages;
  }

  /** Registers every page on Javalin (called by the HTTP edge while it configures Javalin). */
  public void install(JavalinConfig config) {
    for (ConsolePage page : pages) {
      HandlerType type = HandlerType.findOrCreate(page.method().name());
      config.routes.addHttpHandler(type, page.path(), ctx -> serve(ctx, page));
      if (page.method() == ConsolePage.Method.GET) {
        // As for API routes: Javalin would answer HEAD itself, without the session check.
        config.routes.addHttpHandler(HandlerType.HEAD, page.path(), ctx -> serve(ctx, page));
      }
    }
  }

  private void serve(Context ctx, ConsolePage page) {
    headers(ctx);
    if (page.path().equals(ConsoleFeature.STATIC)) {
      // Static files are the same for everyone: no session is looked up (no database read).
      serveStatic(ctx, page);
      return;
    }
    String cookie = ctx.cookie(Cookies.SESSION);
    Optional<ConsoleSession> session = Optional.empty();
    PageContext pc = null;
    try {
      session = sessions.find(cookie);
      if (cookie != null && session.isEmpty()) {
        // Forged, signed out or expired: the browser forgets it, the next page asks to sign in.
        cookies.clear(ctx, Cookies.SESSION);
      }
      boolean post = page.method() == ConsolePage.Method.POST;
      if (page.permission() != Permission.PUBLIC) {
        if (session.isEmpty()) {
          if (!post) {
            ctx.status(303).header("Location", "/sign-in?next=" + encode(requestedPath(ctx)));
          } else {
            error(
                ctx,
                context(ctx, page, session),
                401,
                "Not signed in",
                "Your session has ended or this browser is not signed in. Sign in and try again.");
          }
          return;
        }
        Principal p = session.get().principal();
        if (!p.role().may(page.permission())) {
          error(
              ctx,
              context(ctx, page, session),
              403,
              "Not allowed",
              "Your role ("
                  + p.role()
                  + ") does not have the permission "
                  + page.permission()
                  + " this page needs.");
          return;
        }
      }
      pc = context(ctx, page, session);
      if (post) {
        Optional<String> refusal = refuseForm(ctx, pc);
        if (refusal.isPresent()) {
          error(
              ctx,
              pc,
              refusal.get().startsWith("415") ? 415 : 403,
              refusal.get().startsWith("415") ? "Unsupported form" : "Form refused",
              refusal.get().substring(4));
          return;
        }
      }
      View view = page.handler().handle(new PageCall(ctx, session, pc));
      answer(ctx, pc, view);
    } catch (DomainException e) {
      PageContext c = pc != null ? pc : context(ctx, page, session);
      switch (e) {
        case DomainException.NotFound n -> error(ctx, c, 404, "Not found", n.detail());
        case DomainException.Forbidden f -> error(ctx, c, 403, "Not allowed", f.detail());
        case DomainException.Conflict f -> error(ctx, c, 409, "Conflict", f.detail());
        case DomainException.Invalid i -> error(ctx, c, 422, "Invalid input", invalid(i));
        case DomainException.Malformed m -> error(ctx, c, 400, "Bad request", m.detail());
        case DomainException.Unavailable u -> error(ctx, c, 503, "Unavailable", u.detail());
      }
    } catch (Authenticator.TooManyFailures e) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      error(
          ctx,
          pc != null ? pc : context(ctx, page, session),
          429,
          "Too many attempts",
          e.getMessage());
    } catch (Exception e) {
      LOG.error("console {} {} failed (request {})", ctx.method(), ctx.path(), requestId(ctx), e);
      PageContext c = pc;
      if (c == null) {
        c =
            new PageContext(
                Optional.empty(),
                "",
                List.of(),
                ctx.path(),
                requestId(ctx),
                assets,
                oidcSignIn,
                null);
      }
      error(
          ctx,
          c,
          500,
          "Server error",
          "The server failed to show this page. Quote the request id when you report it.");
    }
  }

  /**
   * Whether a path nothing serves gets the console's HTML 404 page rather than the API's problem
   * details: every path outside {@code /api/} (clients of the API read JSON) and {@code /static/}
   * (a missing asset is answered without a session lookup).
   */
  public static boolean ownsUnknownPath(String path) {
    return !path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/static/");
  }

  /**
   * The console's 404 page for a path no page or route serves, with the navigation of the browser's
   * session when it has one (a browser that followed a stale link can go on from here).
   */
  public void notFound(Context ctx) {
    headers(ctx);
    Optional<ConsoleSession> session = Optional.empty();
    try {
      session = sessions.find(ctx.cookie(Cookies.SESSION));
    } catch (RuntimeException e) {
      // The page says "not found" either way; without the session it shows no navigation.
      LOG.warn("console 404 {}: the session could not be read", ctx.path(), e);
    }
    error(
        ctx,
        context(ctx, "", session),
        404,
        "Not found",
        "There is no page at this address. It may have been moved, or the link is wrong.");
  }

  private void serveStatic(Context ctx, ConsolePage page) {
    PageContext anonymous =
        new PageContext(
            Optional.empty(), "", List.of(), ctx.path(), requestId(ctx), assets, oidcSignIn, null);
    try {
      answer(ctx, anonymous, page.handler().handle(new PageCall(ctx, Optional.empty(), anonymous)));
    } catch (DomainException.NotFound e) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result(e.detail());
    } catch (Exception e) {
      LOG.error("console static {} failed", ctx.path(), e);
      ctx.status(500).contentType("text/plain; charset=utf-8").result("server error");
    }
  }

  /** Why a posted form is refused ("403 ..." or "415 ..."), empty when it may go on. */
  private Optional<String> refuseForm(Context ctx, PageContext pc) {
    String type = ctx.contentType();
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("application/x-www-form-urlencoded")
        && !media.equals("multipart/form-data")) {
      return Optional.of("415 A console form is sent as application/x-www-form-urlencoded.");
    }
    // A cross-site form would be stopped by SameSite=Strict and the token anyway; an Origin that
    // is not this server's is refused before the token is even read.
    // Browsers send "Origin: null" for our forms (Referrer-Policy: no-referrer), so the origin
    // speaks only when it names a site; Sec-Fetch-Site says it either way where it is sent.
    String origin = ctx.header("Origin");
    String fetchSite = ctx.header("Sec-Fetch-Site");
    if ((origin != null && !origin.equals("null") && !sameOrigin(origin, ctx.host()))
        || (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none"))) {
      return Optional.of(
          "403 The form was sent from another site ("
              + (origin != null ? origin : "Sec-Fetch-Site: " + fetchSite)
              + ").");
    }
    String given = ctx.formParam(CSRF_FIELD);
    if (given == null || given.isEmpty()) {
      return Optional.of("403 The form has no CSRF token. Reload the page and send it again.");
    }
    if (pc.csrf().isEmpty()
        || !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), pc.csrf().getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(
          "403 The form's CSRF token is wrong or from another session. Reload the page and send"
              + " it again.");
    }
    return Optional.empty();
  }

  private static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }

  private PageContext context(Context ctx, ConsolePage page, Optional<ConsoleSession> session) {
    return context(ctx, page.path(), session);
  }

  private PageContext context(Context ctx, String current, Optional<ConsoleSession> session) {
    Optional<Principal> caller = session.map(ConsoleSession::principal);
    String csrf;
    if (session.isPresent()) {
      csrf = session.get().csrfToken();
    } else {
      // Before sign-in, forms are bound to this browser by a cookie of its own (double submit).
      csrf = ctx.cookie(Cookies.BROWSER);
      if (!ConsoleSessions.wellFormedSecret(csrf)) {
        csrf = sessions.randomSecret();
        cookies.set(ctx, Cookies.BROWSER, csrf);
      }
    }
    List<NavItem> nav = new ArrayList<>();
    if (caller.isPresent()) {
      for (ConsolePage p : pages) {
        if (p.nav().isPresent() && caller.get().role().may(p.permission())) {
          nav.add(new NavItem(p.nav().get(), p.path(), p.path().equals(current)));
        }
      }
    }
    return new PageContext(
        caller, csrf, nav, ctx.path(), requestId(ctx), assets, oidcSignIn, flash(ctx));
  }

  /** The message a redirect left for this page, read once (the cookie is cleared). */
  private String flash(Context ctx) {
    String v = ctx.cookie(Cookies.FLASH);
    if (v == null) {
      return null;
    }
    cookies.clear(ctx, Cookies.FLASH);
    try {
      String text = new String(java.util.Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
      return text.isBlank() || text.length() > FLASH_MAX ? null : text;
    } catch (IllegalArgumentException e) {
      return null; // not ours: ignored
    }
  }

  /** The first page of the navigation this caller may see, where {@code /} takes them. */
  Optional<String> home(Principal caller) {
    return pages.stream()
        .filter(p -> p.nav().isPresent() && caller.role().may(p.permission()))
        .map(ConsolePage::path)
        .findFirst();
  }

  Cookies cookies() {
    return cookies;
  }

  StaticAssets assets() {
    return assets;
  }

  private void answer(Context ctx, PageContext pc, View view) {
    switch (view) {
      case View.Template t -> {
        StringOutput out = new StringOutput();
        templates.render(t.name(), Map.of("page", pc, "model", t.model()), out);
        ctx.status(t.status()).contentType(HTML).result(out.toString());
      }
      case View.Redirect r -> {
        if (r.flash() != null) {
          cookies.set(
              ctx,
              Cookies.FLASH,
              java.util.Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(r.flash().getBytes(StandardCharsets.UTF_8)));
        }
        ctx.status(303).header("Location", r.location());
      }
      case View.Download d -> {
        ctx.header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
        ctx.status(200).contentType(d.contentType()).result(d.body());
      }
      case IssuerRedirect r -> ctx.status(303).header("Location", r.location().toString());
      case Continue c -> {
        // A page of this origin that moves on by itself: the browser arrives here from the
        // issuer (another site), and a redirect chain that began there would not carry the
        // SameSite=Strict session cookie to the next page.
        StringOutput out = new StringOutput();
        templates.render("console/continue.jte", Map.of("page", pc, "model", c), out);
        ctx.status(200).contentType(HTML).result(out.toString());
      }
      case View.Raw r -> {
        ctx.header("Cache-Control", r.cacheControl());
        ctx.status(200).contentType(r.contentType()).result(r.body());
      }
    }
  }

  /** The error page (its template, or plain text should that fail too). */
  void error(Context ctx, PageContext pc, int status, String title, String detail) {
    try {
      StringOutput out = new StringOutput();
      templates.render(
          "console/error.jte",
          Map.of("page", pc, "model", new ErrorPage(status, title, detail, pc.requestId())),
          out);
      ctx.status(status).contentType(HTML).result(out.toString());
    } catch (RuntimeException e) {
      LOG.error("rendering the console's error page failed", e);
      ctx.status(status)
          .contentType("text/plain; charset=utf-8")
          .result(title + ": " + detail + " (request " + pc.requestId() + ")");
    }
  }

  /** The model of {@code console/error.jte}. */
  public record ErrorPage(int status, String title, String detail, String requestId) {}

  private static String invalid(DomainException.Invalid e) {
    List<String> parts = new ArrayList<>();
    for (DomainException.FieldError f : e.errors()) {
      parts.add(f.field() + ": " + f.message());
    }
    return parts.isEmpty() ? e.detail() : String.join("; ", parts);
  }

  private static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
  }

  private static String requestedPath(Context ctx) {
    String q = ctx.queryString();
    return ctx.path() + (q == null || q.isEmpty() ? "" : "?" + q);
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String requestId(Context ctx) {
    String rid = ctx.attribute(REQUEST_ID);
    if (rid == null) {
      rid = UUID.randomUUID().toString();
      ctx.attribute(REQUEST_ID, rid);
    }
    return rid;
  }
}
