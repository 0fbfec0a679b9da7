package dev.bulwark.server.http;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before a request reaches Javalin (a malformed URI, headers that
 * are too large, an ambiguous path): RFC 9457 problems too, never Jetty's HTML page.
 */
final class JettyProblems {
  private JettyProblems() {}

  static byte[] body(int status, String path, String requestId) {
    Map<String, Object> p = new LinkedHashMap<>();
    String title = HttpStatus.getMessage(status);
    p.put("type", "about:blank");
    p.put("title", title);
    p.put("status", status);
    p.put("detail", "the HTTP request was rejected before it reached the API: " + title);
    if (path != null) {
      p.put("instance", path);
    }
    p.put("requestId", requestId);
    return Json.write(p);
  }

  static void write(Request request, Response response, int code, Callback callback) {
    String requestId = UUID.randomUUID().toString();
    byte[] body = body(code, request == null ? null : request.getHttpURI().getPath(), requestId);
    response.getHeaders().put("X-Request-Id", requestId);
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, HttpApi.PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** For the server: bad requests that never become a servlet request. */
  static final class ServerHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback) {
      JettyProblems.write(request, response, code, callback);
    }
  }

  /** For the servlet context that Javalin runs in. */
  static final class ContextHandler extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback) {
      JettyProblems.write(request, response, code, callback);
    }
  }
}
