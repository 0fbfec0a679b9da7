package dev.bulwark.server.advisories;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * What the server's advisory sync and the CLI's {@code advisories fetch} share when they download
 * an OSV export over HTTP: the client, the conditional request, and a copy of the body bounded in
 * size. What each does with the answer (keeping an earlier copy, checking the zip before it
 * replaces one, where the validators live) stays with each. Here because the CLI depends on the
 * server, and the engine does no network I/O.
 */
public final class OsvHttp {
  /** OSV's largest ecosystem export is a few hundred MB; anything far beyond is refused. */
  public static final long MAX_BYTES = 2L << 30;

  private OsvHttp() {}

  /** A client that follows redirects (mirrors and buckets redirect) and gives up connecting. */
  public static HttpClient client() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /**
   * Asks only for a changed export: the validators of the last answer (either may be null), so an
   * unchanged export costs one 304.
   */
  public static HttpRequest.Builder conditional(
      HttpRequest.Builder request, String etag, String lastModified) {
    if (etag != null) {
      request.header("If-None-Match", etag);
    }
    if (lastModified != null) {
      request.header("If-Modified-Since", lastModified);
    }
    return request;
  }

  /**
   * Copies {@code in} into {@code to}, refusing more than {@link #MAX_BYTES}; {@code progress} is
   * told the bytes copied so far after each block. Returns the bytes copied.
   */
  public static long copy(InputStream in, Path to, LongConsumer progress) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(to)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > MAX_BYTES) {
          throw new IOException("larger than " + MAX_BYTES + " bytes; refused");
        }
        out.write(buf, 0, n);
        progress.accept(total);
      }
    }
    return total;
  }
}
