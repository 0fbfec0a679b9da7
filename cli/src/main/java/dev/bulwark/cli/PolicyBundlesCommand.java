package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code policy list} and {@code policy show}: the bundles stored on the server. */
final class PolicyBundlesCommand {
  private PolicyBundlesCommand() {}

  @Calls("GET /api/v1/policies/bundles")
  @Command(
      name = "list",
      description =
          "Every policy bundle version on the server, newest first; ACTIVE marks the one in force per layer.",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/policies/bundles");
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "bundles",
          "id",
          "digest",
          "team",
          "status",
          "active",
          "policies",
          "rules",
          "pushedBy",
          "decidedBy",
          "pushedAt");
      return ExitCodes.OK;
    }
  }

  @Calls({"GET /api/v1/policies/bundles", "GET /api/v1/policies/bundles/{digest}"})
  @Command(
      name = "show",
      description =
          "The files of one bundle version, by digest or by id (from policy list); --file prints one file's text.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIGEST|ID")
    String bundle;

    @Option(names = "--file", paramLabel = "PATH", description = "Print only this file's text.")
    String file;

    @Override
    public Integer call() {
      ApiClient api = client.client();
      String digest = bundle;
      if (bundle.chars().allMatch(Character::isDigit)) {
        digest = null;
        for (JsonNode b : api.get("/api/v1/policies/bundles").path("bundles")) {
          if (b.path("id").asText().equals(bundle)) {
            digest = b.path("digest").asText();
          }
        }
        if (digest == null) {
          throw CliException.input("Not Found: no policy bundle " + bundle);
        }
      }
      JsonNode r = api.get("/api/v1/policies/bundles/" + ApiClient.segment(digest));
      PrintWriter out = spec.commandLine().getOut();
      if (file != null) {
        JsonNode text = r.path("files").path(file);
        if (!text.isTextual()) {
          throw CliException.input(
              "Not Found: bundle "
                  + digest
                  + " has no file "
                  + file
                  + " (it has "
                  + String.join(", ", FindingsCommand.names(r.path("files")))
                  + ")");
        }
        client.output.write(out, w -> w.print(text.asText()));
        return ExitCodes.OK;
      }
      if (client.output.json()) {
        Printer.print(out, client.output, r, null);
        return ExitCodes.OK;
      }
      ObjectNode table = Json.MAPPER.createObjectNode();
      ArrayNode rows = table.putArray("files");
      r.path("files")
          .properties()
          .forEach(
              f ->
                  rows.addObject()
                      .put("file", f.getKey())
                      .put("bytes", f.getValue().asText().getBytes(StandardCharsets.UTF_8).length));
      Printer.print(out, client.output, table, "files", "file", "bytes");
      return ExitCodes.OK;
    }
  }
}
