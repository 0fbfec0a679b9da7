package dev.bulwark.vuln.match;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.Distros;
import dev.bulwark.vuln.version.Ecosystem;
import dev.bulwark.vuln.version.GemPlatform;
import dev.bulwark.vuln.version.VersionScheme;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A package as the index knows it: ecosystem, normalized name and, for distributions whose
 * advisories are scoped to a release, the release ({@code "12"} for {@code Debian:12} and {@code
 * distro=debian-12}; see {@link Distros}); null for language ecosystems and rolling distributions.
 * Built from a purl (qualifiers other than {@code distro}, {@code epoch} and {@code upstream}
 * ignored) or from an OSV {@code affected.package}.
 */
public record PackageRef(Ecosystem ecosystem, String name, String release) {
  public PackageRef {
    Objects.requireNonNull(ecosystem, "ecosystem");
    Objects.requireNonNull(name, "name");
  }

  public PackageRef(Ecosystem ecosystem, String name) {
    this(ecosystem, name, null);
  }

  public static PackageRef of(Ecosystem ecosystem, String rawName) {
    return new PackageRef(ecosystem, ecosystem.normalizeName(rawName), null);
  }

  public static PackageRef of(Ecosystem ecosystem, String rawName, String release) {
    return new PackageRef(ecosystem, ecosystem.normalizeName(rawName), release);
  }

  /** The same package in every release: what a portfolio query or an advisory selection asks. */
  public PackageRef withoutRelease() {
    return release == null ? this : new PackageRef(ecosystem, name, null);
  }

  /** The outcome of reading a purl: a package, or why it cannot be matched. */
  public sealed interface Parsed
      permits Parsed.Ok, Parsed.Unsupported, Parsed.Malformed, Parsed.Unmatched {
    /**
     * A package and its version. {@code binary} is set only by {@link #forMatching} for RPM
     * distributions, whose records name binary or source RPMs, and for Wolfi and Chainguard, whose
     * records name origin packages or subpackages: the binary package, looked up as well as {@code
     * ref} (the source package), at the same version.
     */
    record Ok(PackageRef ref, String version, PackageRef binary) implements Parsed {
      public Ok(PackageRef ref, String version) {
        this(ref, version, null);
      }
    }

    record Unsupported(String type) implements Parsed {}

    record Malformed(String reason) implements Parsed {}

    /**
     * The purl reads, but what the index must be asked cannot be told: no or an unknown distro
     * release, or no source package where the distribution's advisories name source packages. Only
     * {@link #forMatching} returns it.
     */
    record Unmatched(String reason) implements Parsed {}
  }

  /** Reads a purl with packageurl-java and maps it to the OSV naming of its ecosystem. */
  public static Parsed fromPurl(String purl) {
    PackageURL p;
    try {
      p = new PackageURL(purl);
    } catch (MalformedPackageURLException e) {
      return new Parsed.Malformed("malformed purl: " + e.getMessage());
    }
    String ns = p.getNamespace();
    if (OS_TYPES.contains(p.getType())) {
      return osPackage(p);
    }
    Optional<Ecosystem> eco = Ecosystem.fromPurlType(p.getType());
    if (eco.isEmpty()) {
      return new Parsed.Unsupported(p.getType());
    }
    String name =
        switch (eco.get()) {
          case MAVEN -> (ns == null ? "" : ns) + ":" + p.getName();
          case NPM, PACKAGIST -> ns == null ? p.getName() : ns + "/" + p.getName();
          case GO -> goModulePath(purl, ns == null ? p.getName() : ns + "/" + p.getName());
          default -> p.getName();
        };
    String version =
        eco.get() == Ecosystem.RUBYGEMS
            ? GemPlatform.withoutPlatform(p.getVersion())
            : p.getVersion();
    return new Parsed.Ok(of(eco.get(), name), version);
  }

  private static final java.util.Set<Ecosystem> BINARY_NAMED =
      java.util.EnumSet.of(Ecosystem.REDHAT, Ecosystem.ROCKY, Ecosystem.ALMALINUX);

  /**
   * Wolfi and Chainguard keep one advisory file per origin package, covering its subpackages
   * (wolfi-dev/advisories: {@code openssl.advisories.yaml} holds the advisories of {@code
   * libcrypto3}, {@code libssl3}, {@code openssl-provider-legacy}), so a subpackage needs its
   * origin; a record may also name a subpackage, so the package's own name is looked up as well.
   */
  private static final java.util.Set<Ecosystem> ORIGIN_AND_BINARY =
      java.util.EnumSet.of(Ecosystem.WOLFI, Ecosystem.CHAINGUARD);

  private static final java.util.Set<String> OS_TYPES = java.util.Set.of("deb", "rpm", "apk");

  /**
   * A deb, rpm or apk purl: the ecosystem from type and namespace, the release from {@code distro}
   * (null when absent or unknown: a portfolio query may ask across releases; matching refuses it),
   * and the {@code epoch} qualifier joined to the version as {@code E:V-R}, the form OSV bounds
   * use.
   */
  private static Parsed osPackage(PackageURL p) {
    Optional<Ecosystem> eco = Distros.ofPurl(p.getType(), p.getNamespace());
    if (eco.isEmpty()) {
      return new Parsed.Unsupported(
          p.getType() + (p.getNamespace() == null ? "" : "/" + p.getNamespace()));
    }
    Map<String, String> q = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
    String release =
        Distros.releaseOfPurl(eco.get(), q.get("distro")) instanceof Distros.Release.Of r
            ? r.key()
            : null;
    String version = p.getVersion();
    String epoch = q.get("epoch");
    if (epoch != null && version != null) {
      if (epoch.isEmpty() || !epoch.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return new Parsed.Malformed("the epoch qualifier '" + shown(epoch) + "' is not a number");
      }
      int colon = version.indexOf(':');
      if (colon >= 0) {
        if (!version.substring(0, colon).equals(epoch)) {
          return new Parsed.Malformed(
              "the epoch qualifier "
                  + shown(epoch)
                  + " and the version's own epoch "
                  + shown(version.substring(0, colon))
                  + " disagree");
        }
      } else {
        version = epoch + ":" + version;
      }
    }
    return new Parsed.Ok(of(eco.get(), p.getName(), release), version);
  }

  /**
   * The key an SBOM component is matched by. For language ecosystems, {@link #fromPurl}. For OS
   * packages: the release must be known ({@code distro}), and where the distribution's advisories
   * name source packages (Debian, Ubuntu, Alpine, Rocky, AlmaLinux, SUSE, openSUSE, Wolfi,
   * Chainguard) the source package is taken from {@code c.origin().sourceName()}, else from the
   * purl's {@code upstream} qualifier (Syft: {@code upstream=openssl}, {@code
   * upstream=openssl@3.0.11-1}, {@code upstream=openssl-3.0.7-27.el9.src.rpm}), else it is the
   * binary name when the generator records sources ({@code c.origin().sourceRecorded()}); without
   * any of these the component is unmatched with that reason. Red Hat records name binary RPMs, so
   * there the binary name serves. RPM distributions, Wolfi and Chainguard are also looked up by the
   * binary name ({@link Parsed.Ok#binary}).
   */
  public static Parsed forMatching(Component c) {
    if (c.purl() == null || c.purl().isBlank()) {
      return new Parsed.Unmatched("no purl");
    }
    Parsed parsed = fromPurl(c.purl());
    if (parsed instanceof Parsed.Ok gem
        && gem.ref().ecosystem() == Ecosystem.RUBYGEMS
        && gem.version() == null
        && c.version() != null) {
      return new Parsed.Ok(gem.ref(), GemPlatform.withoutPlatform(c.version()), gem.binary());
    }
    if (!(parsed instanceof Parsed.Ok ok) || !ok.ref().ecosystem().isOs()) {
      return parsed;
    }
    PackageURL p;
    try {
      p = new PackageURL(c.purl());
    } catch (MalformedPackageURLException e) {
      return new Parsed.Malformed("malformed purl: " + e.getMessage());
    }
    Ecosystem eco = ok.ref().ecosystem();
    Map<String, String> q = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
    if (Distros.releaseOfPurl(eco, q.get("distro")) instanceof Distros.Release.Bad bad) {
      return new Parsed.Unmatched(bad.reason());
    }
    String version = ok.version() != null ? ok.version() : c.version();
    String binary = ok.ref().name();
    String sourceName = null;
    String sourceVersion = null;
    Component.Origin origin = c.origin();
    if (origin.sourceName() != null && !origin.sourceName().isBlank()) {
      sourceName = origin.sourceName().strip();
      sourceVersion = origin.sourceVersion();
    } else if (q.get("upstream") != null && !q.get("upstream").isBlank()) {
      String[] up = upstream(eco, q.get("upstream").strip());
      if (up == null) {
        return new Parsed.Unmatched(
            "the upstream qualifier '" + shown(q.get("upstream")) + "' names no source package");
      }
      sourceName = up[0];
      sourceVersion = up[1];
    } else if (origin.sourceRecorded() || BINARY_NAMED.contains(eco)) {
      sourceName = binary;
    } else {
      return new Parsed.Unmatched(
          eco.osvName()
              + " advisories name source packages; this SBOM does not say which source package "
              + shown(binary)
              + " was built from");
    }
    PackageRef source = of(eco, sourceName, ok.ref().release());
    if (eco.scheme() == VersionScheme.RPM) {
      // A source RPM and its binaries share epoch, version and release; the binary's EVR is the
      // one the SBOM states in full (Syft's upstream file name has no epoch).
      return new Parsed.Ok(source, version, source.equals(ok.ref()) ? null : ok.ref());
    }
    String matched = sourceVersion != null && !sourceVersion.isBlank() ? sourceVersion : version;
    if (ORIGIN_AND_BINARY.contains(eco)) {
      // A subpackage is built in the same run as its origin: one version for both.
      return new Parsed.Ok(source, matched, source.equals(ok.ref()) ? null : ok.ref());
    }
    return new Parsed.Ok(source, matched);
  }

  /**
   * The source package (and its version, or null) an {@code upstream} qualifier names: {@code name}
   * or {@code name@version} for deb and apk, the source RPM's file name ({@code
   * name-version-release.src.rpm}) or {@code name} for rpm.
   */
  private static String[] upstream(Ecosystem eco, String up) {
    if (eco.scheme() == VersionScheme.RPM) {
      String s = up;
      for (String ext : new String[] {".src.rpm", ".nosrc.rpm"}) {
        if (s.endsWith(ext)) {
          s = s.substring(0, s.length() - ext.length());
          int rel = s.lastIndexOf('-');
          int ver = rel <= 0 ? -1 : s.lastIndexOf('-', rel - 1);
          if (ver <= 0) {
            return null;
          }
          return new String[] {s.substring(0, ver), null};
        }
      }
      return s.isEmpty() || s.contains(" ") ? null : new String[] {s, null};
    }
    int at = up.indexOf('@');
    String name = at < 0 ? up : up.substring(0, at);
    String version = at < 0 ? null : up.substring(at + 1);
    if (name.isEmpty() || name.contains(" ")) {
      return null;
    }
    return new String[] {name, version == null || version.isEmpty() ? null : version};
  }

  private static String shown(String s) {
    return s.length() <= 60 ? s : s.substring(0, 40) + "... (" + s.length() + " characters)";
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
