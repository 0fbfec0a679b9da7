package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
    OutputOptions o = client.output;
    if (o.json()) {
      o.writeJson(out, r);
    } else {
      boolean colour = o.colour();
      o.write(
          out,
          w -> {
            printResults(w, r, colour);
            w.printf(
                "%s %s %s (%s) to %s; bundle %s; ledger index %d%n",
                paint(colour, r.path("decision").asText().toUpperCase(java.util.Locale.ROOT)),
                r.path("service").asText(),
                r.path("version").asText(),
                r.path("digest").asText(),
                r.path("environment").asText(),
                r.path("bundle").asText(),
                r.path("ledgerIndex").asLong());
          });
    }
    return r.path("decision").asText().equals("allow") ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }

  /** An outcome word, coloured when {@code colour}. */
  static String paint(boolean colour, String outcome) {
    return Terminal.paint(colour, Terminal.outcomeCode(outcome), outcome);
  }

  /** One line per rule: outcome, policy/rule and its message. */
  static void printResults(PrintWriter out, JsonNode decision, boolean colour) {
    for (JsonNode x : decision.path("results")) {
      String outcome = x.path("outcome").asText().toUpperCase(java.util.Locale.ROOT);
      out.printf(
          "%s %s/%s%s%n",
          paint(colour, outcome) + " ".repeat(Math.max(0, 7 - outcome.length())),
          x.path("policy").asText(),
          x.path("rule").asText(),
          x.path("message").asText().isEmpty() ? "" : ": " + x.path("message").asText());
    }
  }
}
