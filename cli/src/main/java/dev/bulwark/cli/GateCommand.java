package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Calls("POST /api/v1/gates/evaluate")
@Command(
    name = "gate",
    description =
        "May this release go to this environment? Prints every rule's outcome and why; exit 0 on allow, 1 on deny. The decision is on the server's ledger.",
    mixinStandardHelpOptions = true)
final class GateCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Mixin ReleaseOptions release;

  @Option(names = "--env", required = true, paramLabel = "ENV")
  String environment;

  @Override
  public Integer call() {
    JsonNode r =
        client
            .client()
            .post(
                "/api/v1/gates/evaluate",
                Map.of(
                    "service",
                    release.service,
                    "version",
                    release.version,
                    "environment",
                    environment));
    PrintWriter out = spec.commandLine().getOut();
    if (!printJson(out, client.output, r)) {
      printResults(out, r);
      out.printf(
          "%s %s %s (%s) to %s; bundle %s; ledger index %d%n",
          r.path("decision").asText().toUpperCase(java.util.Locale.ROOT),
          r.path("service").asText(),
          r.path("version").asText(),
          r.path("digest").asText(),
          r.path("environment").asText(),
          r.path("bundle").asText(),
          r.path("ledgerIndex").asLong());
    }
    return r.path("decision").asText().equals("allow") ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }

  /** Pretty JSON when asked for it; returns whether it printed. */
  static boolean printJson(PrintWriter out, OutputOptions format, JsonNode r) {
    if (!format.json()) {
      return false;
    }
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return true;
  }

  /** One line per rule: outcome, policy/rule and its message. */
  static void printResults(PrintWriter out, JsonNode decision) {
    for (JsonNode x : decision.path("results")) {
      out.printf(
          "%-7s %s/%s%s%n",
          x.path("outcome").asText().toUpperCase(java.util.Locale.ROOT),
          x.path("policy").asText(),
          x.path("rule").asText(),
          x.path("message").asText().isEmpty() ? "" : ": " + x.path("message").asText());
    }
  }
}
