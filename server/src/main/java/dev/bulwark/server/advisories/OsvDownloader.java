package dev.bulwark.server.advisories;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.common.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches OSV export zips over HTTP into a cache directory with conditional GET (If-None-Match and
 * If-Modified-Since from the last response), so an unchanged export costs one 304. A download is
 * written to a temporary file and moved into place only when complete; a failed fetch keeps the
 * previous copy, which is used with a warning.
 */
final class OsvDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(OsvDownloader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path cacheDir;
  private final HttpClient http = OsvHttp.client();

  OsvDownloader(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** What a fetch did, for the log and the tests. */
  enum Outcome {
    DOWNLOADED,
    NOT_MODIFIED,
    CACHED_AFTER_ERROR
  }

  record Fetched(Path file, Outcome outcome) {}

  Fetched fetch(URI url) throws IOException {
    dev.bulwark.server.db.PrivateFiles.directory(cacheDir);
    String key = sha256(url.toString());
    Path file = cacheDir.resolve(key + ".zip");
    Path meta = cacheDir.resolve(key + ".json");
    Map<String, String> validators = new LinkedHashMap<>();
    if (Files.exists(file) && Files.exists(meta)) {
      for (var e : JSON.readTree(meta.toFile()).properties()) {
        validators.put(e.getKey(), e.getValue().asText());
      }
    }
    HttpRequest.Builder req =
        OsvHttp.conditional(
            HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET(),
            validators.get("etag"),
            validators.get("lastModified"));
    HttpResponse<InputStream> r;
    try {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      return fallback(url, file, "cannot reach it: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    }
    try (InputStream body = r.body()) {
      if (r.statusCode() == 304 && Files.exists(file)) {
        return new Fetched(file, Outcome.NOT_MODIFIED);
      }
      if (r.statusCode() != 200) {
        return fallback(url, file, "HTTP " + r.statusCode());
      }
      Path tmp = Files.createTempFile(cacheDir, key, ".part");
      try {
        long n = OsvHttp.copy(body, tmp, copied -> {});
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Map<String, String> next = new LinkedHashMap<>();
        r.headers().firstValue("ETag").ifPresent(v -> next.put("etag", v));
        r.headers().firstValue("Last-Modified").ifPresent(v -> next.put("lastModified", v));
        Files.writeString(meta, JSON.writeValueAsString(next));
        dev.bulwark.server.db.PrivateFiles.restrict(meta);
        LOG.info("downloaded {} ({} bytes)", url, n);
        return new Fetched(file, Outcome.DOWNLOADED);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private Fetched fallback(URI url, Path file, String why) throws IOException {
    if (Files.exists(file)) {
      LOG.warn("OSV source {}: {}; using the copy fetched before", url, why);
      return new Fetched(file, Outcome.CACHED_AFTER_ERROR);
    }
    throw new IOException("OSV source " + url + ": " + why + ", and no earlier copy");
  }

  private static String sha256(String s) {
    return Sha256.hex(s);
  }
}
