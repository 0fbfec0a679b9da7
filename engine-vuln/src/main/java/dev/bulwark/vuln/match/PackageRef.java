package dev.bulwark.vuln.match;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.bulwark.vuln.version.Ecosystem;
import java.util.Objects;
import java.util.Optional;

/**
 * A package as the index knows it: ecosystem and normalized name. Built from a purl (qualifiers and
 * subpath ignored) or from an OSV {@code affected.package}.
 */
public record PackageRef(Ecosystem ecosystem, String name) {
  public PackageRef {
    Objects.requireNonNull(ecosystem, "ecosystem");
    Objects.requireNonNull(name, "name");
  }

  public static PackageRef of(Ecosystem ecosystem, String rawName) {
    return new PackageRef(ecosystem, ecosystem.normalizeName(rawName));
  }

  /** The outcome of reading a purl: a package, or why it cannot be matched. */
  public sealed interface Parsed permits Parsed.Ok, Parsed.Unsupported, Parsed.Malformed {
    record Ok(PackageRef ref, String version) implements Parsed {}

    record Unsupported(String type) implements Parsed {}

    record Malformed(String reason) implements Parsed {}
  }

  /** Reads a purl with packageurl-java and maps it to the OSV naming of its ecosystem. */
  public static Parsed fromPurl(String purl) {
    PackageURL p;
    try {
      p = new PackageURL(purl);
    } catch (MalformedPackageURLException e) {
      return new Parsed.Malformed("malformed purl: " + e.getMessage());
    }
    Optional<Ecosystem> eco = Ecosystem.fromPurlType(p.getType());
    if (eco.isEmpty()) {
      return new Parsed.Unsupported(p.getType());
    }
    String ns = p.getNamespace();
    String name =
        switch (eco.get()) {
          case MAVEN -> (ns == null ? "" : ns) + ":" + p.getName();
          case NPM, PACKAGIST -> ns == null ? p.getName() : ns + "/" + p.getName();
          case GO -> goModulePath(purl, ns == null ? p.getName() : ns + "/" + p.getName());
          default -> p.getName();
        };
    return new Parsed.Ok(of(eco.get(), name), p.getVersion());
  }

  /**
   * Go module paths are case-sensitive ({@code github.com/BurntSushi/toml}), but packageurl-java
   * lowercases the namespace and name of golang purls (its issue #270), and OSV names modules
   * exactly. The path is therefore read again from the purl's own text, between the type and the
   * version, percent-decoded; packageurl-java has already checked the purl, and its lowercased path
   * must equal this one but for case, or its answer is kept.
   */
  private static String goModulePath(String purl, String lowercased) {
    String s = purl.strip();
    int colon = s.indexOf(':');
    if (colon < 0) {
      return lowercased;
    }
    s = s.substring(colon + 1);
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      return lowercased;
    }
    s = s.substring(slash + 1);
    for (char end : new char[] {'#', '?'}) {
      int i = s.indexOf(end);
      if (i >= 0) {
        s = s.substring(0, i);
      }
    }
    int at = s.lastIndexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    String decoded;
    try {
      decoded =
          java.net.URLDecoder.decode(
              s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return lowercased;
    }
    return decoded
            .toLowerCase(java.util.Locale.ROOT)
            .equals(lowercased.toLowerCase(java.util.Locale.ROOT))
        ? decoded
        : lowercased;
  }
}
