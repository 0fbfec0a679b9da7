package dev.bulwark.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser's HTTP, by hand, for console tests below the browser: cookies are sent only as a test
 * names them (so it can forge, replay or drop them), redirects are not followed, and forms are
 * posted as {@code application/x-www-form-urlencoded}. {@link #signIn} goes through the sign-in
 * form as a browser would and returns the session.
 */
public final class ConsoleHttp {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");
  private final String base;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  public ConsoleHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public String base() {
    return base;
  }

  /** An answer: status, headers and the body as text. */
  public record Page(int status, HttpHeaders headers, String body) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public List<String> setCookies() {
      return headers.allValues("Set-Cookie");
    }

    /** The value a Set-Cookie of this answer gives the cookie, if it sets it. */
    public Optional<String> cookie(String name) {
      for (String c : setCookies()) {
        if (c.startsWith(name + "=")) {
          return Optional.of(c.substring(name.length() + 1, c.indexOf(';')));
        }
      }
      return Optional.empty();
    }

    /** The whole Set-Cookie line for a cookie. */
    public Optional<String> setCookie(String name) {
      return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst();
    }

    /** The CSRF token of the page's first form. */
    public String csrf() {
      Matcher m = CSRF.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no CSRF field on the page: " + body);
      }
      return m.group(1);
    }
  }

  /** A signed-in browser: its session cookie and the CSRF token its pages carry. */
  public record Session(String cookie, String csrf) {
    public String cookieHeader() {
      return "bulwark_session=" + cookie;
    }
  }

  public Page get(String path, String cookieHeader) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (cookieHeader != null) {
      b.header("Cookie", cookieHeader);
    }
    return send(b);
  }

  public Page get(String path, Session s) {
    return get(path, s == null ? null : s.cookieHeader());
  }

  public Page post(String path, String cookieHeader, Map<String, String> form) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (cookieHeader != null) {
      b.header("Cookie", cookieHeader);
    }
    return send(b);
  }

  /** Posts a form with the session's CSRF token added. */
  public Page post(String path, Session s, Map<String, String> form) {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("_csrf", s.csrf());
    return post(path, s.cookieHeader(), all);
  }

  /**
   * Signs in through the form: reads the sign-in page (which gives this browser its cookie and the
   * form's token), posts the token, and reads a page to learn the session's CSRF token.
   */
  public Session signIn(String token) {
    Page form = get("/sign-in", (String) null);
    String browser = form.cookie("bulwark_browser").orElseThrow();
    Page answer =
        post(
            "/sign-in",
            "bulwark_browser=" + browser,
            Map.of("_csrf", form.csrf(), "token", token, "next", "/"));
    if (answer.status() != 303) {
      throw new AssertionError("sign-in answered " + answer.status() + ": " + answer.body());
    }
    String cookie = answer.cookie("bulwark_session").orElseThrow();
    return new Session(cookie, csrfOf(cookie));
  }

  private String csrfOf(String cookie) {
    // Any page of a signed-in browser carries the session's token in its sign-out form; the
    // catalog is there for every role.
    Page p = get("/catalog", "bulwark_session=" + cookie);
    if (p.status() != 200) {
      throw new AssertionError(
          "a signed-in browser's /catalog answered " + p.status() + " " + p.headers().map());
    }
    return p.csrf();
  }

  public static String encode(Map<String, String> form) {
    List<String> parts = new ArrayList<>();
    form.forEach(
        (k, v) ->
            parts.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", parts);
  }

  public Page send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r =
          client.send(
              b.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Page(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new AssertionError("request failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
