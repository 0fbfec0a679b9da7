package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Calls("GET /api/v1/services/{name}/releases/{version}/diff")
@Command(
    name = "diff",
    description =
        "What changed from one release of a service to another: components added (+), removed (-) and changed (~), findings introduced and resolved.",
    mixinStandardHelpOptions = true)
final class DiffCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;
  @Mixin ServiceOption service;

  @Option(names = "--from", required = true, paramLabel = "VERSION", description = "The earlier.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The later.")
  String to;

  @Override
  public Integer call() {
    JsonNode r =
        client
            .client()
            .get(Query.release(service.service, to, "diff") + new Query().add("against", from));
    PrintWriter out = spec.commandLine().getOut();
    if (client.output.json()) {
      Printer.print(out, client.output, r, null);
      return ExitCodes.OK;
    }
    client.output.write(
        out,
        w -> {
          w.println(service.service + " " + from + " -> " + to);
          r.path("added").forEach(a -> w.println("+ " + a.asText()));
          r.path("removed").forEach(a -> w.println("- " + a.asText()));
          r.path("changed")
              .forEach(
                  c ->
                      w.println(
                          "~ "
                              + c.path("package").asText()
                              + " "
                              + c.path("from").asText()
                              + " -> "
                              + c.path("to").asText()));
          w.println(
              "components: "
                  + r.path("added").size()
                  + " added, "
                  + r.path("removed").size()
                  + " removed, "
                  + r.path("changed").size()
                  + " changed");
          w.println(
              "findings introduced ("
                  + r.path("findingsIntroduced").size()
                  + "): "
                  + join(r.path("findingsIntroduced")));
          w.println(
              "findings resolved ("
                  + r.path("findingsResolved").size()
                  + "): "
                  + join(r.path("findingsResolved")));
        });
    return ExitCodes.OK;
  }

  private static String join(JsonNode array) {
    return array.isEmpty() ? "-" : String.join(", ", FindingsCommand.texts(array));
  }
}
