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
  CRATES_IO("crates.io", "cargo", VersionScheme.SEMVER),
  NPM("npm", "npm", VersionScheme.SEMVER),
  MAVEN("Maven", "maven", VersionScheme.MAVEN),
  PYPI("PyPI", "pypi", VersionScheme.PYPI),
  RUBYGEMS("RubyGems", "gem", VersionScheme.RUBYGEMS),
  NUGET("NuGet", "nuget", VersionScheme.NUGET),
  PACKAGIST("Packagist", "composer", VersionScheme.PACKAGIST),
  DEBIAN("Debian", "deb", VersionScheme.DEBIAN);

  private static final Map<String, Ecosystem> BY_OSV_NAME =
      Map.of(
          "go",
          GO,
          "crates.io",
          CRATES_IO,
          "npm",
          NPM,
          "maven",
          MAVEN,
          "pypi",
          PYPI,
          "rubygems",
          RUBYGEMS,
          "nuget",
          NUGET,
          "packagist",
          PACKAGIST,
          "debian",
          DEBIAN);

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
   * The ecosystem of an OSV {@code ecosystem} value. Suffixes after a colon (release names such as
   * {@code Debian:12}) select a distribution release; versions order the same way in every release,
   * so they map to the same ecosystem.
   */
  public static Optional<Ecosystem> fromOsv(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    String base = (colon < 0 ? value : value.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    return Optional.ofNullable(BY_OSV_NAME.get(base));
  }

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
      // Go module paths, Maven coordinates, npm names, gems and Debian packages are exact.
      case GO, NPM, MAVEN, RUBYGEMS, DEBIAN -> n;
    };
  }
}
