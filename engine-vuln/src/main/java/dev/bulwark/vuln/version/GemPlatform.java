package dev.bulwark.vuln.version;

import java.util.regex.Pattern;

/**
 * The platform Bundler and older Syft releases append to a gem's version ({@code
 * nokogiri@1.13.10-x86_64-linux}, {@code 1.13.10-arm64-darwin}, {@code 1.13.10-java}). A platform
 * is a separate attribute of a gem (purl's {@code platform} qualifier, Gem::Platform), not part of
 * its version: read as a version, {@code 1.13.10-arm64-darwin} would be a pre-release of 1.13.10
 * ("-" means ".pre."), and {@code -x86_64-linux} is no RubyGems version at all. Written here: no
 * maintained Java library reads Gem::Platform strings.
 *
 * <p>A suffix counts as a platform when it has Gem::Platform's shape, {@code cpu-os[-version]},
 * with a CPU and an OS that rubygems' platform.rb names, or is one of the single-word platforms
 * ({@code java}, {@code jruby}, {@code mswin32}, {@code mswin64}, {@code mingw32}). Anything else
 * after a "-" stays a pre-release, as Gem::Version reads it.
 */
public final class GemPlatform {
  private static final Pattern CPU =
      Pattern.compile(
          "x86|x86_64|x64|i[3-6]86|universal|arm|armv[0-9]+[a-z]*|arm64|arm64e|aarch64|powerpc"
              + "|powerpc64|powerpc64le|ppc|ppc64|ppc64le|s390|s390x|sparc|sparc64|mips[a-z0-9]*"
              + "|riscv64|loongarch64");
  private static final Pattern OS =
      Pattern.compile(
          "linux|darwin[0-9]*|mingw32|mingw|mswin32|mswin64|cygwin|freebsd[0-9]*|openbsd[0-9.]*"
              + "|netbsd[a-z0-9]*|solaris[0-9.]*|aix[0-9.]*|java|jruby|wasi|dalvik[0-9]*|dotnet");
  private static final Pattern ALONE = Pattern.compile("java|jruby|mswin32|mswin64|mingw32");

  private GemPlatform() {}

  /** The version without a platform suffix; the version itself when it has none. */
  public static String withoutPlatform(String version) {
    if (version == null) {
      return null;
    }
    int dash = version.indexOf('-');
    if (dash <= 0) {
      return version;
    }
    String suffix = version.substring(dash + 1);
    if (ALONE.matcher(suffix).matches()) {
      return version.substring(0, dash);
    }
    String[] parts = suffix.split("-", -1);
    if (parts.length >= 2 && CPU.matcher(parts[0]).matches() && OS.matcher(parts[1]).matches()) {
      return version.substring(0, dash);
    }
    return version;
  }
}
