package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
    name = "sbom",
    description = "Upload SBOMs of releases; build one of this machine's Debian packages.",
    mixinStandardHelpOptions = true,
    subcommands = {SbomCommand.Upload.class, SbomFromDpkgCommand.class})
final class SbomCommand {

  @Calls({
    "POST /api/v1/services/{name}/releases",
    "PUT /api/v1/services/{name}/releases/{version}/sbom"
  })
  @Command(
      name = "upload",
      description =
          "Create the release if needed and upload its SBOM (CycloneDX JSON/XML or SPDX JSON).",
      mixinStandardHelpOptions = true)
  static final class Upload implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Mixin ReleaseOptions release;

    @Option(
        names = "--digest",
        required = true,
        paramLabel = "sha256:HEX",
        description = "The artifact's digest.")
    String digest;

    @Option(
        names = "--force",
        description = "Replace a different SBOM already stored (admin only).")
    boolean force;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      byte[] body = InputFiles.read(file);
      boolean xml = firstNonBlank(body) == '<';
      if (!xml) {
        InputFiles.parseJson(file, body, "a CycloneDX or SPDX SBOM");
      }
      ApiClient api = client.client();
      String base = "/api/v1/services/" + ApiClient.segment(release.service) + "/releases";
      Map<String, Object> created = new LinkedHashMap<>();
      created.put("version", release.version);
      created.put("digest", digest);
      api.post(base, created);
      String type = xml ? "application/xml" : "application/json";
      JsonNode r;
      // A large SBOM takes the server seconds to match; a terminal shows that it is working.
      Ticker ticker =
          Ticker.start(
              spec.commandLine().getErr(),
              client.output.quiet,
              "Uploading " + file.getFileName() + " (" + body.length / 1024 + " KiB)");
      try {
        r =
            api.putFile(
                base
                    + "/"
                    + ApiClient.segment(release.version)
                    + "/sbom"
                    + (force ? "?force=true" : ""),
                type,
                file,
                body);
      } finally {
        ticker.close();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        client.output.writeJson(out, r);
      } else {
        client.output.write(
            out,
            w ->
                w.println(
                    release.service
                        + " "
                        + release.version
                        + ": SBOM "
                        + r.path("outcome").asText()
                        + " ("
                        + r.path("format").asText()
                        + " "
                        + r.path("specVersion").asText()
                        + ", "
                        + r.path("components").asInt()
                        + " components): "
                        + r.path("findings").asInt()
                        + " findings in "
                        + r.path("vulnerable").asInt()
                        + " components "
                        + r.path("bySeverity")
                        + ", "
                        + r.path("unmatched").size()
                        + " components not checked"));
      }
      return ExitCodes.OK;
    }

    private static int firstNonBlank(byte[] b) {
      for (byte x : b) {
        if (!Character.isWhitespace(x)
            && (x & 0xff) != 0xEF
            && (x & 0xff) != 0xBB
            && (x & 0xff) != 0xBF) {
          return x;
        }
      }
      return -1;
    }
  }
}
