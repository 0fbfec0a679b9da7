package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "vex",
    description = "Import VEX statements for a service; export a release's VEX.",
    mixinStandardHelpOptions = true,
    subcommands = {VexCommand.Import.class, VexCommand.Export.class})
final class VexCommand {

  @Calls("POST /api/v1/services/{name}/vex")
  @Command(
      name = "import",
      description = "Apply a CycloneDX VEX or OpenVEX document to a service's releases.",
      mixinStandardHelpOptions = true)
  static final class Import implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Mixin ServiceOption service;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      byte[] body = InputFiles.readJson(file, "a CycloneDX VEX or OpenVEX document");
      JsonNode r =
          client
              .client()
              .postFile(
                  "/api/v1/services/" + ApiClient.segment(service.service) + "/vex",
                  "application/json",
                  file,
                  body);
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "statements",
          "applied",
          "kept",
          "decisions");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/services/{name}/releases/{version}/vex")
  @Command(
      name = "export",
      description = "Write a release's CycloneDX 1.6 VEX.",
      mixinStandardHelpOptions = true)
  static final class Export implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Mixin ReleaseOptions release;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/services/"
                      + ApiClient.segment(release.service)
                      + "/releases/"
                      + ApiClient.segment(release.version)
                      + "/vex");
      // The result is a CycloneDX VEX document, which is JSON: both names are accepted.
      client.output.format("cyclonedx", "json");
      client.output.writeJson(spec.commandLine().getOut(), r);
      return ExitCodes.OK;
    }
  }
}
