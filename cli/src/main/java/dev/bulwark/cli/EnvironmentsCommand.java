package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of its own rather than {@code gate environments}: {@code gate} has required options,
 * which picocli would ask for before any subcommand.
 */
@Calls("GET /api/v1/gates/environments")
@Command(
    name = "environments",
    description =
        "The environments gates know (what gate --env and deploy record --env take), in promotion order.",
    mixinStandardHelpOptions = true)
final class EnvironmentsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode r = client.client().get("/api/v1/gates/environments");
    if (client.output.json()) {
      Printer.print(spec.commandLine().getOut(), client.output, r, null);
      return ExitCodes.OK;
    }
    ObjectNode table = Json.MAPPER.createObjectNode();
    ArrayNode rows = table.putArray("rows");
    int order = 1;
    for (JsonNode e : r.path("environments")) {
      rows.addObject().put("order", order++).put("environment", e.asText());
    }
    Printer.print(
        spec.commandLine().getOut(), client.output, table, "rows", "order", "environment");
    return ExitCodes.OK;
  }
}
