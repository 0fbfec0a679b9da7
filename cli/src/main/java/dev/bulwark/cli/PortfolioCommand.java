package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "portfolio",
    description =
        "Which releases, of the services you may see, contain a package or a vulnerability.",
    mixinStandardHelpOptions = true,
    subcommands = {PortfolioCommand.Components.class, PortfolioCommand.Affected.class})
final class PortfolioCommand {
  private static final String[] COLUMNS = {
    "service", "team", "version", "componentVersion", "purl", "source"
  };

  @Calls("GET /api/v1/components")
  @Command(
      name = "components",
      description =
          "Releases that contain a package (by name, or as the source package of a binary"
              + " package), optionally in a vers range.",
      mixinStandardHelpOptions = true)
  static final class Components implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--purl",
        required = true,
        description = "Such as pkg:maven/org.apache.logging.log4j/log4j-core")
    String purl;

    @Option(
        names = "--range",
        description =
            "A vers range in the package's scheme, such as vers:maven/>=2.0.0|<2.17.1,"
                + " vers:deb/<3.0.11-1~deb12u2, vers:rpm/<1:3.0.7-18.el9_2 or vers:apk/<3.1.4-r1")
    String range;

    @Override
    public Integer call() {
      String path =
          "/api/v1/components?purl="
              + ApiClient.segment(purl)
              + (range == null ? "" : "&range=" + ApiClient.segment(range));
      JsonNode r = client.client().get(path);
      Printer.print(spec.commandLine().getOut(), client.output, r, "releases", COLUMNS);
      // The JSON carries them; a table would not, and they are neither in nor out of the range.
      if (!client.output.json()) {
        for (JsonNode n : r.path("notCompared")) {
          spec.commandLine()
              .getErr()
              .println(
                  "bulwark: not compared with the range: "
                      + n.path("service").asText()
                      + " "
                      + n.path("version").asText()
                      + " holds "
                      + n.path("purl").asText()
                      + " ("
                      + n.path("reason").asText()
                      + ")");
        }
      }
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/vulnerabilities/{id}/affected")
  @Command(
      name = "affected",
      description = "Releases affected by a vulnerability, named by any of its aliases.",
      mixinStandardHelpOptions = true)
  static final class Affected implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "Such as CVE-2021-44228 or GHSA-jfh8-c2jp-5v3q")
    String id;

    @Override
    public Integer call() {
      JsonNode r =
          client.client().get("/api/v1/vulnerabilities/" + ApiClient.segment(id) + "/affected");
      Printer.print(spec.commandLine().getOut(), client.output, r, "releases", COLUMNS);
      return ExitCodes.OK;
    }
  }
}
