package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "attestations",
    description = "Attestations of releases (bulwark attest adds one).",
    mixinStandardHelpOptions = true,
    subcommands = {AttestationsCommand.List.class})
final class AttestationsCommand {
  private AttestationsCommand() {}

  @Calls("GET /api/v1/services/{name}/releases/{version}/attestations")
  @Command(
      name = "list",
      description = "The release's attestations, verified or not, each with its reason.",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Override
    public Integer call() {
      JsonNode r =
          client.client().get(Query.release(release.service, release.version, "attestations"));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "attestations",
          "id",
          "verified",
          "predicateType",
          "builderId",
          "key",
          "reason");
      return ExitCodes.OK;
    }
  }
}
