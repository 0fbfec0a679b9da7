package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
    name = "services",
    description = "Read and change the service catalog.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ServicesCommand.ListServices.class,
      ServicesCommand.GetService.class,
      ServicesCommand.PutService.class,
      ServicesCommand.DeleteService.class
    })
final class ServicesCommand {
  static final String[] COLUMNS = {"name", "team", "area", "criticality", "value"};

  @Calls("GET /api/v1/services")
  @Command(
      name = "list",
      description = "List the services you may see.",
      mixinStandardHelpOptions = true)
  static final class ListServices implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--team", description = "Only this team's services.")
    String team;

    @Override
    public Integer call() {
      String q = team == null ? "" : "?team=" + ApiClient.segment(team);
      JsonNode r = client.client().get("/api/v1/services" + q);
      Printer.print(spec.commandLine().getOut(), client.output, r, "services", COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/services/{name}")
  @Command(name = "get", description = "Show one service.", mixinStandardHelpOptions = true)
  static final class GetService implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/services/" + ApiClient.segment(name));
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("PUT /api/v1/services/{name}")
  @Command(
      name = "put",
      description = "Create or replace a service (idempotent).",
      mixinStandardHelpOptions = true)
  static final class PutService implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--team", required = true)
    String team;

    @Option(names = "--area", required = true, description = "website, backend or data")
    String area;

    @Option(names = "--criticality", required = true, description = "low, medium, high or critical")
    String criticality;

    @Option(names = "--value", description = "Business value (a number).")
    Double value;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("team", team);
      body.put("area", area);
      body.put("criticality", criticality);
      if (value != null) {
        body.put("value", value);
      }
      JsonNode r = client.client().put("/api/v1/services/" + ApiClient.segment(name), body);
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("DELETE /api/v1/services/{name}")
  @Command(name = "delete", description = "Delete a service.", mixinStandardHelpOptions = true)
  static final class DeleteService implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      client.client().delete("/api/v1/services/" + ApiClient.segment(name));
      LedgerCommand.result(
          client.output, spec.commandLine().getOut(), "deleted " + name, Map.of("deleted", name));
      return ExitCodes.OK;
    }
  }
}
