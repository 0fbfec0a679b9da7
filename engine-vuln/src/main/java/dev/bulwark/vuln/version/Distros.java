package dev.bulwark.vuln.version;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Distribution releases, as OSV scopes records to them and as purls name them, mapped to one key
 * per release so that both meet in the index ({@code docs/os-packages.md} has the table). A release
 * that cannot be told is never guessed: the callers report the component unmatched.
 *
 * <p>Written here: no maintained Java library maps purl {@code distro} qualifiers to OSV ecosystem
 * releases. The spellings come from osv-schema's {@code ecosystems.json} (OSV side) and from what
 * Syft and Trivy write (purl side).
 */
public final class Distros {
  private Distros() {}

  /** Debian release numbers by code name (distro-info-data's debian.csv). */
  private static final Map<String, String> DEBIAN_CODENAMES =
      Map.ofEntries(
          Map.entry("wheezy", "7"),
          Map.entry("jessie", "8"),
          Map.entry("stretch", "9"),
          Map.entry("buster", "10"),
          Map.entry("bullseye", "11"),
          Map.entry("bookworm", "12"),
          Map.entry("trixie", "13"),
          Map.entry("forky", "14"),
          Map.entry("duke", "15"));

  /** Ubuntu release numbers by code name (wiki.ubuntu.com/Releases). */
  private static final Map<String, String> UBUNTU_CODENAMES =
      Map.ofEntries(
          Map.entry("trusty", "14.04"),
          Map.entry("xenial", "16.04"),
          Map.entry("bionic", "18.04"),
          Map.entry("focal", "20.04"),
          Map.entry("jammy", "22.04"),
          Map.entry("kinetic", "22.10"),
          Map.entry("lunar", "23.04"),
          Map.entry("mantic", "23.10"),
          Map.entry("noble", "24.04"),
          Map.entry("oracular", "24.10"),
          Map.entry("plucky", "25.04"),
          Map.entry("questing", "25.10"));

  private static final Pattern MAJOR = Pattern.compile("(\\d+)(?:\\.\\d+)*");
  private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+\\.\\d+)(?:[._].*)?");
  private static final Pattern UBUNTU_RELEASE = Pattern.compile("\\d{2}\\.\\d{2}");

  /**
   * SUSE products whose packages a SLES or SLE BCI system installs: the server itself and its
   * modules (Basesystem, Server Applications, ...), with or without LTSS. Other products (Micro,
   * for SAP, HPC, Desktop) keep their whole name as the release, which no purl produces.
   */
  private static final Pattern SLE =
      Pattern.compile(
          "(?:SUSE )?Linux Enterprise (?:Server|Module for [A-Za-z0-9 -]+?) (\\d+)(?: SP(\\d+))?(?:[ -]LTSS)?");

  /**
   * An openSUSE Leap release, and its non-free repository ({@code openSUSE:Leap 15.5 NonFree}),
   * whose packages a Leap system of that release installs as its own. Leap Micro is another
   * product.
   */
  private static final Pattern LEAP = Pattern.compile("Leap (\\d+\\.\\d+)(?: NonFree)?");

  /**
   * The release key of an OSV {@code ecosystem} value, null when it names no release (Wolfi,
   * Chainguard, or a bare {@code Debian}). A suffix that is not a release of the usual form (Ubuntu
   * FIPS streams, Red Hat extended-support streams, SUSE products other than the server and its
   * modules) is kept whole, prefixed with {@code ?}: it never equals a key from a purl.
   */
  public static String releaseOfOsv(Ecosystem eco, String ecosystemValue) {
    if (ecosystemValue == null) {
      return null;
    }
    int colon = ecosystemValue.indexOf(':');
    if (colon < 0 || !eco.hasReleases()) {
      return null;
    }
    String suffix = ecosystemValue.substring(colon + 1).strip();
    if (suffix.isEmpty()) {
      return null;
    }
    String key =
        switch (eco) {
          case DEBIAN -> {
            String s = suffix.toLowerCase(Locale.ROOT);
            yield s.chars().allMatch(Character::isDigit) ? s : DEBIAN_CODENAMES.get(s);
          }
          case UBUNTU -> {
            String found = null;
            for (String part : suffix.split(":")) {
              if (part.toUpperCase(Locale.ROOT).startsWith("FIPS")) {
                // FIPS builds are other packages under the same source names.
                found = null;
                break;
              }
              if (UBUNTU_RELEASE.matcher(part).matches()) {
                found = part;
              }
            }
            yield found;
          }
          case ALPINE ->
              suffix.startsWith("v") && MAJOR_MINOR.matcher(suffix.substring(1)).matches()
                  ? majorMinor(suffix.substring(1))
                  : null;
          case ROCKY, ALMALINUX -> {
            Matcher m = MAJOR.matcher(suffix);
            yield m.matches() ? m.group(1) : null;
          }
          case REDHAT -> {
            // enterprise_linux:9::appstream and the like: the main RHEL 9 stream, any variant.
            String[] cpe = suffix.split(":", -1);
            if (cpe.length >= 2 && cpe[0].equals("enterprise_linux")) {
              Matcher m = MAJOR.matcher(cpe[1]);
              yield m.matches() ? m.group(1) : null;
            }
            yield null;
          }
          case SUSE -> {
            Matcher m = SLE.matcher(suffix);
            yield m.matches() ? m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) : null;
          }
          case OPENSUSE -> {
            Matcher m = LEAP.matcher(suffix);
            if (m.matches()) {
              yield "leap-" + m.group(1);
            }
            yield suffix.equals("Tumbleweed") ? "tumbleweed" : null;
          }
          default -> null;
        };
    return key != null ? key : "?" + suffix;
  }

  /** The OS ecosystem of a purl type and namespace, as Syft, Trivy and the distros write them. */
  public static Optional<Ecosystem> ofPurl(String type, String namespace) {
    String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
    String ns = namespace == null ? "" : namespace.toLowerCase(Locale.ROOT);
    Ecosystem e =
        switch (t) {
          case "deb" ->
              switch (ns) {
                case "debian" -> Ecosystem.DEBIAN;
                case "ubuntu" -> Ecosystem.UBUNTU;
                default -> null;
              };
          case "rpm" ->
              switch (ns) {
                case "redhat", "rhel" -> Ecosystem.REDHAT;
                case "rocky", "rockylinux" -> Ecosystem.ROCKY;
                case "almalinux", "alma" -> Ecosystem.ALMALINUX;
                case "sles", "suse", "sle", "sled" -> Ecosystem.SUSE;
                case "opensuse", "opensuse-leap", "opensuse-tumbleweed", "opensuse.leap" ->
                    Ecosystem.OPENSUSE;
                default -> null;
              };
          case "apk" ->
              switch (ns) {
                case "alpine" -> Ecosystem.ALPINE;
                case "wolfi" -> Ecosystem.WOLFI;
                case "chainguard" -> Ecosystem.CHAINGUARD;
                default -> null;
              };
          default -> null;
        };
    return Optional.ofNullable(e);
  }

  /** What a purl's {@code distro} qualifier says: the release key, or why it gives none. */
  public sealed interface Release permits Release.Of, Release.None, Release.Bad {
    /** The release key, as {@link #releaseOfOsv} gives it for the matching OSV records. */
    record Of(String key) implements Release {}

    /** Wolfi and Chainguard are rolling: their records name no release. */
    record None() implements Release {}

    record Bad(String reason) implements Release {}
  }

  /**
   * The release a purl's {@code distro} qualifier names for {@code eco}: {@code debian-12}, {@code
   * debian-12.5}, {@code bookworm}; {@code ubuntu-22.04}, {@code jammy}; {@code alpine-3.20.3};
   * {@code rhel-9.4}, {@code redhat-9.4}; {@code rocky-9.3}; {@code almalinux-9.4}; {@code
   * sles-15.5}; {@code opensuse-leap-15.5}, {@code opensuse-tumbleweed-20240101}; and the bare
   * release Trivy writes ({@code 3.20.3}, {@code 12.5}).
   */
  public static Release releaseOfPurl(Ecosystem eco, String distro) {
    if (!eco.hasReleases()) {
      return new Release.None();
    }
    if (distro == null || distro.isBlank()) {
      return new Release.Bad(
          eco.osvName()
              + " advisories are scoped to a release, and this purl has no distro qualifier to"
              + " say which (as distro="
              + example(eco)
              + ")");
    }
    String d = distro.strip().toLowerCase(Locale.ROOT);
    if (Character.isDigit(d.charAt(0))) {
      // Trivy writes the bare release (distro=3.20.3); the namespace has named the distribution.
      d = example(eco).replaceAll("[0-9.]+$", "") + d;
    }
    String key =
        switch (eco) {
          case DEBIAN -> {
            if (DEBIAN_CODENAMES.containsKey(d)) {
              yield DEBIAN_CODENAMES.get(d);
            }
            String v = after(d, "debian-");
            if (v != null && DEBIAN_CODENAMES.containsKey(v)) {
              yield DEBIAN_CODENAMES.get(v);
            }
            Matcher m = v == null ? null : MAJOR.matcher(v);
            yield m != null && m.matches() ? m.group(1) : null;
          }
          case UBUNTU -> {
            // Ubuntu's own purls write ESM streams as esm-infra/focal.
            d = d.substring(d.lastIndexOf('/') + 1);
            if (UBUNTU_CODENAMES.containsKey(d)) {
              yield UBUNTU_CODENAMES.get(d);
            }
            String v = after(d, "ubuntu-");
            if (v != null && UBUNTU_CODENAMES.containsKey(v)) {
              yield UBUNTU_CODENAMES.get(v);
            }
            // 22.04 and 22.04.3 (a point release) are the release 22.04.
            Matcher m = v == null ? null : MAJOR_MINOR.matcher(v);
            yield m != null && m.matches() && UBUNTU_RELEASE.matcher(m.group(1)).matches()
                ? m.group(1)
                : null;
          }
          case ALPINE -> {
            String v = after(d, "alpine-");
            yield v != null && MAJOR_MINOR.matcher(v).matches() ? majorMinor(v) : null;
          }
          case REDHAT -> major(d, "rhel-", "redhat-", "ubi-");
          case ROCKY -> major(d, "rocky-", "rockylinux-");
          case ALMALINUX -> major(d, "almalinux-", "alma-");
          case SUSE -> {
            String v = firstAfter(d, "sles-", "sle-", "suse-", "sles_sap-");
            if (v == null) {
              yield null;
            }
            Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(v);
            yield m.matches() ? m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) : null;
          }
          case OPENSUSE -> {
            String v = firstAfter(d, "opensuse-leap-", "opensuse.leap-", "leap-");
            if (v == null && d.startsWith("opensuse-") && Character.isDigit(d.charAt(9))) {
              // opensuse-15.5: Leap's releases are numbered, Tumbleweed's are dates.
              v = d.substring(9);
            }
            if (v != null) {
              Matcher m = MAJOR_MINOR.matcher(v);
              yield m.matches() ? "leap-" + m.group(1) : null;
            }
            yield d.startsWith("opensuse-tumbleweed") || d.startsWith("opensuse.tumbleweed")
                ? "tumbleweed"
                : null;
          }
          default -> null;
        };
    if (key == null) {
      return new Release.Bad(
          "distro '"
              + shown(distro)
              + "' is not a "
              + eco.osvName()
              + " release Bulwark knows (as "
              + example(eco)
              + ")");
    }
    return new Release.Of(key);
  }

  private static String example(Ecosystem eco) {
    return switch (eco) {
      case DEBIAN -> "debian-12";
      case UBUNTU -> "ubuntu-22.04";
      case ALPINE -> "alpine-3.20.3";
      case REDHAT -> "rhel-9.4";
      case ROCKY -> "rocky-9.3";
      case ALMALINUX -> "almalinux-9.4";
      case SUSE -> "sles-15.5";
      case OPENSUSE -> "opensuse-leap-15.5";
      default -> eco.osvName().toLowerCase(Locale.ROOT);
    };
  }

  private static String majorMinor(String v) {
    Matcher m = MAJOR_MINOR.matcher(v);
    return m.matches() ? m.group(1) : null;
  }

  private static String major(String d, String... prefixes) {
    String v = firstAfter(d, prefixes);
    if (v == null) {
      return null;
    }
    Matcher m = MAJOR.matcher(v);
    return m.matches() ? m.group(1) : null;
  }

  private static String firstAfter(String d, String... prefixes) {
    for (String p : prefixes) {
      String v = after(d, p);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String after(String d, String prefix) {
    return d.startsWith(prefix) && d.length() > prefix.length()
        ? d.substring(prefix.length())
        : null;
  }

  private static String shown(String s) {
    return s.length() <= 60 ? s : s.substring(0, 40) + "... (" + s.length() + " characters)";
  }
}
