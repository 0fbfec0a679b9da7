package dev.bulwark.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sarif",
    description = "Upload SAST and DAST results (SARIF 2.1.0) of releases.",
    mixinStandardHelpOptions = true,
    subcommands = {SarifCommand.Upload.class})
final class SarifCommand {
  private SarifCommand() {}

  /**
   * Refuses here, naming the file, what the server would refuse without naming it: a file that is
   * not JSON or not a SARIF 2.1.0 log. The server still checks every result.
   */
  static void requireSarif(Path file, byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      var at = e.getLocation();
      throw CliException.input(
          file
              + ": not JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ", expected a SARIF 2.1.0 log");
    } catch (IOException e) {
      throw CliException.input(file + ": cannot be read (" + e.getMessage() + ")");
    }
    if (root == null
        || !root.isObject()
        || !"2.1.0".equals(root.path("version").asText())
        || !root.path("runs").isArray()) {
      throw CliException.input(
          file
              + ": not a SARIF 2.1.0 log (expected an object with \"version\": \"2.1.0\" and \"runs\")");
    }
  }

  @Calls({
    "POST /api/v1/services/{name}/releases",
    "POST /api/v1/services/{name}/releases/{version}/sarif"
  })
  @Command(
      name = "upload",
      description =
          "Upload a SARIF 2.1.0 log for a release: its results become code findings (deduplicated by fingerprint) and what a gate's tests input reads (the starter bundle's sast policy asks for SAST results with none high or critical). With --digest the release is created first when it does not exist.",
      mixinStandardHelpOptions = true)
  static final class Upload implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Option(
        names = "--kind",
        defaultValue = "sast",
        description = "sast (default) or dast: which tests the results count as.")
    String kind;

    @Option(
        names = "--digest",
        paramLabel = "sha256:HEX",
        description = "Create the release with this artifact digest if it does not exist yet.")
    String digest;

    @Parameters(index = "0", paramLabel = "FILE", description = "The SARIF 2.1.0 log (JSON).")
    Path file;

    @Override
    public Integer call() {
      byte[] body = InputFiles.read(file);
      requireSarif(file, body);
      ApiClient api = client.client();
      if (digest != null) {
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("version", release.version);
        created.put("digest", digest);
        api.post("/api/v1/services/" + ApiClient.segment(release.service) + "/releases", created);
      }
      JsonNode r =
          api.postRaw(
              Query.release(release.service, release.version, "sarif")
                  + new Query().add("kind", kind),
              "application/sarif+json",
              body);
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        Printer.print(out, client.output, r, null);
      } else {
        client.output.write(
            out,
            w ->
                w.println(
                    release.service
                        + " "
                        + release.version
                        + ": "
                        + kind
                        + " results from "
                        + file.getFileName()
                        + ": "
                        + r.path("results").asInt()
                        + " read, "
                        + r.path("added").asInt()
                        + " new, "
                        + r.path("known").asInt()
                        + " already known"));
      }
      return ExitCodes.OK;
    }
  }
}
