package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "releases",
    description =
        "Releases of a service: register one, and read what its SBOM and SARIF uploads stored.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ReleasesCommand.Create.class,
      ReleasesCommand.Components.class,
      ReleasesCommand.CodeFindings.class
    })
final class ReleasesCommand {
  private ReleasesCommand() {}

  @Calls("POST /api/v1/services/{name}/releases")
  @Command(
      name = "create",
      description =
          "Register a release: version and artifact digest. The same again is fine; another digest for the version is refused (exit 4). sbom upload does this for you.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Option(names = "--digest", required = true, paramLabel = "sha256:HEX")
    String digest;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("version", release.version);
      body.put("digest", digest);
      JsonNode r =
          client
              .client()
              .post("/api/v1/services/" + ApiClient.segment(release.service) + "/releases", body);
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "service",
          "version",
          "digest",
          "createdAt",
          "sbomFormat");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/services/{name}/releases/{version}/components")
  @Command(
      name = "components",
      description = "The release's components from its SBOM, with the refs each depends on.",
      mixinStandardHelpOptions = true)
  static final class Components implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Override
    public Integer call() {
      JsonNode r =
          client.client().get(Query.release(release.service, release.version, "components"));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "components",
          "ref",
          "name",
          "version",
          "purl",
          "dependsOn");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/services/{name}/releases/{version}/code-findings")
  @Command(
      name = "code-findings",
      description = "The release's SAST and DAST results (from sarif upload).",
      mixinStandardHelpOptions = true)
  static final class CodeFindings implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Override
    public Integer call() {
      JsonNode r =
          client.client().get(Query.release(release.service, release.version, "code-findings"));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "findings",
          "kind",
          "tool",
          "ruleId",
          "level",
          "uri",
          "startLine",
          "message");
      return ExitCodes.OK;
    }
  }
}
