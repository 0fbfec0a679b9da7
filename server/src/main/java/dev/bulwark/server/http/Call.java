package dev.bulwark.server.http;

import dev.bulwark.server.auth.Principal;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;

/** One authenticated API call: the caller, the request id, a size-limited body and the response. */
public final class Call {
  private final Context ctx;
  private final Principal principal;
  private final String requestId;
  private final long maxBodyBytes;
  private final byte[] readAhead;

  Call(Context ctx, Principal principal, String requestId, long maxBodyBytes) {
    this(ctx, principal, requestId, maxBodyBytes, null);
  }

  private Call(
      Context ctx, Principal principal, String requestId, long maxBodyBytes, byte[] readAhead) {
    this.ctx = ctx;
    this.principal = principal;
    this.requestId = requestId;
    this.maxBodyBytes = maxBodyBytes;
    this.readAhead = readAhead;
  }

  /**
   * The same call with its body, limited to at most {@code limit} bytes, already read: whoever
   * handles it then waits for no client.
   */
  Call readAhead(long limit) {
    long max = Math.min(maxBodyBytes, limit);
    return new Call(ctx, principal, requestId, max, read(max));
  }

  public Principal principal() {
    return principal;
  }

  public String requestId() {
    return requestId;
  }

  public Context ctx() {
    return ctx;
  }

  public String pathParam(String name) {
    return ctx.pathParam(name);
  }

  public String query(String name) {
    return ctx.queryParam(name);
  }

  /**
   * A whole-number query parameter in {@code [min, max]}, {@code fallback} when absent; else 422.
   */
  public int intQuery(String name, int fallback, int min, int max) {
    String v = query(name);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, "must be a whole number");
    }
    if (n < min || n > max) {
      throw ApiException.invalid(name, "must be between " + min + " and " + max);
    }
    return n;
  }

  /** The JSON body as {@code type}; 415 unless the content type is JSON. */
  public <T> T json(Class<T> type) {
    return Json.read(body(Set.of("application/json")), type);
  }

  /** The JSON body as a tree; 415 unless the content type is JSON. */
  public com.fasterxml.jackson.databind.JsonNode jsonTree() {
    return Json.read(
        body(Set.of("application/json")), com.fasterxml.jackson.databind.JsonNode.class);
  }

  /** The raw body, limited in size; 415 unless its media type is one of {@code accepted}. */
  public byte[] body(Set<String> accepted) {
    String mediaType = mediaType(ctx.contentType());
    if (mediaType == null
        || !(accepted.contains(mediaType)
            || (accepted.contains("application/json") && mediaType.endsWith("+json")))) {
      throw new ApiException(
          415,
          "Unsupported Media Type",
          "Content-Type must be one of "
              + String.join(", ", accepted.stream().sorted().toList())
              + (mediaType == null ? "" : ", not " + mediaType));
    }
    return readAhead != null ? readAhead : read(maxBodyBytes);
  }

  private byte[] read(long maxBodyBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      drain();
      throw tooLarge(maxBodyBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        drain();
        throw tooLarge(maxBodyBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("the request body could not be read");
    }
  }

  /**
   * Reads and discards up to 8 MiB of a refused body, so that a client still sending it reads our
   * 413 instead of a reset connection. Beyond that the connection is closed under it.
   */
  private void drain() {
    try (InputStream in = ctx.req().getInputStream()) {
      long left = 8L * 1024 * 1024;
      byte[] buf = new byte[64 * 1024];
      int n;
      while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // the client stopped sending: nothing more to drain
    }
  }

  private static ApiException tooLarge(long maxBodyBytes) {
    return new ApiException(
        413,
        "Content Too Large",
        "the request body exceeds the limit of " + maxBodyBytes + " bytes");
  }

  public void respond(int status, Object value) {
    ctx.status(status).contentType("application/json").result(Json.write(value));
  }

  public void noContent() {
    ctx.status(204);
  }

  static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }
}
