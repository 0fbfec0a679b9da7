package dev.bulwark.vuln.version;

import io.github.nscuro.versatile.VersionFactory;
import org.apache.maven.artifact.versioning.ComparableVersion;

/**
 * How one ecosystem orders versions. Parsing is separate from comparing, so an index parses each
 * advisory bound once and each component version once, then compares parsed values.
 *
 * <p>Libraries: Maven uses maven-artifact's {@link ComparableVersion} (Maven's own rules); SemVer
 * (npm, crates.io) uses org.semver4j (strict SemVer 2.0: versatile's npm scheme delegates to the
 * unmaintained com.vdurmont semver4j, which compares major versions above 127 by identity, so that
 * {@code 300.0.11} was below itself); Go, PEP 440, Debian (dpkg), RPM (rpmvercmp with epoch, {@code
 * ~} and {@code ^}), apk, NuGet and Composer use versatile's implementations (Composer's branch
 * versions read here first, as composer/semver reads them); the OS schemes are checked against
 * {@code dpkg --compare-versions} and rpm's own {@code rpm.vercmp} in the test suites, and refuse
 * here what their tools refuse (an epoch that is not a number). RubyGems is written here ({@link
 * RubyGemsVersion}): no maintained Java library implements {@code Gem::Version}.
 */
public enum VersionScheme {
  /** SemVer 2.0 as npm's semver reads it: a leading {@code v} is allowed and dropped. */
  SEMVER("npm"),
  /**
   * SemVer 2.0 as Cargo reads it: strict, no {@code v} prefix ({@code v300.0.0} is not a crate
   * version; the differential harness found it matched as {@code 300.0.0}).
   */
  CARGO(null),
  GO("golang"),
  MAVEN(null),
  PYPI(null),
  RUBYGEMS(null),
  NUGET("nuget"),
  PACKAGIST("composer"),
  DEBIAN("deb"),
  RPM("rpm"),
  APK("apk");

  private final String versatileScheme;

  VersionScheme(String versatileScheme) {
    this.versatileScheme = versatileScheme;
  }

  /** A parsed version; only values of one scheme are compared with each other. */
  @SuppressWarnings("rawtypes")
  public Comparable parse(String version) throws dev.bulwark.vuln.version.InvalidVersionException {
    if (version == null || version.isBlank()) {
      throw new dev.bulwark.vuln.version.InvalidVersionException("empty version");
    }
    String v = version.strip();
    try {
      Comparable parsed =
          switch (this) {
            case MAVEN -> new ComparableVersion(v);
            case RUBYGEMS -> RubyGemsVersion.parse(v);
            case PYPI -> Pep440Version.parse(v);
            case GO -> VersionFactory.forScheme(versatileScheme, goCanonical(v));
            case SEMVER -> semver(v);
            case CARGO -> {
              if (v.startsWith("v") || v.startsWith("V") || v.startsWith("=")) {
                throw new IllegalArgumentException(
                    "not SemVer 2.0 as Cargo reads it (no 'v' or '=' prefix)");
              }
              yield semver(v);
            }
            case DEBIAN -> VersionFactory.forScheme(versatileScheme, epochChecked(v));
            case RPM -> RpmEvr.parse(epochChecked(v));
            case APK -> VersionFactory.forScheme(versatileScheme, apkChecked(v));
            case PACKAGIST -> VersionFactory.forScheme(versatileScheme, composerBranch(v));
            default -> VersionFactory.forScheme(versatileScheme, v);
          };
      if (versatileScheme != null && this != SEMVER) {
        probe(parsed, v);
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new dev.bulwark.vuln.version.InvalidVersionException(
          "'"
              + shown(v)
              + "' is not a valid "
              + (this == CARGO ? "semver" : name().toLowerCase(java.util.Locale.ROOT))
              + " version: "
              + (e instanceof NumberFormatException
                  ? "a number in it is larger than 2147483647, the largest this scheme orders"
                  : shown(String.valueOf(e.getMessage()))));
    }
  }

  /**
   * versatile's Go, NuGet and Debian versions keep their parts as strings and convert them with
   * {@code Integer.parseInt} only while comparing, so a part beyond an int parses here and throws
   * later, in the middle of matching. Comparing with an equal, separately parsed copy walks every
   * part (nothing differs, so nothing stops early) and fails here instead, where the caller can
   * report the component as unmatched.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private void probe(Comparable parsed, String v) {
    Comparable copy =
        switch (this) {
          case GO -> VersionFactory.forScheme(versatileScheme, goCanonical(v));
          case RPM -> RpmEvr.parse(v);
          case PACKAGIST -> VersionFactory.forScheme(versatileScheme, composerBranch(v));
          default -> VersionFactory.forScheme(versatileScheme, v);
        };
    parsed.compareTo(copy);
  }

  /**
   * A SemVer 2.0 version ({@code v} prefix allowed, build metadata dropped: it takes no part in
   * precedence). Numbers beyond what the library orders are refused here, not while matching.
   */
  private static Comparable<org.semver4j.Semver> semver(String v) {
    org.semver4j.Semver parsed = org.semver4j.Semver.parse(semverCanonical(v));
    if (parsed == null) {
      throw new IllegalArgumentException("not SemVer 2.0 (MAJOR.MINOR.PATCH[-PRERELEASE])");
    }
    // The library reads numeric pre-release identifiers as longs only while comparing: reading
    // them here fails at parse time, where the caller can report the component as unmatched.
    try {
      for (String id : parsed.getPreRelease()) {
        if (!id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
          Long.parseLong(id);
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a number in its pre-release is larger than 9223372036854775807, the largest this scheme"
              + " orders");
    }
    return parsed;
  }

  /**
   * dpkg and rpm read {@code E:} before the first colon as the epoch, a number; versatile reads a
   * non-numeric one as 0 (so {@code x:1.0} equals {@code 1.0}) or fails only while comparing.
   * Refused here, with the reason, so the component is unmatched instead of guessed.
   */
  private String epochChecked(String v) {
    int colon = v.indexOf(':');
    if (colon >= 0) {
      String epoch = v.substring(0, colon);
      if (epoch.isEmpty() || !epoch.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("the epoch '" + shown(epoch) + "' is not a number");
      }
      if (epoch.length() > 9) {
        throw new IllegalArgumentException("the epoch '" + shown(epoch) + "' is too large");
      }
      if (colon == v.length() - 1) {
        throw new IllegalArgumentException("nothing follows the epoch");
      }
    }
    if (this == DEBIAN && v.endsWith("-")) {
      // dpkg: "revision number is empty".
      throw new IllegalArgumentException("the revision after '-' is empty");
    }
    if (this == DEBIAN && !Character.isDigit(v.charAt(colon + 1))) {
      // dpkg: "version number does not start with digit"; versatile accepts it.
      throw new IllegalArgumentException("the upstream version must start with a digit");
    }
    if (v.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("it contains whitespace");
    }
    return v;
  }

  /**
   * apk versions start with a digit (apk-tools refuses others); so do the bounds Alpine publishes.
   * apk-tools compares the first number as an integer ({@code 006 > 1.0.0}, {@code 021109-r3 >
   * 3.0.0-r2}, its test/version.data), and reads leading zeros as a fraction only after a dot;
   * versatile reads them as a fraction in the first number too, so they are dropped here.
   */
  private static String apkChecked(String v) {
    if (!Character.isDigit(v.charAt(0))) {
      throw new IllegalArgumentException("an apk version starts with a digit");
    }
    if (v.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("it contains whitespace");
    }
    return LEADING_ZEROS.matcher(v).replaceFirst("");
  }

  /**
   * Composer's branch versions. The default branch ({@code dev-master}, {@code dev-trunk}, {@code
   * dev-default}, or the bare name) sorts above every release: composer/semver's {@code
   * VersionParser::normalizeDefaultBranch} reads it as {@code 9999999-dev}, and {@code
   * Semver::sort} orders it so; versatile reads any {@code dev-} branch as below every release, so
   * that {@code dev-master} was inside every range starting at 0 (the differential harness found
   * it). Any other branch has no place in Composer's order (its constraints match a branch only by
   * name), so it is refused here: unmatched with the reason, not guessed.
   */
  private static String composerBranch(String v) {
    // As VersionParser::normalize reads it: the "dev-" prefix in any case, the branch name as
    // written (normalizeDefaultBranch compares it exactly).
    boolean branch = v.regionMatches(true, 0, "dev-", 0, 4);
    String name = branch ? v.substring(4) : v;
    if (DEFAULT_BRANCHES.contains(name)) {
      return "9999999-dev";
    }
    if (branch) {
      throw new IllegalArgumentException(
          "a branch other than the default one (dev-master) has no order");
    }
    return v;
  }

  private static final java.util.Set<String> DEFAULT_BRANCHES =
      java.util.Set.of("master", "trunk", "default");

  private static final java.util.regex.Pattern LEADING_ZEROS =
      java.util.regex.Pattern.compile("^0+(?=[0-9])");

  /** A version or message as a reason may quote it: a hostile one can be megabytes long. */
  private static String shown(String s) {
    return s.length() <= 80 ? s : s.substring(0, 60) + "... (" + s.length() + " characters)";
  }

  /** Compares two versions of this scheme; the test suites use it to check ordering vectors. */
  @SuppressWarnings("unchecked")
  public int compare(String a, String b) throws dev.bulwark.vuln.version.InvalidVersionException {
    return Integer.signum(parse(a).compareTo(parse(b)));
  }

  /**
   * Go versions are SemVer with a {@code v} prefix. {@code +incompatible} marks a v2+ module
   * without a go.mod; it is build metadata and does not order.
   */
  private static String goCanonical(String v) {
    String s = v.startsWith("v") ? v.substring(1) : v;
    int plus = s.indexOf('+');
    return plus >= 0 ? s.substring(0, plus) : s;
  }

  /** SemVer 2.0: build metadata does not take part in precedence. */
  private static String semverCanonical(String v) {
    String s = v.startsWith("v") ? v.substring(1) : v;
    int plus = s.indexOf('+');
    return plus >= 0 ? s.substring(0, plus) : s;
  }
}
