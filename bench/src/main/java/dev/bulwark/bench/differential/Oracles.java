package dev.bulwark.bench.differential;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The independent orderings, by ecosystem. None is what Bulwark uses (org.semver4j, versatile,
 * maven-artifact, Bulwark's own PEP 440 and RubyGems code):
 *
 * <ul>
 *   <li>Go, crates.io: {@link Semver2}, SemVer 2.0 written in the harness from the specification.
 *   <li>npm: the {@code semver} npm package; Maven: {@code mvncmp}; NuGet: {@code
 *       @snyk/nuget-semver}; RubyGems: {@code @snyk/ruby-semver}, for the strings Gem::Version's
 *       pattern reads (all npm, pinned and installed by
 *       {@code .ci/steps/before-20-differential-tools.sh} into {@link #nodeModules}).
 *   <li>PyPI: Debian's {@code python3-packaging} (with {@code canonicalize_name} for names).
 *   <li>Debian, Ubuntu: dpkg's rules in one process (Dpkg::Version, from the dpkg source), checked
 *       against {@code dpkg --compare-versions} on a sample of every run.
 *   <li>Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE: RPM's own comparison (Debian's {@code
 *       python3-rpm}).
 *   <li>Alpine, Wolfi, Chainguard: {@link ApkVersion}, written in the harness.
 *   <li>Packagist: Composer's own library, composer/semver (Debian's {@code php-composer-semver}
 *       with {@code php-cli}): {@code VersionParser::normalize} and {@code Comparator}, as {@code
 *       Semver::sort} orders versions, the default branch above every release and any other branch
 *       without an order, so undecidable (Bulwark uses versatile's Java reimplementation), through
 *       {@code bench/differential/oracle.php}.
 * </ul>
 */
final class Oracles {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String PHP = "/usr/bin/php";
  private static final Path COMPOSER_SEMVER =
      Path.of("/usr/share/php/Composer/Semver/autoload.php");
  private final Path scripts;
  private final Path nodeModules;
  private final Map<Eco, OsvEvaluation> cache = new EnumMap<>(Eco.class);

  Oracles(Path root) {
    this.scripts = root.resolve("bench/differential");
    String env = System.getenv("BULWARK_DIFFERENTIAL_NODE");
    this.nodeModules =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "bulwark-differential", "node");
  }

  String why(Eco eco) {
    return "none wired";
  }

  OsvEvaluation evaluation(Eco eco) {
    if (!cache.containsKey(eco)) {
      cache.put(eco, create(eco));
    }
    return cache.get(eco);
  }

  private OsvEvaluation create(Eco eco) {
    Oracle strict =
        Oracle.inJava(
            "SemVer 2.0 written in the harness (semver.org)",
            s -> Semver2.parse(s, Semver2.Dialect.STRICT),
            Semver2::compareTo);
    Oracle ordering =
        switch (eco) {
          case GO ->
              Oracle.inJava(
                  "SemVer 2.0 written in the harness (semver.org), Go's v prefix, +incompatible and"
                      + " pseudo-versions (go.dev/ref/mod)",
                  s -> Semver2.parse(s, Semver2.Dialect.GO),
                  Semver2::compareTo);
          case CRATES_IO -> strict;
          case NPM -> node("npm", "semver", "semver@7.8.6 (npm)");
          case MAVEN ->
              node("maven", "mvncmp", "mvncmp@1.0.0 (npm; Maven's ComparableVersion in JS)");
          case NUGET -> node("nuget", "@snyk/nuget-semver", "@snyk/nuget-semver@1.6.1 (npm)");
          case RUBYGEMS ->
              node(
                  "rubygems",
                  "@snyk/ruby-semver",
                  "@snyk/ruby-semver@4.2.1 (npm), its platform suffixes stripped first");
          case PYPI ->
              python(
                  "pypi",
                  "packaging",
                  "packaging.version (Debian python3-packaging "
                      + debVersion("python3-packaging")
                      + ")");
          case DEBIAN, UBUNTU ->
              Oracle.process(
                  "dpkg's rules: Dpkg::Version (Debian libdpkg-perl "
                      + debVersion("libdpkg-perl")
                      + "), checked against dpkg --compare-versions (dpkg "
                      + debVersion("dpkg")
                      + ") on a sample",
                  !onPath("dpkg")
                      ? "dpkg is not installed"
                      : !Files.exists(Path.of("/usr/share/perl5/Dpkg/Version.pm"))
                          ? "Dpkg::Version is not installed (apt-get install libdpkg-perl)"
                          : null,
                  List.of("perl", scripts.resolve("dpkg-oracle.pl").toString()));
          case REDHAT, ROCKY, ALMALINUX, SUSE, OPENSUSE ->
              python(
                  "rpm",
                  "rpm",
                  "rpm.ver / rpmvercmp (Debian python3-rpm " + debVersion("python3-rpm") + ")");
          case ALPINE, WOLFI, CHAINGUARD ->
              Oracle.inJava(
                  "apk ordering written in the harness from apk-tools' documented rules",
                  ApkVersion::parse,
                  ApkVersion::compareTo);
          case PACKAGIST -> php();
        };
    if (ordering == null) {
      return null;
    }
    Oracle semver = eco == Eco.GO || eco == Eco.NPM ? ordering : strict;
    return new OsvEvaluation(eco, ordering, semver, this::canonicalPyPiNames);
  }

  private Oracle node(String mode, String module, String description) {
    String missing = null;
    if (!onPath("node")) {
      missing = "node is not installed";
    } else if (!Files.isDirectory(nodeModules.resolve("node_modules").resolve(module))) {
      missing =
          module
              + " is not installed in "
              + nodeModules
              + " (bash .ci/steps/before-20-differential-tools.sh installs it)";
    }
    return Oracle.process(
        description,
        missing,
        List.of(
            "env",
            "BULWARK_DIFFERENTIAL_NODE=" + nodeModules,
            "node",
            scripts.resolve("oracle.js").toString(),
            mode));
  }

  private Oracle php() {
    String missing = null;
    if (!Files.isExecutable(Path.of(PHP))) {
      missing = PHP + " is missing (apt-get install php-cli)";
    } else if (!Files.isRegularFile(COMPOSER_SEMVER)) {
      missing =
          "composer/semver is not installed at "
              + COMPOSER_SEMVER
              + " (apt-get install php-composer-semver)";
    }
    return Oracle.process(
        "composer/semver "
            + debVersion("php-composer-semver")
            + " (Debian php-composer-semver; VersionParser::normalize and Comparator, as"
            + " Semver::sort orders)",
        missing,
        List.of(PHP, scripts.resolve("oracle.php").toString(), COMPOSER_SEMVER.toString()));
  }

  private Oracle python(String mode, String module, String description) {
    String missing = null;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      missing = PYTHON + " is missing";
    } else if (!Files.isDirectory(Path.of("/usr/lib/python3/dist-packages", module))) {
      missing =
          "the Debian package of Python's "
              + module
              + " is not installed (apt-get install python3-"
              + module
              + ")";
    }
    return Oracle.process(
        description, missing, List.of(PYTHON, scripts.resolve("oracle.py").toString(), mode));
  }

  /** PEP 503 names by packaging.utils.canonicalize_name, in one process for the batch. */
  private Map<String, String> canonicalPyPiNames(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    try {
      Path in = Files.createTempFile("differential-n", ".tsv");
      try {
        StringBuilder sb = new StringBuilder();
        for (String n : list) {
          sb.append("n\t").append(n.replace('\t', ' ').replace('\n', ' ')).append('\n');
        }
        Files.writeString(in, sb, StandardCharsets.UTF_8);
        Process p =
            new ProcessBuilder(PYTHON, scripts.resolve("oracle.py").toString(), "pypi")
                .redirectInput(in.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> lines =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || lines.size() != list.size()) {
          throw new IOException(
              "canonicalize_name answered " + lines.size() + " of " + list.size());
        }
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
          out.put(list.get(i), lines.get(i));
        }
        return out;
      } finally {
        Files.deleteIfExists(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** The installed version of a Debian package, for the report ("?" when it cannot be told). */
  private static String debVersion(String pkg) {
    if (!onPath("dpkg-query")) {
      return "?";
    }
    try {
      Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", pkg).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && !v.isEmpty() ? v : "?";
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
