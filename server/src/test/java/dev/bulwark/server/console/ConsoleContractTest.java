package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.testing.ConsoleHttp;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console over real HTTP on both databases: sign-in with a token, the session cookie and its
 * expiry on the fake clock, sign-out, CSRF, the team scope of the catalog page, the security
 * headers, and hostile input (forged and replayed cookies, markup in stored fields).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleContractTest {
  abstract TestDatabases.Kind kind();

  TestServer ts;
  ConsoleHttp web;
  String alphaDev;
  String betaDev;

  @BeforeAll
  void start() throws IOException {
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-console"),
            c ->
                c.withLimits(64 * 1024, 1000)
                    .withConsole(
                        new ServerConfig.ConsoleSettings(
                            Duration.ofMinutes(30),
                            Duration.ofHours(12),
                            false,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty())),
            List.of(c -> probes()));
    web = new ConsoleHttp(ts.server.port());
    for (String[] s :
        List.of(
            new String[] {"alpha-web", "alpha"},
            new String[] {"alpha-api", "alpha"},
            new String[] {"beta-db", "beta"})) {
      var r =
          ts.http.post(
              "/api/v1/services",
              TestServer.ADMIN,
              Map.of("name", s[0], "team", s[1], "area", "backend", "criticality", "high"));
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
    alphaDev = ts.token("developer", "alpha");
    betaDev = ts.token("developer", "beta");
  }

  final java.util.concurrent.atomic.AtomicInteger echoes =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Test-only pages with permissions no developer has, a form, and failing handlers. */
  Feature probes() {
    return Feature.of(
        "probe",
        List.of(),
        List.of(),
        Optional.empty(),
        List.of(
            ConsolePage.get(
                "/probe/admin",
                Permission.TOKEN_ADMIN,
                call -> View.download("probe.txt", "text/plain", "admin only")),
            ConsolePage.form(
                "/probe/echo",
                Permission.SERVICE_WRITE,
                call -> {
                  echoes.incrementAndGet();
                  return View.redirect("/catalog", "Echoed <b>" + call.form("word") + "</b>");
                }),
            ConsolePage.get(
                "/probe/boom",
                Permission.SERVICE_READ,
                call -> {
                  throw new IllegalStateException("internal detail 1234");
                }),
            ConsolePage.get(
                "/probe/invalid",
                Permission.SERVICE_READ,
                call -> {
                  throw new DomainException.Invalid("reason", "must not be <b>bold</b>");
                })));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  @Test
  void theStartPageIsTheSignInFormWhenNotSignedIn() {
    ConsoleHttp.Page p = web.get("/", (String) null);
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.header("Content-Type")).startsWith("text/html");
    assertThat(p.body()).contains("name=\"token\"").contains("action=\"/sign-in\"");
    assertThat(p.setCookie("bulwark_browser").orElseThrow())
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/");
  }

  @Test
  void everyPageSendsTheSecurityHeaders() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    for (ConsoleHttp.Page p :
        List.of(
            web.get("/", (String) null), web.get("/catalog", s), web.get("/static/nope.css", s))) {
      assertThat(p.header("Content-Security-Policy"))
          .isEqualTo(
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                  + " connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
                  + " base-uri 'none'");
      assertThat(p.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(p.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(p.header("Cache-Control")).isEqualTo("no-store");
    }
  }

  @Test
  void pagesHaveNoInlineScriptOrStyle() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    for (String body : List.of(web.get("/", (String) null).body(), web.get("/catalog", s).body())) {
      assertThat(body).doesNotContainPattern("<script(?![^>]*\\bsrc=)");
      assertThat(body).doesNotContain("<style").doesNotContainPattern("\\sstyle=");
      assertThat(body).doesNotContainPattern("\\son[a-z]+=");
    }
  }

  @Test
  void staticAssetsComeFromTheJarWithLongCacheHeaders() {
    ConsoleHttp.Page page = web.get("/", (String) null);
    var m =
        java.util.regex.Pattern.compile("href=\"(/static/console\\.css\\?v=[0-9a-f]+)\"")
            .matcher(page.body());
    assertThat(m.find()).as(page.body()).isTrue();
    ConsoleHttp.Page css = web.get(m.group(1), (String) null);
    assertThat(css.status()).isEqualTo(200);
    assertThat(css.header("Content-Type")).startsWith("text/css");
    assertThat(css.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(web.get("/static/..%2Fbulwark.db", (String) null).status()).isEqualTo(404);
    assertThat(web.get("/static/missing.js", (String) null).status()).isEqualTo(404);
  }

  @Test
  void signInSetsAStrictHttpOnlySessionCookieAndStoresOnlyItsHash() {
    ConsoleHttp.Page form = web.get("/sign-in", (String) null);
    String browser = form.cookie("bulwark_browser").orElseThrow();
    ConsoleHttp.Page r =
        web.post(
            "/sign-in",
            "bulwark_browser=" + browser,
            Map.of("_csrf", form.csrf(), "token", alphaDev, "next", "/catalog"));
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/catalog");
    String line = r.setCookie("bulwark_session").orElseThrow();
    assertThat(line).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(line).doesNotContain("Secure");
    String cookie = r.cookie("bulwark_session").orElseThrow();
    List<String> stored =
        ts.server
            .database()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT id_hash FROM console_sessions")
                        .mapTo(String.class)
                        .list());
    assertThat(stored).doesNotContain(cookie).contains(Sha256.hex(cookie));
  }

  @Test
  void aWrongTokenIsRefusedWithAMessageAndNoSession() {
    ConsoleHttp.Page form = web.get("/sign-in", (String) null);
    String browser = form.cookie("bulwark_browser").orElseThrow();
    for (String bad :
        List.of("bwk_not-a-token", "eyJhbGciOiJub25lIn0.e30.", "", "x".repeat(9000))) {
      ConsoleHttp.Page r =
          web.post(
              "/sign-in",
              "bulwark_browser=" + browser,
              Map.of("_csrf", form.csrf(), "token", bad, "next", "/"));
      assertThat(r.status()).as(bad).isEqualTo(401);
      assertThat(r.body()).contains("The token was not accepted");
      assertThat(r.cookie("bulwark_session")).isEmpty();
    }
  }

  @Test
  void theSignInFormNeedsItsBrowserToken() {
    ConsoleHttp.Page form = web.get("/sign-in", (String) null);
    ConsoleHttp.Page noCookie =
        web.post("/sign-in", (String) null, Map.of("_csrf", form.csrf(), "token", alphaDev));
    assertThat(noCookie.status()).isEqualTo(403);
    assertThat(noCookie.cookie("bulwark_session")).isEmpty();
    ConsoleHttp.Page crossSite =
        web.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://evil.example")
                .header("Cookie", "bulwark_browser=" + form.cookie("bulwark_browser").orElseThrow())
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        ConsoleHttp.encode(Map.of("_csrf", form.csrf(), "token", alphaDev)))));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(crossSite.body()).contains("another site");
  }

  @Test
  void nextNeverLeavesTheServer() {
    assertThat(ConsoleFeature.next("//evil.example/x")).isEqualTo("/");
    assertThat(ConsoleFeature.next("https://evil.example")).isEqualTo("/");
    assertThat(ConsoleFeature.next("/\\evil.example")).isEqualTo("/");
    assertThat(ConsoleFeature.next("/catalog?team=alpha")).isEqualTo("/catalog?team=alpha");
  }

  @Test
  void anonymousBrowsersAreSentToSignInAndAnonymousFormsRefused() {
    ConsoleHttp.Page r = web.get("/catalog?team=alpha", (String) null);
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/sign-in?next=%2Fcatalog%3Fteam%3Dalpha");
    // A public form without the browser's token is refused before anything happens.
    ConsoleHttp.Page post = web.post("/sign-out", (String) null, Map.of());
    assertThat(post.status()).isEqualTo(403);
  }

  @Test
  void theCatalogShowsOnlyTheCallersTeams() {
    ConsoleHttp.Session alpha = web.signIn(alphaDev);
    String page = web.get("/catalog", alpha).body();
    assertThat(page).contains("alpha-web").contains("alpha-api").doesNotContain("beta-db");
    ConsoleHttp.Session beta = web.signIn(betaDev);
    String other = web.get("/catalog?team=alpha", beta).body();
    assertThat(other).doesNotContain("alpha-web").doesNotContain("alpha-api");
    ConsoleHttp.Session admin = web.signIn(TestServer.ADMIN);
    assertThat(web.get("/catalog", admin).body()).contains("alpha-web").contains("beta-db");
  }

  @Test
  void signOutEndsTheSessionAndTheOldCookieIsRefused() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    assertThat(web.get("/catalog", s).status()).isEqualTo(200);
    ConsoleHttp.Page out = web.post("/sign-out", s, Map.of());
    assertThat(out.status()).isEqualTo(303);
    assertThat(out.setCookie("bulwark_session").orElseThrow()).contains("Max-Age=0");
    // Replayed after sign-out: the server no longer knows it.
    ConsoleHttp.Page replay = web.get("/catalog", s);
    assertThat(replay.status()).isEqualTo(303);
    assertThat(replay.header("Location")).startsWith("/sign-in");
    assertThat(replay.setCookie("bulwark_session").orElseThrow()).contains("Max-Age=0");
    assertThat(web.post("/catalog", s, Map.of()).status()).isIn(404, 405);
  }

  /**
   * Session ids are case-sensitive. Jetty's per-connection header cache matches header lines
   * without regard to case by default, so on a kept-alive connection a cookie that differed from
   * the previous request's only in case was read as that previous cookie.
   */
  @Test
  void aCookieThatDiffersOnlyInCaseIsAnotherCookieOnTheSameConnection() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    StringBuilder swapped = new StringBuilder();
    for (char c : s.cookie().toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(web.get("/catalog", s).status()).isEqualTo(200);
      ConsoleHttp.Page r = web.get("/catalog", "bulwark_session=" + swapped);
      assertThat(r.status()).as(swapped.toString()).isEqualTo(303);
    }
  }

  @Test
  void forgedCookiesAreRefused() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    String flipped = (s.cookie().charAt(0) == 'A' ? "B" : "A") + s.cookie().substring(1);
    for (String forged :
        List.of(
            flipped,
            Sha256.hex(s.cookie()),
            "x",
            "",
            "' OR 1=1 --",
            "A".repeat(43),
            "%00" + s.cookie())) {
      ConsoleHttp.Page r = web.get("/catalog", "bulwark_session=" + forged);
      assertThat(r.status()).as(forged).isEqualTo(303);
      assertThat(r.header("Location")).startsWith("/sign-in");
    }
  }

  @Test
  void formsWithoutTheRightCsrfTokenAreRefusedAndChangeNothing() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    ConsoleHttp.Session other = web.signIn(alphaDev);
    int before = echoes.get();
    ConsoleHttp.Page none = web.post("/probe/echo", s.cookieHeader(), Map.of());
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body()).contains("no CSRF token");
    ConsoleHttp.Page wrong = web.post("/probe/echo", s.cookieHeader(), Map.of("_csrf", "x"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.body()).contains("wrong or from another session");
    ConsoleHttp.Page another =
        web.post("/probe/echo", s.cookieHeader(), Map.of("_csrf", other.csrf()));
    assertThat(another.status()).isEqualTo(403);
    ConsoleHttp.Page notAForm =
        web.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + "/probe/echo"))
                .header("Content-Type", "application/json")
                .header("Cookie", s.cookieHeader())
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"_csrf\":\"" + s.csrf() + "\"}")));
    assertThat(notAForm.status()).isEqualTo(415);
    ConsoleHttp.Page crossSite =
        web.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + "/probe/echo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", s.cookieHeader())
                .header("Sec-Fetch-Site", "cross-site")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        ConsoleHttp.encode(Map.of("_csrf", s.csrf())))));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(echoes.get()).isEqualTo(before);
    // The same form with its token goes through; the session of the refusals is intact.
    ConsoleHttp.Page ok = web.post("/probe/echo", s, Map.of("word", "<i>hi</i>"));
    assertThat(ok.status()).isEqualTo(303);
    assertThat(echoes.get()).isEqualTo(before + 1);
    // Its message is shown once by the next page, escaped.
    String flash = ok.cookie("bulwark_flash").orElseThrow();
    ConsoleHttp.Page next = web.get("/catalog", s.cookieHeader() + "; bulwark_flash=" + flash);
    assertThat(next.body()).contains("Echoed &lt;b&gt;&lt;i&gt;hi&lt;/i&gt;&lt;/b&gt;");
    assertThat(next.setCookie("bulwark_flash").orElseThrow()).contains("Max-Age=0");
    assertThat(web.get("/catalog", s.cookieHeader() + "; bulwark_flash=%%%").status())
        .isEqualTo(200);
    // And the Origin: null that browsers send with Referrer-Policy: no-referrer is accepted.
    ConsoleHttp.Page nullOrigin =
        web.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + "/probe/echo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", s.cookieHeader())
                .header("Origin", "null")
                .header("Sec-Fetch-Site", "same-origin")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        ConsoleHttp.encode(Map.of("_csrf", s.csrf(), "word", "x")))));
    assertThat(nullOrigin.status()).isEqualTo(303);
  }

  @Test
  void aFormWithoutASessionIsRefusedWith401AndAPageWithoutThePermissionWith403() {
    int before = echoes.get();
    ConsoleHttp.Page anonymous = web.post("/probe/echo", (String) null, Map.of("_csrf", "x"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("Content-Type")).startsWith("text/html");
    ConsoleHttp.Session auditor = web.signIn(ts.token("auditor", "alpha"));
    ConsoleHttp.Page form = web.post("/probe/echo", auditor, Map.of());
    assertThat(form.status()).isEqualTo(403);
    assertThat(form.body()).contains("SERVICE_WRITE");
    assertThat(echoes.get()).isEqualTo(before);
    ConsoleHttp.Session dev = web.signIn(alphaDev);
    ConsoleHttp.Page page = web.get("/probe/admin", dev);
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.body()).contains("TOKEN_ADMIN").doesNotContain("admin only");
    ConsoleHttp.Session admin = web.signIn(TestServer.ADMIN);
    assertThat(web.get("/probe/admin", admin).body()).isEqualTo("admin only");
  }

  @Test
  void failuresArePagesWithTheRequestIdAndNeverTheirInternals() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    ConsoleHttp.Page boom = web.get("/probe/boom", s);
    assertThat(boom.status()).isEqualTo(500);
    assertThat(boom.header("Content-Type")).startsWith("text/html");
    assertThat(boom.body())
        .contains("Request id")
        .doesNotContain("internal detail")
        .doesNotContain("IllegalStateException")
        .doesNotContain("at dev.bulwark");
    ConsoleHttp.Page invalid = web.get("/probe/invalid", s);
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.body()).contains("reason: must not be &lt;b&gt;bold&lt;/b&gt;");
  }

  @Test
  void anIdleSessionExpiresOnTheServersClock() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    ts.clock.advance(Duration.ofMinutes(29));
    assertThat(web.get("/catalog", s).status()).isEqualTo(200);
    ts.clock.advance(Duration.ofMinutes(29));
    assertThat(web.get("/catalog", s).status()).isEqualTo(200);
    ts.clock.advance(Duration.ofMinutes(31));
    ConsoleHttp.Page r = web.get("/catalog", s);
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).startsWith("/sign-in");
  }

  @Test
  void aSessionEndsAtItsAbsoluteExpiryHoweverBusy() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    for (int i = 0; i < 24; i++) {
      ts.clock.advance(Duration.ofMinutes(29));
      assertThat(web.get("/catalog", s).status()).as("after %d", i).isEqualTo(200);
    }
    ts.clock.advance(Duration.ofMinutes(29)); // 25 * 29 min > 12 h
    assertThat(web.get("/catalog", s).status()).isEqualTo(303);
  }

  @Test
  void revokingTheTokenEndsItsSessions() {
    var issued =
        ts.http.post(
            "/api/v1/tokens",
            TestServer.ADMIN,
            Map.of(
                "name",
                "short",
                "role",
                "developer",
                "teams",
                List.of("alpha"),
                "subject",
                "carol"));
    String secret = issued.json().get("token").asText();
    String id = issued.json().get("id").asText();
    ConsoleHttp.Session s = web.signIn(secret);
    assertThat(web.get("/catalog", s).status()).isEqualTo(200);
    assertThat(ts.http.delete("/api/v1/tokens/" + id, TestServer.ADMIN).status()).isLessThan(300);
    assertThat(web.get("/catalog", s).status()).isEqualTo(303);
  }

  @Test
  void markupInStoredFieldsIsRenderedInert() {
    // Names from before the naming rule (or written by hand into the database) reach the page as
    // they are stored: the template must escape them.
    String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
    ts.server
        .database()
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE service_records SET name = :n WHERE name = 'alpha-api'")
                    .bind("n", hostile)
                    .execute());
    try {
      ConsoleHttp.Session s = web.signIn(alphaDev);
      String page = web.get("/catalog", s).body();
      assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x");
      assertThat(page)
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    } finally {
      ts.server
          .database()
          .jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE service_records SET name = 'alpha-api' WHERE name = :n")
                      .bind("n", hostile)
                      .execute());
    }
  }

  @Test
  void aMissingStaticFileIs404WithoutASessionLookup() {
    ConsoleHttp.Page missing = web.get("/static/nothing.css", "bulwark_session=forged");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.setCookies()).isEmpty();
    assertThat(missing.header("Content-Security-Policy")).isNotNull();
  }

  @Test
  void anUnknownConsolePathIsAnHtml404PageAndTheApiKeepsProblemDetails() {
    ConsoleHttp.Session s = web.signIn(alphaDev);
    for (String path : List.of("/nope", "/services/does-not-exist", "/catalog/x/y")) {
      ConsoleHttp.Page p = web.get(path, s);
      assertThat(p.status()).as(path).isEqualTo(404);
      assertThat(p.header("Content-Type")).as(path).startsWith("text/html");
      assertThat(p.header("Content-Security-Policy")).as(path).isNotNull();
      assertThat(p.body())
          .as(path)
          .contains("data-status=\"404\"")
          .contains("Not found")
          // Signed in: the navigation is there, to go on from the stale link.
          .contains("href=\"/catalog\"")
          .contains("data-testid=\"subject\"");
    }
    // Not signed in: the same page, without the navigation, and nothing of the path echoed.
    ConsoleHttp.Page anonymous = web.get("/nope%3Cscript%3E", (String) null);
    assertThat(anonymous.status()).isEqualTo(404);
    assertThat(anonymous.header("Content-Type")).startsWith("text/html");
    assertThat(anonymous.body())
        .contains("data-status=\"404\"")
        .doesNotContain("data-testid=\"subject\"")
        .doesNotContain("<script>");
    // The API answers problem details, with or without a console session.
    for (ConsoleHttp.Page api :
        List.of(
            web.get("/api/v1/nope", s),
            web.get("/api/nope", (String) null),
            web.get("/static/nope.js", s))) {
      assertThat(api.status()).isEqualTo(404);
      assertThat(api.header("Content-Type")).doesNotStartWith("text/html");
    }
    var apiNope = ts.http.get("/api/v1/nope", TestServer.ADMIN);
    assertThat(apiNope.status()).isEqualTo(404);
    assertThat(apiNope.header("Content-Type")).startsWith("application/problem+json");
    assertThat(apiNope.json().path("detail").asText()).isEqualTo("no such resource: /api/v1/nope");
    var missing = ts.http.get("/api/v1/services/does-not-exist", TestServer.ADMIN);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
  }
}
