package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JSON client of the Bulwark API that maps every failure to the contract's exit codes. */
final class ApiClient {
  private final URI base;
  private final String token;
  private final HttpClient http;

  ApiClient(String baseUrl, String token) {
    try {
      this.base =
          URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--server (or BULWARK_URL) is not a valid URL: " + baseUrl);
    }
    if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
      throw CliException.usage(
          "--server (or BULWARK_URL) must be an http:// or https:// URL: " + baseUrl);
    }
    this.token = token;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if ("http".equals(base.getScheme())) {
      builder.sslContext(plainHttpOnly());
    }
    this.http = builder.build();
  }

  /**
   * For an http:// server, a TLS context that trusts nothing: without one, the client reads and
   * parses the JDK's whole trust store at every start (the default context) though no TLS is
   * spoken. Were the server to redirect to https, the handshake would fail closed. https:// URLs
   * keep the default context and the JDK's trust store.
   */
  private static javax.net.ssl.SSLContext plainHttpOnly() {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS implementation", e);
    }
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) {
    return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  String getText(String path) {
    HttpResponse<byte[]> r =
        send(
            request(path).header("Accept", "text/plain").GET(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  byte[] getBytes(String path) {
    return send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  JsonNode post(String path, Object body) {
    return json(
        send(
            request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))),
            HttpResponse.BodyHandlers.ofByteArray()));
  }

  JsonNode put(String path, Object body) {
    return json(
        send(
            request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))),
            HttpResponse.BodyHandlers.ofByteArray()));
  }

  JsonNode postRaw(String path, String contentType, byte[] body) {
    return json(
        send(
            request(path)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
            HttpResponse.BodyHandlers.ofByteArray()));
  }

  JsonNode putRaw(String path, String contentType, byte[] body) {
    return json(
        send(
            request(path)
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
            HttpResponse.BodyHandlers.ofByteArray()));
  }

  /**
   * Uploads a file's content: a refusal of the content itself (400, 413, 415, 422) is reported with
   * the file's name first, so that the one line names the file and the problem.
   */
  JsonNode postFile(String path, String contentType, java.nio.file.Path file, byte[] body) {
    try {
      return postRaw(path, contentType, body);
    } catch (CliException e) {
      throw aboutFile(file, e);
    }
  }

  JsonNode putFile(String path, String contentType, java.nio.file.Path file, byte[] body) {
    try {
      return putRaw(path, contentType, body);
    } catch (CliException e) {
      throw aboutFile(file, e);
    }
  }

  static CliException aboutFile(java.nio.file.Path file, CliException e) {
    return switch (e.httpStatus()) {
      case 400, 413, 415, 422 -> e.with(e.exitCode(), file + ": " + e.getMessage());
      default -> e;
    };
  }

  JsonNode delete(String path) {
    return json(send(request(path).DELETE(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** POSTs and returns the response body as a stream, for large downloads. */
  InputStream download(String path) {
    HttpResponse<InputStream> r =
        send(
            request(path).POST(HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.ofInputStream());
    return r.body();
  }

  private HttpRequest.Builder request(String path) {
    if (token == null || token.isBlank()) {
      throw CliException.input("no API token: set BULWARK_TOKEN or pass --token");
    }
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofMinutes(5))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder req, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> r;
    try {
      r = http.send(req.build(), handler);
    } catch (ConnectException e) {
      throw new CliException(
          ExitCodes.SERVER, "cannot reach the server at " + base + " (connection refused)");
    } catch (HttpTimeoutException e) {
      throw new CliException(ExitCodes.SERVER, "the server at " + base + " did not answer in time");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.SERVER, "cannot talk to the server at " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.SERVER, "interrupted");
    }
    if (r.statusCode() >= 400) {
      byte[] body;
      try {
        body = r.body() instanceof InputStream in ? in.readAllBytes() : (byte[]) r.body();
      } catch (IOException e) {
        body = new byte[0];
      }
      throw problem(r.statusCode(), body);
    }
    return r;
  }

  private static CliException problem(int status, byte[] body) {
    String message = "HTTP " + status;
    try {
      JsonNode p = Json.MAPPER.readTree(body);
      String detail = p.path("detail").asText("");
      message = p.path("title").asText("HTTP " + status) + ": " + detail;
      // A single error is the detail already; several follow it, one a line.
      for (JsonNode e : p.path("errors")) {
        String line = e.path("field").asText() + ": " + e.path("message").asText();
        if (!line.equals(detail)) {
          message += System.lineSeparator() + "  " + line;
        }
      }
      if (status >= 500 && p.has("requestId")) {
        message += " (request id " + p.path("requestId").asText() + ")";
      }
    } catch (IOException | RuntimeException e) {
      // not a problem document: the status line says enough
    }
    return CliException.refused(status, message);
  }

  private static JsonNode json(HttpResponse<byte[]> r) {
    if (r.body().length == 0) {
      return Json.MAPPER.nullNode();
    }
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new CliException(ExitCodes.SERVER, "the server sent a response that is not JSON");
    }
  }
}
