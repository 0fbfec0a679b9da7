package dev.bulwark.bench.differential;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The harness's own table of OSV ecosystems
 * (https://ossf.github.io/osv-schema/#affectedpackage-field): the OSV name, how a component of it
 * is written as a purl (the form an SBOM gives Bulwark), how its package names compare, and which
 * candidate versions suit its version syntax. Independent of Bulwark's {@code Ecosystem} on
 * purpose: a record whose ecosystem Bulwark does not know is reported as such, not left out
 * silently.
 */
enum Eco {
  GO("Go", Family.SEMVER, Names.EXACT),
  CRATES_IO("crates.io", Family.SEMVER, Names.CARGO),
  NPM("npm", Family.SEMVER, Names.LOWERCASE_IN_PURLS),
  PYPI("PyPI", Family.PEP440, Names.PEP503),
  MAVEN("Maven", Family.MAVEN, Names.EXACT),
  NUGET("NuGet", Family.SEMVER, Names.CASE_INSENSITIVE),
  RUBYGEMS("RubyGems", Family.GEM, Names.EXACT),
  PACKAGIST("Packagist", Family.COMPOSER, Names.CASE_INSENSITIVE),
  DEBIAN("Debian", Family.DPKG, Names.EXACT),
  UBUNTU("Ubuntu", Family.DPKG, Names.EXACT),
  ALPINE("Alpine", Family.APK, Names.EXACT),
  WOLFI("Wolfi", Family.APK, Names.EXACT),
  CHAINGUARD("Chainguard", Family.APK, Names.EXACT),
  REDHAT("Red Hat", Family.RPM, Names.EXACT),
  ROCKY("Rocky Linux", Family.RPM, Names.EXACT),
  ALMALINUX("AlmaLinux", Family.RPM, Names.EXACT),
  SUSE("SUSE", Family.RPM, Names.EXACT),
  OPENSUSE("openSUSE", Family.RPM, Names.EXACT);

  /** The shape of a version, for generating candidates around a bound. */
  enum Family {
    SEMVER,
    PEP440,
    MAVEN,
    COMPOSER,
    GEM,
    DPKG,
    RPM,
    APK
  }

  /** How two package names of the ecosystem are told equal. */
  enum Names {
    /**
     * Go module paths (case-sensitive), Maven coordinates, gems, distro package names (Debian's are
     * lowercase by policy, so the harness tries no other case for them).
     */
    EXACT,
    /**
     * npm: the purl specification lowercases npm names, so a component reaching Bulwark as a purl
     * cannot keep case: compared without case (npm forbids new names with capitals anyway).
     */
    LOWERCASE_IN_PURLS,
    /** crates.io: names that differ only in case or in '-' against '_' are the same crate. */
    CARGO,
    /** PyPI: PEP 503 normalisation, asked of packaging.utils.canonicalize_name (the oracle). */
    PEP503,
    CASE_INSENSITIVE
  }

  final String osv;
  final Family family;
  final Names names;

  Eco(String osv, Family family, Names names) {
    this.osv = osv;
    this.family = family;
    this.names = names;
  }

  /** The ecosystem of an OSV {@code ecosystem} value ({@code Debian:12} is Debian). */
  static Optional<Eco> of(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    String base = (colon < 0 ? value : value.substring(0, colon)).strip();
    for (Eco e : values()) {
      if (e.osv.equalsIgnoreCase(base)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The release after the ecosystem name ({@code 12} of {@code Debian:12}), or "". */
  static String release(String value) {
    int colon = value.indexOf(':');
    return colon < 0 ? "" : value.substring(colon + 1).strip();
  }

  /**
   * The purl an SBOM would carry for this component. The {@code distro} qualifier follows what Syft
   * and Trivy write ({@code debian-12}, {@code ubuntu-22.04}, {@code alpine-3.20}, {@code rhel-9});
   * INTEGRATION: the os-ecosystems branch defines how Bulwark reads it, and this is the one place
   * to align if the two differ.
   */
  String purl(String rawEcosystem, String name, String version) {
    String v = "@" + enc(version);
    String release = release(rawEcosystem);
    return switch (this) {
      case GO -> "pkg:golang/" + path(name) + v;
      case CRATES_IO -> "pkg:cargo/" + enc(name) + v;
      case NPM ->
          name.startsWith("@") && name.contains("/")
              ? "pkg:npm/%40" + path(name.substring(1)) + v
              : "pkg:npm/" + enc(name) + v;
      case PYPI -> "pkg:pypi/" + enc(name) + v;
      case MAVEN -> {
        int colon = name.indexOf(':');
        yield colon < 0
            ? "pkg:maven/" + enc(name) + v
            : "pkg:maven/"
                + enc(name.substring(0, colon))
                + "/"
                + enc(name.substring(colon + 1))
                + v;
      }
      case NUGET -> "pkg:nuget/" + enc(name) + v;
      case RUBYGEMS -> "pkg:gem/" + enc(name) + v;
      case PACKAGIST -> "pkg:composer/" + path(name) + v;
      // Debian, Ubuntu, Alpine and SUSE records name source packages: the component states its
      // source package (upstream qualifier, as Syft writes it), here the record's own name.
      case DEBIAN ->
          "pkg:deb/debian/" + enc(name) + v + distro("debian", release) + upstream(name, release);
      case UBUNTU ->
          "pkg:deb/ubuntu/"
              + enc(name)
              + v
              + distro("ubuntu", ubuntuRelease(release))
              + upstream(name, ubuntuRelease(release));
      case ALPINE -> {
        String r = release.startsWith("v") ? release.substring(1) : release;
        yield "pkg:apk/alpine/" + enc(name) + v + distro("alpine", r) + upstream(name, r);
      }
      case WOLFI -> "pkg:apk/wolfi/" + enc(name) + v + upstream(name, "");
      case CHAINGUARD -> "pkg:apk/chainguard/" + enc(name) + v + upstream(name, "");
      case REDHAT -> "pkg:rpm/redhat/" + enc(name) + v + distro("rhel", rhelRelease(release));
      case ROCKY -> "pkg:rpm/rocky/" + enc(name) + v + distro("rocky", release);
      case ALMALINUX -> "pkg:rpm/almalinux/" + enc(name) + v + distro("almalinux", release);
      case SUSE ->
          "pkg:rpm/suse/"
              + enc(name)
              + v
              + distro("sles", suseRelease(release))
              + upstream(name, suseRelease(release));
      case OPENSUSE -> {
        // Leap 15.5 NonFree is Leap 15.5's non-free repository: a Leap 15.5 system's purl.
        String r = release.replace(" NonFree", "").toLowerCase(Locale.ROOT).replace(' ', '-');
        yield "pkg:rpm/opensuse/"
            + enc(name)
            + v
            + (r.isEmpty() ? "" : "?distro=" + enc("opensuse-" + r))
            + upstream(name, r);
      }
    };
  }

  private static String upstream(String name, String release) {
    return (release.isEmpty() ? "?" : "&") + "upstream=" + enc(name);
  }

  /**
   * {@code SUSE:Linux Enterprise Server 15 SP5}: {@code 15.5}; without a service pack {@code 15}.
   */
  private static String suseRelease(String release) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)(?: SP(\\d+))?").matcher(release);
    return m.find() ? m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)) : "";
  }

  private static String distro(String id, String release) {
    return release.isEmpty() ? "" : "?distro=" + enc(id + "-" + release);
  }

  /** {@code Ubuntu:22.04:LTS} and {@code Ubuntu:Pro:18.04:LTS}: the numeric release. */
  private static String ubuntuRelease(String release) {
    for (String part : release.split(":")) {
      if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
        return part;
      }
    }
    return release;
  }

  /** {@code Red Hat:enterprise_linux:9::appstream}: the major release. */
  private static String rhelRelease(String release) {
    for (String part : release.split(":")) {
      if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
        return part;
      }
    }
    return "";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String path(String s) {
    StringBuilder sb = new StringBuilder();
    for (String seg : s.split("/", -1)) {
      if (!sb.isEmpty()) {
        sb.append('/');
      }
      sb.append(enc(seg));
    }
    return sb.toString();
  }

  /** The name keys that are equal when the names are one package (PEP 503 is asked elsewhere). */
  String nameKey(String name) {
    return switch (names) {
      case EXACT, PEP503 -> name;
      case LOWERCASE_IN_PURLS, CASE_INSENSITIVE -> name.toLowerCase(Locale.ROOT);
      case CARGO -> name.toLowerCase(Locale.ROOT).replace('_', '-');
    };
  }
}
