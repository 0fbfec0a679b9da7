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
          case NPM, GO, PACKAGIST -> ns == null ? p.getName() : ns + "/" + p.getName();
          default -> p.getName();
        };
    return new Parsed.Ok(of(eco.get(), name), p.getVersion());
  }
}
