package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "advisories",
    description = "The server's OSV advisories.",
    mixinStandardHelpOptions = true,
    subcommands = {AdvisoriesCommand.Sync.class})
final class AdvisoriesCommand {

  @Calls("POST /api/v1/advisories/sync")
  @Command(
      name = "sync",
      description =
          "Reload the server's OSV sources now and re-evaluate the releases the changed advisories touch.",
      mixinStandardHelpOptions = true)
  static final class Sync implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().post("/api/v1/advisories/sync", Map.of());
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "advisories",
          "changed",
          "packages",
          "releases",
          "added",
          "closed",
          "loadMillis",
          "reevaluateMillis");
      return ExitCodes.OK;
    }
  }
}
