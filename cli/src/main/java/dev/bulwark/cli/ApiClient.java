package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JSON client of the Bulwark API that maps every failure to the contract's exit codes. */
final class ApiClient {
  private static final int STREAM_ABOVE_BYTES = 16 * 1024 * 1024;
  private final URI base;
  private final String token;

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
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) {
    return json(send("GET", path, "application/json", null, null));
  }

  String getText(String path) {
    return new String(send("GET", path, "text/plain", null, null), StandardCharsets.UTF_8);
  }

  byte[] getBytes(String path) {
    return send("GET", path, "application/json", null, null);
  }

  /** A GET whose answer is of the media type {@code accept} (an HTML page, a PDF). */
  byte[] getBytes(String path, String accept) {
    return send("GET", path, accept, null, null);
  }

  JsonNode post(String path, Object body) {
    return json(send("POST", path, "application/json", "application/json", Json.write(body)));
  }

  JsonNode put(String path, Object body) {
    return json(send("PUT", path, "application/json", "application/json", Json.write(body)));
  }

  JsonNode postRaw(String path, String contentType, byte[] body) {
    return json(send("POST", path, "application/json", contentType, body));
  }

  JsonNode putRaw(String path, String contentType, byte[] body) {
    return json(send("PUT", path, "application/json", contentType, body));
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
    return json(send("DELETE", path, "application/json", null, null));
  }

  /** POSTs and returns the response body as a stream, for large downloads. */
  InputStream download(String path) {
    HttpURLConnection c = open("POST", path, "application/json", null, new byte[0]);
    try {
      return c.getInputStream();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** One request; the answer's body, or the refusal as a {@link CliException}. */
  private byte[] send(String method, String path, String accept, String contentType, byte[] body) {
    HttpURLConnection c = open(method, path, accept, contentType, body);
    try (InputStream in = c.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /**
   * Opens a request and sends its body. The JDK's {@code HttpURLConnection}, not {@code
   * java.net.http}: the latter's start (its selector thread, its executor, its TLS set-up) was most
   * of a client command's start-up time (docs/benchmarks.md), for one request per command.
   */
  private HttpURLConnection open(
      String method, String path, String accept, String contentType, byte[] body) {
    if (token == null || token.isBlank()) {
      throw CliException.input("no API token: set BULWARK_TOKEN or pass --token");
    }
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      c.setConnectTimeout(10_000);
      c.setReadTimeout((int) Duration.ofMinutes(5).toMillis());
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setRequestMethod(method);
      c.setRequestProperty("Authorization", "Bearer " + token);
      c.setRequestProperty("Accept", accept);
      if (body != null) {
        if (contentType != null) {
          c.setRequestProperty("Content-Type", contentType);
        }
        c.setDoOutput(true);
        // Streamed, a body cannot be sent again, and the JDK then answers a 401 (the server's
        // WWW-Authenticate: Bearer) with an exception instead of the server's problem document;
        // buffered, it keeps the answer. Only bodies too big to buffer twice are streamed.
        if (body.length > STREAM_ABOVE_BYTES) {
          c.setFixedLengthStreamingMode(body.length);
        }
        try (java.io.OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      if (status >= 400) {
        byte[] problem;
        try (InputStream err = c.getErrorStream()) {
          problem = err == null ? new byte[0] : err.readAllBytes();
        } catch (IOException e) {
          problem = new byte[0];
        }
        throw problem(status, problem);
      }
    } catch (java.net.HttpRetryException e) {
      throw CliException.refused(
          e.responseCode(),
          "HTTP "
              + e.responseCode()
              + ": the server refused the request"
              + (e.responseCode() == 401 ? " (the token is unknown, expired or revoked)" : ""));
    } catch (IOException e) {
      throw failed(e);
    }
    return c;
  }

  private CliException failed(IOException e) {
    if (e instanceof ConnectException) {
      return new CliException(
          ExitCodes.SERVER, "cannot reach the server at " + base + " (connection refused)");
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return new CliException(
          ExitCodes.SERVER, "the server at " + base + " did not answer in time");
    }
    return new CliException(
        ExitCodes.SERVER, "cannot talk to the server at " + base + ": " + e.getMessage());
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

  private static JsonNode json(byte[] body) {
    if (body.length == 0) {
      return Json.MAPPER.nullNode();
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new CliException(ExitCodes.SERVER, "the server sent a response that is not JSON");
    }
  }
}
