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

@Calls("GET /api/v1/sla")
@Command(
    name = "sla",
    description =
        "The SLA matrix in force: days to fix a finding by service area, severity and service criticality (the defaults, refined by the server's sla.file).",
    mixinStandardHelpOptions = true)
final class SlaCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode r = client.client().get("/api/v1/sla");
    if (client.output.json()) {
      Printer.print(spec.commandLine().getOut(), client.output, r, null);
      return ExitCodes.OK;
    }
    // One row per area and severity, one column per criticality: the shape of the policy file.
    ObjectNode table = Json.MAPPER.createObjectNode();
    ArrayNode rows = table.putArray("rows");
    r.path("days")
        .properties()
        .forEach(
            area ->
                area.getValue()
                    .properties()
                    .forEach(
                        sev -> {
                          ObjectNode row = rows.addObject();
                          row.put("area", area.getKey());
                          row.put("severity", sev.getKey());
                          sev.getValue()
                              .properties()
                              .forEach(c -> row.set(c.getKey(), c.getValue()));
                        }));
    Printer.print(
        spec.commandLine().getOut(),
        client.output,
        table,
        "rows",
        "area",
        "severity",
        "critical",
        "high",
        "medium",
        "low");
    return ExitCodes.OK;
  }
}
