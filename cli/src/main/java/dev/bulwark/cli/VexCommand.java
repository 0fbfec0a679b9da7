package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw CliException.input("no such file: " + file);
      }
      JsonNode r =
          client
              .client()
              .postRaw(
                  "/api/v1/services/" + ApiClient.segment(service.service) + "/vex",
                  "application/json",
                  Files.readAllBytes(file));
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
    public Integer call() throws IOException {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/services/"
                      + ApiClient.segment(release.service)
                      + "/releases/"
                      + ApiClient.segment(release.version)
                      + "/vex");
      String text =
          Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r)
              + "\n";
      Path out = client.output.file();
      client.output.warnDeprecated(spec.commandLine().getErr());
      if (out == null) {
        PrintWriter w = spec.commandLine().getOut();
        w.print(text);
        w.flush();
      } else {
        Files.writeString(out, text);
      }
      return ExitCodes.OK;
    }
  }
}
