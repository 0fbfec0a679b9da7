package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Calls("GET /api/v1/services/{name}/releases/{version}/plan")
@Command(
    name = "plan",
    description =
        "The upgrade plan of a release: what to upgrade first, to which version, and what it clears"
            + " (severity: the gravest finding of the component; --format json says where each"
            + " finding's severity came from).",
    mixinStandardHelpOptions = true)
final class PlanCommand implements Callable<Integer> {
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
                    + "/plan");
    Printer.print(
        spec.commandLine().getOut(),
        client.output,
        r,
        "steps",
        "component",
        "upgradeTo",
        "clears",
        "of",
        "severity",
        "riskCleared");
    return ExitCodes.OK;
  }
}
