package dev.bulwark.bench.differential;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Component versions at and around one range bound: the bound itself, its numeric neighbours, the
 * pre-releases and suffixes that sort just below or above it in the ecosystem's syntax, and a few
 * spellings a scheme may refuse. Where a spelling is not a version of the ecosystem, both sides
 * must say so (undecidable), which is a comparison too.
 */
final class Candidates {
  private Candidates() {}

  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern SEMVER =
      Pattern.compile("^(v?)(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");

  static Set<String> around(Eco eco, String bound) {
    Set<String> out = new LinkedHashSet<>();
    if (bound == null || bound.isBlank() || bound.equals("0")) {
      // "introduced: 0" is below every version: the smallest versions of the syntax probe it.
      out.addAll(smallest(eco));
      return out;
    }
    out.add(bound);
    switch (eco.family) {
      case SEMVER -> semver(eco, bound, out);
      case PEP440 -> pep440(bound, out);
      case MAVEN -> maven(bound, out);
      case COMPOSER -> composer(bound, out);
      case GEM -> gem(bound, out);
      case DPKG -> dpkg(bound, out);
      case RPM -> rpm(bound, out);
      case APK -> apk(bound, out);
    }
    out.remove("");
    return out;
  }

  private static Set<String> smallest(Eco eco) {
    return switch (eco.family) {
      case SEMVER ->
          eco == Eco.GO
              ? Set.of("v0.0.0", "v0.0.1", "v0.0.0-20200101000000-abcdefabcdef", "v1.0.0")
              : Set.of("0.0.0", "0.0.1", "0.0.0-0", "1.0.0");
      case PEP440 -> Set.of("0", "0.0.1", "0.dev0", "1.0");
      case MAVEN -> Set.of("0", "0.0.1", "1.0-SNAPSHOT", "1.0");
      case GEM -> Set.of("0", "0.0.1", "0.a", "1.0.0.pre");
      case COMPOSER -> Set.of("0", "0.0.1", "0.0.0-dev", "v1.0.0", "1.0.0-alpha1");
      case DPKG -> Set.of("0", "0~", "0.1-1", "1:0");
      case RPM -> Set.of("0", "0.1-1", "0~rc1", "1:0");
      case APK -> Set.of("0", "0.1-r0", "0_alpha1", "1.0-r0");
    };
  }

  /** Every variant with one of the first three numbers of {@code s} moved by one. */
  private static void neighbours(String s, Set<String> out) {
    Matcher m = DIGITS.matcher(s);
    int seen = 0;
    while (m.find() && seen++ < 3) {
      String digits = m.group();
      if (digits.length() > 18) {
        continue;
      }
      long n = Long.parseLong(digits);
      String head = s.substring(0, m.start());
      String tail = s.substring(m.end());
      out.add(head + (n + 1) + tail);
      if (n > 0) {
        out.add(head + (n - 1) + tail);
      }
    }
  }

  private static void semver(Eco eco, String bound, Set<String> out) {
    Matcher m = SEMVER.matcher(bound);
    boolean go = eco == Eco.GO;
    String v = go ? "v" : "";
    if (!m.matches()) {
      neighbours(bound, out);
      out.add(bound + "-0");
      out.add(bound + "-alpha");
      return;
    }
    long major = Long.parseLong(m.group(2));
    long minor = Long.parseLong(m.group(3));
    long patch = Long.parseLong(m.group(4));
    String pre = m.group(5);
    String core = major + "." + minor + "." + patch;
    String[] cores = {
      core,
      major + "." + minor + "." + (patch + 1),
      patch > 0 ? major + "." + minor + "." + (patch - 1) : null,
      major + "." + (minor + 1) + ".0",
      minor > 0 ? major + "." + (minor - 1) + ".0" : null,
      (major + 1) + ".0.0",
      major > 0 ? (major - 1) + ".0.0" : null,
    };
    for (String c : cores) {
      if (c != null) {
        out.add(v + c);
      }
    }
    out.add(v + core + "-0");
    out.add(v + core + "-alpha");
    out.add(v + core + "-rc.1");
    out.add(v + core + "+build");
    out.add(v + core + "-beta.01");
    out.add(v + core + "-rc.1+build.2");
    out.add(v + core + "-x.7.z.92");
    if (pre != null) {
      out.add(v + core + pre);
      out.add(v + core + pre + ".1");
      out.add(v + core + pre + "+build");
      neighbours(v + core + pre, out);
    }
    // Spellings outside SemVer 2.0: both sides must refuse them.
    out.add(v + major + "." + minor);
    out.add(v + core + ".0");
    if (!go) {
      // A "v" prefix: npm's semver reads it (and "="), SemVer 2.0 and Cargo do not.
      out.add("v" + bound);
      if (eco == Eco.NPM) {
        out.add("=" + bound);
      }
    }
    if (go) {
      // Go without the v prefix (OSV's own spelling), pseudo-versions and +incompatible.
      out.add(core);
      String stamp = "20200101000000-abcdefabcdef";
      out.add("v" + major + "." + minor + "." + (patch + 1) + "-0." + stamp);
      out.add("v" + core + "-0." + stamp);
      if (pre != null) {
        out.add("v" + core + pre + ".0." + stamp);
      }
      out.add("v0.0.0-" + stamp);
      out.add("v" + core + "+incompatible");
      out.add("v" + major + "." + minor + "." + (patch + 1) + "-0." + stamp + "+incompatible");
    }
  }

  private static void pep440(String bound, Set<String> out) {
    neighbours(bound, out);
    for (String s :
        new String[] {
          "a1",
          "b1",
          "rc1",
          ".dev0",
          ".post1",
          "+local.1",
          "-alpha",
          "c1",
          "rc",
          "-1",
          "-r1",
          "pre1",
          "preview1",
          ".post0.dev1",
          "_1",
          "a1.dev1",
          "+local_x"
        }) {
      out.add(bound + s);
    }
    out.add(bound + ".0");
    out.add("1!" + bound);
    out.add(bound.toUpperCase(Locale.ROOT));
    out.add("v" + bound);
  }

  private static void maven(String bound, Set<String> out) {
    neighbours(bound, out);
    for (String s :
        new String[] {
          "-SNAPSHOT", "-alpha", "-alpha-1", "-beta", "-rc1", "-RC1", ".Final", "-0", "-M1", "-cr1",
          "-ga", "-final", "-1", ".RELEASE", "-SP1", ".0.0", "-a1", "-b2", "-milestone-1", "-pre"
        }) {
      out.add(bound + s);
    }
    out.add(bound + ".0");
    out.add(bound + "-sp1");
  }

  /**
   * Composer (VersionParser::normalize): a "v" prefix, up to four numbers, the stabilities
   * alpha/beta/RC/patch and their short forms (a, b, rc, p, pl), "-dev", "+build" metadata, and
   * branch versions ("1.2.x-dev", "dev-master"); Maven-style suffixes it refuses.
   */
  private static void composer(String bound, Set<String> out) {
    neighbours(bound, out);
    for (String s :
        new String[] {
          "-alpha", "-alpha1", "-a1", "-beta", "-beta1", "-BETA2", "-b2", "-beta.1", "-RC1",
          "-rc1", "-RC", "-p1", "-patch1", "-pl1", "-dev", "-beta1-dev", "-stable", "+build",
          ".0", ".0.0", "-SNAPSHOT", "-1", "-M1", "-rc1+build", "@dev"
        }) {
      out.add(bound + s);
    }
    out.add("v" + bound);
    out.add("V" + bound);
    // Branches: Composer orders the default branch above every release and no other branch.
    out.add("dev-master");
    out.add("dev-feature");
    Matcher m = DIGITS.matcher(bound);
    if (m.find()) {
      String major = m.group();
      if (m.find() && m.start() == major.length() + 1 && bound.charAt(major.length()) == '.') {
        out.add(major + "." + m.group() + ".x-dev");
      }
      out.add(major + ".x-dev");
    }
  }

  /**
   * RubyGems (Gem::Version): a letter makes a segment a pre-release ({@code .rc1}, {@code .pre},
   * {@code .beta.2}, {@code a}), a {@code -} reads as {@code .pre.}, trailing zeros do not count,
   * and a platform suffix or a space is not part of a version.
   */
  private static void gem(String bound, Set<String> out) {
    neighbours(bound, out);
    for (String s :
        new String[] {
          ".rc1",
          ".rc.1",
          ".pre",
          ".pre.1",
          ".beta",
          ".beta.2",
          ".alpha1",
          "a",
          ".a",
          "-rc1",
          "-1",
          ".0",
          ".0.0",
          ".1",
          ".x",
          // Platforms as Bundler and older Syft append them (Bulwark's GemPlatform; the oracle
          // strips its own list of them first).
          "-x86_64-linux",
          "-arm64-darwin",
          "-aarch64-linux",
          "-x64-mingw-ucrt",
          "-java",
          " ",
          "+build"
        }) {
      out.add(bound + s);
    }
    out.add("v" + bound);
  }

  private static void dpkg(String bound, Set<String> out) {
    neighbours(bound, out);
    if (!bound.contains(":")) {
      out.add("1:" + bound);
      out.add("0:" + bound);
    }
    out.add(bound + "~");
    out.add(bound + "~deb7u1");
    out.add(bound + "a");
    out.add(bound + "~1");
    out.add(bound + "+1");
    out.add(bound + ".1");
    int dash = bound.lastIndexOf('-');
    if (dash > 0) {
      String upstream = bound.substring(0, dash);
      String revision = bound.substring(dash + 1);
      out.add(upstream + "~rc1-" + revision);
      out.add(upstream + "-0");
      out.add(upstream);
    } else {
      out.add(bound + "-1");
      out.add(bound + "-0");
    }
  }

  private static void rpm(String bound, Set<String> out) {
    neighbours(bound, out);
    if (!bound.contains(":")) {
      out.add("1:" + bound);
      out.add("0:" + bound);
    }
    int dash = bound.lastIndexOf('-');
    String version = dash > 0 ? bound.substring(0, dash) : bound;
    String release = dash > 0 ? bound.substring(dash) : "";
    out.add(version + "~rc1" + release);
    out.add(version + "^20200101" + release);
    out.add(version + ".1" + release);
    out.add(version);
    out.add(bound + "~1");
    out.add(bound + "^1");
  }

  private static void apk(String bound, Set<String> out) {
    neighbours(bound, out);
    int r = bound.lastIndexOf("-r");
    String version = r > 0 ? bound.substring(0, r) : bound;
    String revision = r > 0 ? bound.substring(r) : "";
    out.add(version + "_rc1" + revision);
    out.add(version + "_alpha1" + revision);
    out.add(version + "_p1" + revision);
    out.add(version + "-r0");
    out.add(version + "-r1");
    out.add(version);
    out.add(version + "a" + revision);
  }

  /** Spellings of a package name a component may carry: the case and separator variants. */
  static Set<String> names(Eco eco, String name) {
    Set<String> out = new LinkedHashSet<>();
    out.add(name);
    if (eco.family == Eco.Family.DPKG) {
      return out;
    }
    out.add(name.toLowerCase(Locale.ROOT));
    out.add(name.toUpperCase(Locale.ROOT));
    if (eco == Eco.CRATES_IO || eco == Eco.PYPI) {
      out.add(name.replace('-', '_'));
      out.add(name.replace('_', '-'));
    }
    if (eco == Eco.PYPI) {
      out.add(name.replace('-', '.'));
    }
    return out;
  }
}
