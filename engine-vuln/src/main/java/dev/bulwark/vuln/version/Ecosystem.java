package dev.bulwark.vuln.version;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The package ecosystems Bulwark orders versions for: the OSV ecosystem name, the purl type, the
 * version rules and how a package name is normalized for matching. Qualifiers and versions never
 * take part in a name.
 */
public enum Ecosystem {
  GO("Go", "golang", VersionScheme.GO),
  CRATES_IO("crates.io", "cargo", VersionScheme.CARGO),
  NPM("npm", "npm", VersionScheme.SEMVER),
  MAVEN("Maven", "maven", VersionScheme.MAVEN),
  PYPI("PyPI", "pypi", VersionScheme.PYPI),
  RUBYGEMS("RubyGems", "gem", VersionScheme.RUBYGEMS),
  NUGET("NuGet", "nuget", VersionScheme.NUGET),
  PACKAGIST("Packagist", "composer", VersionScheme.PACKAGIST),
  DEBIAN("Debian", "deb", VersionScheme.DEBIAN),
  UBUNTU("Ubuntu", "deb", VersionScheme.DEBIAN),
  ALPINE("Alpine", "apk", VersionScheme.APK),
  REDHAT("Red Hat", "rpm", VersionScheme.RPM),
  ROCKY("Rocky Linux", "rpm", VersionScheme.RPM),
  ALMALINUX("AlmaLinux", "rpm", VersionScheme.RPM),
  SUSE("SUSE", "rpm", VersionScheme.RPM),
  OPENSUSE("openSUSE", "rpm", VersionScheme.RPM),
  WOLFI("Wolfi", "apk", VersionScheme.APK),
  CHAINGUARD("Chainguard", "apk", VersionScheme.APK);

  /** OSV ecosystem names, lower-cased: OSV spells them as in osv-schema's ecosystems.json. */
  private static final Map<String, Ecosystem> BY_OSV_NAME;

  static {
    Map<String, Ecosystem> m = new java.util.HashMap<>();
    for (Ecosystem e : values()) {
      m.put(e.osvName.toLowerCase(Locale.ROOT), e);
    }
    BY_OSV_NAME = Map.copyOf(m);
  }

  private final String osvName;
  private final String purlType;
  private final VersionScheme scheme;

  Ecosystem(String osvName, String purlType, VersionScheme scheme) {
    this.osvName = osvName;
    this.purlType = purlType;
    this.scheme = scheme;
  }

  public String osvName() {
    return osvName;
  }

  public String purlType() {
    return purlType;
  }

  public VersionScheme scheme() {
    return scheme;
  }

  /**
   * The ecosystem of an OSV {@code ecosystem} value. A suffix after the first colon ({@code
   * Debian:12}, {@code Ubuntu:Pro:22.04:LTS}, {@code Red Hat:enterprise_linux:9::appstream}) scopes
   * the record to a distribution release: {@link Distros#releaseOfOsv} reads it, and the index keys
   * by it. Versions order the same way in every release of one ecosystem.
   */
  public static Optional<Ecosystem> fromOsv(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    String base = (colon < 0 ? value : value.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    return Optional.ofNullable(BY_OSV_NAME.get(base));
  }

  /**
   * True for the distributions whose OSV records are scoped to a release (all but Wolfi,
   * Chainguard).
   */
  public boolean hasReleases() {
    return switch (this) {
      case DEBIAN, UBUNTU, ALPINE, REDHAT, ROCKY, ALMALINUX, SUSE, OPENSUSE -> true;
      default -> false;
    };
  }

  /** True for OS package ecosystems (deb, rpm, apk), whose advisories may name source packages. */
  public boolean isOs() {
    return hasReleases() || this == WOLFI || this == CHAINGUARD;
  }

  /**
   * The language ecosystem of a purl type; OS types ({@code deb}, {@code rpm}, {@code apk}) need
   * the namespace too ({@link Distros#ofPurl}), and a bare type gives the first ecosystem of it
   * only for compatibility with callers that know no namespace.
   */
  public static Optional<Ecosystem> fromPurlType(String type) {
    if (type == null) {
      return Optional.empty();
    }
    String t = type.toLowerCase(Locale.ROOT);
    for (Ecosystem e : values()) {
      if (e.purlType.equals(t)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The name used as an index key, so that spellings the ecosystem treats as equal meet. */
  public String normalizeName(String name) {
    String n = name.strip();
    return switch (this) {
      // PEP 503: case-insensitive, and runs of '-', '_' and '.' are one separator.
      case PYPI -> n.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
      // crates.io treats names that differ only in case or in '-' against '_' as the same crate.
      case CRATES_IO -> n.toLowerCase(Locale.ROOT).replace('_', '-');
      // NuGet ids and Composer package names are case-insensitive.
      case NUGET, PACKAGIST -> n.toLowerCase(Locale.ROOT);
      // Go module paths, Maven coordinates, npm names, gems and OS package names are exact.
      default -> n;
    };
  }
}
