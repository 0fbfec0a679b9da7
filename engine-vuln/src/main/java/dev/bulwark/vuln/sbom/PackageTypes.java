package dev.bulwark.vuln.sbom;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The package types Syft ({@code syft:package:type}) and Trivy ({@code aquasecurity:trivy:PkgType},
 * older {@code aquasecurity:trivy:Type}) record, and the purl types each can honestly have. Only
 * types whose purl is certain are listed: a type not listed here ({@code binary}, {@code nix},
 * Syft's and Trivy's many rarer ones) is not compared, rather than guessed at.
 */
public final class PackageTypes {
  private static final Map<String, String> PURL_TYPE = new HashMap<>();

  /** Package types of distribution package managers: such a package is matched by its purl. */
  private static final Set<String> OS_TYPES;

  static {
    // Syft: syft/pkg/type.go.
    put("deb", "deb");
    put("rpm", "rpm");
    put("apk", "apk");
    put("npm", "npm");
    put("python", "pypi");
    put("gem", "gem");
    put("go-module", "golang");
    put("java-archive", "maven");
    put("jenkins-plugin", "maven");
    put("rust-crate", "cargo");
    put("php-composer", "composer");
    put("dotnet", "nuget");
    // Trivy: the target types of pkg/fanal/types (OS families, then language analyzers).
    for (String deb : new String[] {"debian", "ubuntu"}) {
      put(deb, "deb");
    }
    for (String apk : new String[] {"alpine", "wolfi", "chainguard"}) {
      put(apk, "apk");
    }
    for (String rpm :
        new String[] {
          "redhat",
          "centos",
          "rocky",
          "alma",
          "amazon",
          "oracle",
          "fedora",
          "photon",
          "suse",
          "sles",
          "opensuse",
          "opensuse.leap",
          "opensuse.tumbleweed",
          "cbl-mariner",
          "azurelinux"
        }) {
      put(rpm, "rpm");
    }
    for (String npm : new String[] {"yarn", "pnpm", "node-pkg", "bun"}) {
      put(npm, "npm");
    }
    for (String maven : new String[] {"jar", "pom", "gradle", "sbt"}) {
      put(maven, "maven");
    }
    for (String go : new String[] {"gomod", "gobinary"}) {
      put(go, "golang");
    }
    for (String cargo : new String[] {"cargo", "rustbinary"}) {
      put(cargo, "cargo");
    }
    for (String pypi : new String[] {"pip", "pipenv", "poetry", "uv", "python-pkg"}) {
      put(pypi, "pypi");
    }
    for (String gem : new String[] {"bundler", "gemspec"}) {
      put(gem, "gem");
    }
    for (String composer : new String[] {"composer", "composer-vendor"}) {
      put(composer, "composer");
    }
    for (String nuget : new String[] {"nuget", "dotnet-core", "packages-props"}) {
      put(nuget, "nuget");
    }
    java.util.Set<String> os = new java.util.HashSet<>();
    PURL_TYPE.forEach(
        (type, purl) -> {
          if (purl.equals("deb") || purl.equals("rpm") || purl.equals("apk")) {
            os.add(type);
          }
        });
    OS_TYPES = Set.copyOf(os);
  }

  private static void put(String packageType, String purlType) {
    PURL_TYPE.put(packageType, purlType);
  }

  private PackageTypes() {}

  /** The purl type a package of this generator type has; empty when the type is not listed. */
  public static Optional<String> purlTypeOf(String packageType) {
    return packageType == null
        ? Optional.empty()
        : Optional.ofNullable(PURL_TYPE.get(packageType.strip().toLowerCase(Locale.ROOT)));
  }

  /** Whether the generator recorded the package as one of a distribution's package manager. */
  public static boolean isOsPackage(String packageType) {
    return packageType != null && OS_TYPES.contains(packageType.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * The type of a purl as its text gives it (lowercased, as the purl specification compares it), or
   * null when the text does not start like a purl.
   */
  public static String purlType(String purl) {
    if (purl == null) {
      return null;
    }
    String s = purl.strip();
    if (!s.regionMatches(true, 0, "pkg:", 0, 4)) {
      return null;
    }
    int i = 4;
    while (i < s.length() && s.charAt(i) == '/') {
      i++;
    }
    int end = s.indexOf('/', i);
    return end <= i ? null : s.substring(i, end).toLowerCase(Locale.ROOT);
  }
}
