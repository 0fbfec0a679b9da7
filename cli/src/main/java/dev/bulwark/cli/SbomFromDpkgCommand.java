package dev.bulwark.cli;

import dev.bulwark.vuln.sbom.DpkgSbom;
import dev.bulwark.vuln.sbom.SbomFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark sbom from-dpkg}: a CycloneDX SBOM of the Debian or Ubuntu system it runs on (or of
 * a dpkg-query listing and an os-release file given), with purls, source packages and the status
 * file, ready for {@code bulwark scan}. Offline; runs {@code dpkg-query} itself.
 */
@Command(
    name = "from-dpkg",
    description =
        "Write a CycloneDX SBOM of this machine's Debian packages (dpkg-query, /etc/os-release):"
            + " purls with arch and distro, source packages (upstream) and the status file.",
    mixinStandardHelpOptions = true)
final class SbomFromDpkgCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** -o/--output FILE, -q/--quiet (docs/cli.md); the format is CycloneDX JSON. */
  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--os-release",
      paramLabel = "FILE",
      description = "The os-release file naming the distribution (default /etc/os-release).")
  Path osRelease = Path.of("/etc/os-release");

  @Option(
      names = "--dpkg-output",
      paramLabel = "FILE",
      description =
          "Read this dpkg-query listing instead of running dpkg-query (format: dpkg-query -W -f '"
              + "${Package}\\t${Version}\\t${Architecture}\\t${Source}\\t${source:Version}"
              + "\\t${db:Status-Abbrev}\\n').")
  Path dpkgOutput;

  @Override
  public Integer call() {
    output.format("json");
    output.warnDeprecated(spec.commandLine().getErr());
    // The os-release file first: it is the cheaper of the two inputs to get wrong.
    DpkgSbom.Distro distro = DpkgSbom.osRelease(InputFiles.readString(osRelease));
    if (distro == null) {
      throw CliException.input(
          osRelease + ": names no distribution (no ID= line, as /etc/os-release has)");
    }
    String listingText;
    String source;
    if (dpkgOutput != null) {
      listingText = InputFiles.readString(dpkgOutput);
      source = dpkgOutput.toString();
    } else {
      listingText = runDpkgQuery();
      source = "dpkg-query";
    }
    DpkgSbom.Listing listing;
    try {
      listing = DpkgSbom.read(source, listingText);
    } catch (SbomFormatException e) {
      throw CliException.input(e.getMessage());
    }
    String version = new Main.Version().getVersion()[0].replace("bulwark ", "");
    String doc = DpkgSbom.cycloneDx(listing, distro, version, Instant.now(), UUID.randomUUID());
    output.write(spec.commandLine().getOut(), w -> w.print(doc));
    output.notice(
        listing.packages().size()
            + " packages of "
            + distro.qualifier()
            + (listing.notInstalled() == 0
                ? ""
                : " ("
                    + listing.notInstalled()
                    + " not installed, left out: configuration files only)")
            + (output.file() == null ? "" : " written to " + output.file()));
    return ExitCodes.OK;
  }

  private static String runDpkgQuery() {
    Process p;
    try {
      p =
          new ProcessBuilder("dpkg-query", "-W", "-f=" + DpkgSbom.QUERY_FORMAT)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw CliException.input(
          "dpkg-query cannot be run here ("
              + e.getMessage()
              + "); not a Debian system? Give a listing with --dpkg-output FILE");
    }
    try {
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw CliException.input(
            "dpkg-query failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
      }
      return text;
    } catch (IOException e) {
      throw CliException.input("dpkg-query: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.input("interrupted while dpkg-query ran");
    }
  }
}
