package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "deploy",
    description =
        "Deployments: record one (only for a digest a gate allowed), see what runs where.",
    mixinStandardHelpOptions = true,
    subcommands = {DeployCommand.Record.class, DeployCommand.List.class})
final class DeployCommand {

  @Calls("POST /api/v1/deployments")
  @Command(
      name = "record",
      description =
          "Record that a release runs in an environment; refused unless the latest gate decision for its digest there allowed it.",
      mixinStandardHelpOptions = true)
  static final class Record implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Mixin ReleaseOptions release;

    @Option(names = "--env", required = true, paramLabel = "ENV")
    String environment;

    @Override
    public Integer call() {
      JsonNode r;
      try {
        r =
            client
                .client()
                .post(
                    "/api/v1/deployments",
                    Map.of(
                        "service",
                        release.service,
                        "version",
                        release.version,
                        "environment",
                        environment));
      } catch (CliException e) {
        // 409: no gate decision allows this digest there. That is the gate's verdict, as a
        // denied gate is, not a fault of the input: exit 1, so a pipeline tells it from a typo.
        if (e.httpStatus() == 409) {
          throw e.with(ExitCodes.CHECK_FAILED, "deployment refused: " + e.getMessage());
        }
        throw e;
      }
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "service",
          "version",
          "digest",
          "environment",
          "decisionId");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/deployments")
  @Command(name = "list", description = "What runs where.", mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--env", paramLabel = "ENV")
    String environment;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/deployments"
                      + (environment == null
                          ? ""
                          : "?environment=" + ApiClient.segment(environment)));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "deployments",
          "service",
          "environment",
          "version",
          "digest",
          "deployedAt");
      return ExitCodes.OK;
    }
  }
}
