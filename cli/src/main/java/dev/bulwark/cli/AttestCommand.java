package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Calls("POST /api/v1/services/{name}/releases/{version}/attestations")
@Command(
    name = "attest",
    description =
        "Add a DSSE envelope (in-toto statement, such as SLSA provenance) to a release. Exit 0 when it verified, 1 when it was stored as failed (the reason is printed).",
    mixinStandardHelpOptions = true)
final class AttestCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Mixin ReleaseOptions release;

  @Parameters(index = "0", paramLabel = "ENVELOPE", description = "The DSSE envelope (JSON).")
  Path file;

  @Override
  public Integer call() {
    byte[] body = InputFiles.readJson(file, "a DSSE envelope");
    JsonNode r =
        client
            .client()
            .postFile(
                "/api/v1/services/"
                    + ApiClient.segment(release.service)
                    + "/releases/"
                    + ApiClient.segment(release.version)
                    + "/attestations",
                "application/json",
                file,
                body);
    Printer.print(
        spec.commandLine().getOut(),
        client.output,
        r,
        null,
        "verified",
        "reason",
        "key",
        "predicateType",
        "builderId");
    return r.path("verified").asBoolean() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }
}
