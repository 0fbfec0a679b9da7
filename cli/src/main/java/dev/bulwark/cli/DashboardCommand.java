package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Calls("GET /api/v1/dashboard")
@Command(
    name = "dashboard",
    description =
        "The portfolio dashboard for your teams: open findings by severity and overdue SLAs per team (a table; --format json adds the tolerance matrix, the trend, the time to remediate and the gate pass rates).",
    mixinStandardHelpOptions = true)
final class DashboardCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Option(
      names = "--days",
      paramLabel = "N",
      description =
          "The period of the trend, time to remediate and gate rates: the last N days (1 to 366, default 30).")
  Integer days;

  @Override
  public Integer call() {
    JsonNode r = client.client().get("/api/v1/dashboard" + new Query().add("days", days));
    if (client.output.json()) {
      Printer.print(spec.commandLine().getOut(), client.output, r, null);
      return ExitCodes.OK;
    }
    ObjectNode table = Json.MAPPER.createObjectNode();
    ArrayNode rows = table.putArray("rows");
    for (JsonNode t : r.path("teams")) {
      row(
          rows,
          t.path("team").asText(),
          t.path("services").asLong(),
          t.path("breaching").asLong(),
          t.path("open"),
          t.path("overdue").asLong());
    }
    long services = 0;
    long breaching = 0;
    for (JsonNode t : r.path("teams")) {
      services += t.path("services").asLong();
      breaching += t.path("breaching").asLong();
    }
    row(rows, "(all)", services, breaching, r.path("open"), r.path("overdue").asLong());
    Printer.print(
        spec.commandLine().getOut(),
        client.output,
        table,
        "rows",
        "team",
        "services",
        "breaching",
        "critical",
        "high",
        "medium",
        "low",
        "unknown",
        "overdue");
    return ExitCodes.OK;
  }

  private static void row(
      ArrayNode rows, String team, long services, long breaching, JsonNode open, long overdue) {
    ObjectNode row = rows.addObject();
    row.put("team", team);
    row.put("services", services);
    row.put("breaching", breaching);
    for (String s : new String[] {"critical", "high", "medium", "low", "unknown"}) {
      row.put(s, open.path(s).asLong());
    }
    row.put("overdue", overdue);
  }
}
