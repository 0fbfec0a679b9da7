package dev.bulwark.policy;

import dev.bulwark.common.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The files of a bundle: which files of a directory are policies, their size limit, the digest. */
final class BundleFiles {
  private BundleFiles() {}

  /** The policy files of a directory by relative path (forward slashes), sorted. */
  static Map<String, String> read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a directory");
    }
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.startsWith("tests/")
            || rel.startsWith(".")
            || rel.contains("/.")
            || !(lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
          continue;
        }
        if (Files.size(f) > Yaml.MAX_FILE_CHARS) {
          throw new IOException(rel + ": larger than " + Yaml.MAX_FILE_CHARS + " bytes");
        }
        files.put(rel, Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  /** SHA-256 over the sorted files: each path, a NUL, its UTF-8 bytes' length and the bytes. */
  static String digestOf(Map<String, String> sorted) {
    MessageDigest md = Sha256.digest();
    for (var e : sorted.entrySet()) {
      byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
      md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(Long.toString(body.length).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(body);
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }
}
