package dev.bulwark.server.console;

import dev.bulwark.common.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's static files, read from the jar ({@code /console/static/NAME} on the class path):
 * one style sheet and small plain JavaScript modules, no CDN. Each is served with its content hash
 * in the URL ({@code ?v=}) and cached by browsers for a year.
 */
public final class StaticAssets {
  static final String ROOT = "/console/static/";
  static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9_-]+)*\\.(css|js|mjs|svg|png|txt|woff2)");
  private static final Map<String, String> TYPES =
      Map.of(
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "txt", "text/plain; charset=utf-8",
          "woff2", "font/woff2");

  /** One file: its bytes, content type and short content hash. */
  record Asset(byte[] body, String contentType, String version) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /** The asset of this name, empty for a name outside the folder or a file that is not there. */
  Optional<Asset> find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(name, StaticAssets::load);
  }

  /** The versioned URL of an asset; a template naming a missing one is a bug, found by tests. */
  String url(String name) {
    Asset a =
        find(name)
            .orElseThrow(() -> new IllegalArgumentException("no static asset " + ROOT + name));
    return "/static/" + name + "?v=" + a.version();
  }

  private static Optional<Asset> load(String name) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      String ext = name.substring(name.lastIndexOf('.') + 1);
      return Optional.of(new Asset(body, TYPES.get(ext), Sha256.hex(body).substring(0, 12)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read static asset " + name, e);
    }
  }
}
