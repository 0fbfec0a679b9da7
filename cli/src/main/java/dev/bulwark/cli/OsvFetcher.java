package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.common.Sha256;
import dev.bulwark.server.advisories.OsvHttp;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Downloads OSV exports over HTTP: conditional GET (the ETag and Last-Modified of the last answer
 * are kept beside the file in {@code FILE.http.json}, so an unchanged export costs one 304),
 * written whole or not at all (a temporary file beside the target, moved into place only once it
 * has been read as a zip of OSV records), with its SHA-256 in {@code FILE.sha256} (sha256sum's
 * format) and a progress line on a terminal. Used by {@code advisories fetch} and by {@code scan
 * --osv URL}.
 */
final class OsvFetcher {
  /** OSV's public per-ecosystem exports: {@code <base>/<ecosystem>/all.zip}. */
  static final String OSV_BASE = "https://osv-vulnerabilities.storage.googleapis.com";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final PrintWriter err;
  private final boolean quiet;

  OsvFetcher(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
    this.http = OsvHttp.client();
  }

  /** What a fetch did: downloaded anew, or unchanged since the last one (a 304). */
  enum Outcome {
    DOWNLOADED,
    UNCHANGED
  }

  record Fetched(URI url, Path file, Outcome outcome, long bytes, String sha256, int records) {}

  /** Thrown for a 404: the export does not exist (an unknown ecosystem, or a wrong mirror). */
  static final class NotFound extends Exception {
    NotFound(String message) {
      super(message);
    }
  }

  /** The base URL: {@code --mirror}, else {@code BULWARK_OSV_MIRROR}, else OSV's bucket. */
  static String base(String mirror) {
    String b = mirror;
    if (b == null || b.isBlank()) {
      b = System.getenv("BULWARK_OSV_MIRROR");
    }
    if (b == null || b.isBlank()) {
      b = OSV_BASE;
    }
    if (!b.startsWith("http://") && !b.startsWith("https://")) {
      throw new CliException(ExitCodes.USAGE, "--mirror " + b + ": not an http(s) URL");
    }
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  /**
   * The export of {@code ecosystem} under {@code base}; names with spaces or colons are encoded.
   */
  static URI exportUrl(String base, String ecosystem) {
    String segment = URLEncoder.encode(ecosystem, StandardCharsets.UTF_8).replace("+", "%20");
    return URI.create(base + "/" + segment + "/all.zip");
  }

  /** A file name for an ecosystem's export: {@code Go.zip}, {@code Debian_12.zip}. */
  static String fileName(String ecosystem) {
    return ecosystem.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
  }

  /**
   * Fetches {@code url} into {@code target}, conditionally on the validators kept beside it. The
   * answer must be a zip of OSV records (checked with the engine's loader) before it replaces
   * anything. Network failures and answers that are not OSV exports are {@link CliException}s with
   * exit 3 (the far side's fault, not the user's input); a 404 is {@link NotFound}.
   */
  Fetched fetch(URI url, Path target, String label) throws NotFound {
    Path meta = target.resolveSibling(target.getFileName() + ".http.json");
    Path sumFile = target.resolveSibling(target.getFileName() + ".sha256");
    HttpRequest.Builder req =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofMinutes(30))
            .header("User-Agent", "bulwark")
            .GET();
    Optional<JsonNode> validators;
    try {
      // Asked conditionally only for the very file the validators describe: a copy changed on disk
      // since (or a validators file without it) is downloaded in full again.
      validators =
          validators(meta, url)
              .filter(
                  v ->
                      Files.isRegularFile(target)
                          && v.path("sha256").asText().equals(hash(target)));
    } catch (java.io.UncheckedIOException e) {
      validators = Optional.empty();
    }
    validators.ifPresent(
        v ->
            OsvHttp.conditional(
                req,
                v.hasNonNull("etag") ? v.get("etag").asText() : null,
                v.hasNonNull("lastModified") ? v.get("lastModified").asText() : null));
    HttpResponse<InputStream> r;
    try {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw unreachable(url, "connection refused");
    } catch (HttpTimeoutException e) {
      throw unreachable(url, "no answer in time");
    } catch (IOException e) {
      throw unreachable(
          url, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.SERVER, "interrupted while fetching " + url);
    }
    try (InputStream body = r.body()) {
      if (r.statusCode() == 304 && validators.isPresent()) {
        JsonNode v = validators.get();
        int records = v.has("records") ? v.path("records").asInt() : records(target, url);
        return new Fetched(
            url, target, Outcome.UNCHANGED, Files.size(target), v.path("sha256").asText(), records);
      }
      if (r.statusCode() == 404) {
        throw new NotFound(label + ": no OSV export at " + url + " (HTTP 404)");
      }
      if (r.statusCode() != 200) {
        throw new CliException(
            ExitCodes.SERVER, label + ": " + url + " answered HTTP " + r.statusCode());
      }
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".zip");
      try {
        long total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        String sum = download(body, tmp, total, label);
        long bytes = Files.size(tmp);
        int records = records(tmp, url);
        move(tmp, target);
        ObjectNode next = JSON.createObjectNode();
        next.put("url", url.toString());
        r.headers().firstValue("ETag").ifPresent(v -> next.put("etag", v));
        r.headers().firstValue("Last-Modified").ifPresent(v -> next.put("lastModified", v));
        next.put("sha256", sum);
        next.put("records", records);
        writeSmall(meta, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(next) + "\n");
        writeSmall(sumFile, sum + "  " + target.getFileName() + "\n");
        return new Fetched(url, target, Outcome.DOWNLOADED, bytes, sum, records);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw unreachable(
          url, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  private String download(InputStream in, Path to, long total, String label) throws IOException {
    DigestInputStream digesting = new DigestInputStream(in, Sha256.digest());
    Terminal.Progress progress = Terminal.progress(err, quiet);
    try {
      OsvHttp.copy(
          digesting,
          to,
          n ->
              progress.update(
                  label + ": " + mb(n) + (total > 0 ? " of " + mb(total) : "") + " downloaded"));
    } finally {
      progress.done();
    }
    return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** The records of a downloaded export; anything that is not a zip of OSV records is refused. */
  private static int records(Path zip, URI url) {
    try {
      return OsvLoader.loadSelected(List.of(zip), (e, n) -> false).records();
    } catch (OsvFormatException | IOException e) {
      throw new CliException(
          ExitCodes.SERVER,
          url
              + " did not answer with a zip of OSV records ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); nothing was replaced");
    }
  }

  private static Optional<JsonNode> validators(Path meta, URI url) {
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(meta.toFile());
      // Validators of another URL (a mirror changed) are not this one's.
      return url.toString().equals(n.path("url").asText()) ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void writeSmall(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, text);
      move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String hash(Path file) {
    try {
      return sha256(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest d = Sha256.digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int k;
      while ((k = in.read(buf)) >= 0) {
        d.update(buf, 0, k);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static CliException unreachable(URI url, String why) {
    return new CliException(ExitCodes.SERVER, "cannot fetch " + url + ": " + why);
  }

  /**
   * The ecosystems the far side lists in {@code <base>/ecosystems.txt} (OSV's bucket keeps one),
   * for the message about an unknown one; empty when it cannot be read quickly.
   */
  List<String> listedEcosystems(String base) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/ecosystems.txt"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || r.body().length() > 100_000) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      r.body().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(names::add);
      return names;
    } catch (IOException | RuntimeException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * For {@code scan --osv}: the values that are http(s) URLs are downloaded (conditionally) into
   * the cache directory and replaced by the file; local paths are returned as they are. A URL
   * arrives here as a Path, whose "//" the file system has made "/": {@code https:/host/...}.
   */
  static List<Path> localSources(List<Path> sources, Path cacheDir, PrintWriter err) {
    List<Path> out = new ArrayList<>(sources.size());
    OsvFetcher fetcher = null;
    for (Path p : sources) {
      String s = p.toString();
      boolean url = (s.startsWith("https:/") || s.startsWith("http:/")) && !Files.exists(p);
      if (!url) {
        out.add(p);
        continue;
      }
      URI uri = URI.create(s.replaceFirst("^(https?):/+", "$1://"));
      if (fetcher == null) {
        fetcher = new OsvFetcher(err, false);
      }
      Path dir = cacheRoot(cacheDir).resolve("osv-downloads");
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw CliException.input("cannot create the download cache " + dir + ": " + e.getMessage());
      }
      Path target = dir.resolve(Sha256.hex(uri.toString()).substring(0, 24) + ".zip");
      try {
        out.add(fetcher.fetch(uri, target, uri.toString()).file());
      } catch (NotFound e) {
        throw CliException.input(e.getMessage());
      }
    }
    return out;
  }

  /** As {@code scan} chooses its cache: --cache-dir, BULWARK_CACHE_DIR, XDG, ~/.cache/bulwark. */
  static Path cacheRoot(Path cacheDir) {
    if (cacheDir != null) {
      return cacheDir;
    }
    String env = System.getenv("BULWARK_CACHE_DIR");
    String xdg = System.getenv("XDG_CACHE_HOME");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : xdg != null && !xdg.isBlank()
            ? Path.of(xdg, "bulwark")
            : Path.of(System.getProperty("user.home"), ".cache", "bulwark");
  }
}
