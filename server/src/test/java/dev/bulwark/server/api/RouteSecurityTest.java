package dev.bulwark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.OpenApiDocument;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.testing.ConsoleHttp;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import io.javalin.event.HandlerMetaInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route declares a permission and is enforced: no handler reaches Javalin except through an
 * {@link ApiRoute}; every protected route answers 401 without a token and 403 to every role that
 * lacks its permission; the OpenAPI document and the permission matrix in the docs match the code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteSecurityTest {
  TestServer ts;

  @BeforeAll
  void start() throws IOException {
    // Many anonymous calls on purpose: lift the failed-authentication limit for this server.
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-routes"),
            c -> c.withLimits(64 * 1024, 100_000));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  static String key(String method, String path) {
    return method.toUpperCase(Locale.ROOT) + " " + path;
  }

  @Test
  void javalinServesOnlyDeclaredRoutes() {
    Set<String> declared = new HashSet<>();
    ts.server.routes().forEach(r -> declared.add(key(r.method().name(), r.path())));
    // Every GET route also serves HEAD through the same handler (and the same authentication).
    ts.server.routes().stream()
        .filter(r -> r.method() == ApiRoute.Method.GET)
        .forEach(r -> declared.add(key("HEAD", r.path())));
    // The console's pages go through the same kind of declaration (ConsolePage).
    for (ConsolePage p : ts.server.pages()) {
      declared.add(key(p.method().name(), p.path()));
      if (p.method() == ConsolePage.Method.GET) {
        declared.add(key("HEAD", p.path()));
      }
    }
    Set<String> endpoints = new TreeSet<>();
    for (HandlerMetaInfo h : ts.server.registeredHandlers()) {
      String type = h.getHttpMethod().name();
      if (type.startsWith("BEFORE") || type.startsWith("AFTER")) {
        continue;
      }
      endpoints.add(key(type, h.getPath()));
    }
    assertThat(endpoints).isNotEmpty().isEqualTo(new TreeSet<>(declared));
  }

  @Test
  void everyProtectedRouteRefusesAnonymousCallersAndRolesWithoutItsPermission() {
    Map<Role, String> tokens = new HashMap<>();
    for (Role role : Role.values()) {
      tokens.put(role, role == Role.admin ? TestServer.ADMIN : ts.token(role.name(), "sec-team"));
    }
    int checked = 0;
    for (ApiRoute route : ts.server.routes()) {
      String path = route.path().replaceAll("\\{[^}]+}", "probe");
      if (route.permission() == Permission.PUBLIC) {
        assertThat(call(route, path, null).status()).as(route.path()).isLessThan(400);
        continue;
      }
      Http.Response anonymous = call(route, path, null);
      assertThat(anonymous.status())
          .as("anonymous " + route.method() + " " + route.path())
          .isEqualTo(401);
      for (Role role : Role.values()) {
        Http.Response r = call(route, path, tokens.get(role));
        if (role.may(route.permission())) {
          assertThat(r.status())
              .as(role + " " + route.method() + " " + route.path())
              .isNotIn(401, 403);
        } else {
          assertThat(r.status())
              .as(role + " " + route.method() + " " + route.path() + ": " + r.text())
              .isEqualTo(403);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  /**
   * Every console page declares its permission and is enforced like a route: a browser without a
   * session is sent to sign in (GET) or refused with 401 (a form), a role without the permission
   * gets the 403 page, and a form without its CSRF token is refused (403) even for a role that has
   * the permission.
   */
  @Test
  void everyPageRefusesAnonymousBrowsersAndRolesWithoutItsPermission() {
    ConsoleHttp web = new ConsoleHttp(ts.server.port());
    Map<Role, ConsoleHttp.Session> sessions = new HashMap<>();
    for (Role role : Role.values()) {
      sessions.put(
          role,
          web.signIn(role == Role.admin ? TestServer.ADMIN : ts.token(role.name(), "sec-team")));
    }
    int refused = 0;
    int forms = 0;
    for (ConsolePage page : ts.server.pages()) {
      String path = page.path().replaceAll("\\{[^}]+}", "probe");
      String what = page.method() + " " + page.path();
      boolean post = page.method() == ConsolePage.Method.POST;
      if (page.permission() == Permission.PUBLIC) {
        continue;
      }
      ConsoleHttp.Page anonymous =
          post ? web.post(path, (String) null, Map.of()) : web.get(path, (String) null);
      if (post) {
        assertThat(anonymous.status()).as("anonymous " + what).isEqualTo(401);
      } else {
        assertThat(anonymous.status()).as("anonymous " + what).isEqualTo(303);
        assertThat(anonymous.header("Location")).as(what).startsWith("/sign-in?next=");
      }
      for (Role role : Role.values()) {
        ConsoleHttp.Session s = sessions.get(role);
        if (post) {
          ConsoleHttp.Page noToken = web.post(path, s.cookieHeader(), Map.of());
          assertThat(noToken.status()).as(role + " " + what + " without CSRF").isEqualTo(403);
          forms++;
        }
        ConsoleHttp.Page r = post ? web.post(path, s, Map.of()) : web.get(path, s);
        if (role.may(page.permission())) {
          assertThat(r.status()).as(role + " " + what + ": " + r.body()).isNotIn(303, 401, 403);
        } else {
          assertThat(r.status()).as(role + " " + what).isEqualTo(403);
          assertThat(r.header("Content-Type")).startsWith("text/html");
          assertThat(r.body()).contains(page.permission().name());
          refused++;
        }
      }
    }
    // Pages with a permission some role lacks, and forms, are counted once features have them.
    assertThat(ts.server.pages()).isNotEmpty();
    assertThat(refused + forms).isNotNegative();
  }

  @Test
  void pagesStayOutsideTheApiAndNeverShareARoutesPath() {
    Set<String> routes = new HashSet<>();
    ts.server.routes().forEach(r -> routes.add(r.path()));
    for (ConsolePage p : ts.server.pages()) {
      assertThat(p.path()).doesNotStartWith("/api/");
      assertThat(routes).as(p.path()).doesNotContain(p.path());
    }
  }

  private Http.Response call(ApiRoute route, String path, String token) {
    return switch (route.method()) {
      case GET -> ts.http.get(path, token);
      case DELETE -> ts.http.delete(path, token);
      case POST, PUT ->
          ts.http.send(
              path,
              token,
              route.method().name(),
              "application/json",
              "{}".getBytes(StandardCharsets.UTF_8));
    };
  }

  @Test
  void openApiDocumentListsExactlyTheRoutesWithTheirPermissions() throws IOException {
    JsonNode doc = ts.http.get("/api/v1/openapi.json", null).json();
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    Map<String, String> documented = OpenApiDocument.operations(doc);
    Map<String, String> served = new HashMap<>();
    ts.server
        .routes()
        .forEach(r -> served.put(key(r.method().name(), r.path()), r.permission().name()));
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void everyFeatureDocumentsExactlyItsOwnRoutesInItsOwnPart() {
    assertThat(ts.server.features()).hasSizeGreaterThan(10);
    for (Feature f : ts.server.features()) {
      Map<String, String> documented =
          f.openApi()
              .map(r -> OpenApiDocument.operations(OpenApiDocument.read(r)))
              .orElse(Map.of());
      Map<String, String> served = new HashMap<>();
      f.routes().forEach(r -> served.put(key(r.method().name(), r.path()), r.permission().name()));
      assertThat(documented).as(f.name()).isEqualTo(served);
    }
  }

  @Test
  void permissionMatrixInTheDocsMatchesTheCode() throws IOException {
    Path doc = Path.of("..", "docs", "permissions.md");
    String whole = Files.readString(doc);
    // The first table is the matrix; the second maps permissions to routes.
    String text = whole.substring(0, whole.indexOf("| permission | routes |"));
    Pattern row = Pattern.compile("^\\|\\s*`([A-Z_]+)`\\s*\\|(.*)\\|\\s*$", Pattern.MULTILINE);
    Matcher m = row.matcher(text);
    List<String> header = List.of("admin", "security", "ci", "developer", "auditor");
    Set<Permission> seen = EnumSet.noneOf(Permission.class);
    while (m.find()) {
      Permission p = Permission.valueOf(m.group(1));
      seen.add(p);
      String[] cells = m.group(2).split("\\|");
      assertThat(cells).as(p.name()).hasSize(header.size());
      for (int i = 0; i < header.size(); i++) {
        boolean documented = cells[i].strip().equals("yes");
        assertThat(documented)
            .as(p + " for " + header.get(i))
            .isEqualTo(Role.valueOf(header.get(i)).may(p));
      }
    }
    assertThat(seen).isEqualTo(new LinkedHashSet<>(EnumSet.allOf(Permission.class)));
  }
}
