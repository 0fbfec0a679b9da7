package dev.bulwark.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A real HTTP client over a socket, for API tests. Every response to an operation the server's
 * OpenAPI document describes is checked against it ({@link OpenApiResponses}): an undocumented
 * status or content type, or a JSON body that does not match its schema, fails the test.
 */
public final class Http {
  private final String base;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile OpenApiResponses document;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A response with its body, parsed as JSON where it is JSON. */
  public record Response(int status, HttpResponse<byte[]> raw) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }

    public String text() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }

  /** Percent-encodes one path segment. */
  public static String segment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Response get(String path, String token) {
    return send(builder(path, token).GET());
  }

  public Response delete(String path, String token) {
    return send(builder(path, token).DELETE());
  }

  public Response post(String path, String token, Object jsonBody) {
    return send(path, token, "POST", "application/json", body(jsonBody));
  }

  public Response put(String path, String token, Object jsonBody) {
    return send(path, token, "PUT", "application/json", body(jsonBody));
  }

  public Response send(String path, String token, String method, String contentType, byte[] body) {
    HttpRequest.Builder b =
        builder(path, token).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  public Response send(HttpRequest.Builder b) {
    try {
      HttpRequest request = b.build();
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      conforms(request, r);
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new AssertionError("request failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void conforms(HttpRequest request, HttpResponse<byte[]> r)
      throws IOException, InterruptedException {
    String path = request.uri().getRawPath();
    if (path.equals(OPENAPI) && request.method().equals("GET")) {
      return;
    }
    List<String> problems =
        document()
            .check(
                request.method(),
                path,
                r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null),
                r.body());
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "the response does not conform to the OpenAPI document:\n  "
              + String.join("\n  ", problems)
              + "\nbody: "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  private static final String OPENAPI = "/api/v1/openapi.json";

  /** The document the server serves, fetched once (a server's document never changes). */
  private OpenApiResponses document() throws IOException, InterruptedException {
    OpenApiResponses d = document;
    if (d == null) {
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(URI.create(base + OPENAPI))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + OPENAPI + " answered " + r.statusCode());
      }
      d = new OpenApiResponses(Json.MAPPER.readTree(r.body()));
      document = d;
    }
    return d;
  }

  public HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static byte[] body(Object o) {
    return o instanceof String s
        ? s.getBytes(StandardCharsets.UTF_8)
        : o instanceof byte[] b ? b : Json.write(o);
  }
}
