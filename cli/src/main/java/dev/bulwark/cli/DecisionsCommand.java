package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "decisions",
    description =
        "Past gate decisions: list them, or show one with every rule's outcome and the values it read, as stored in its ledger entry.",
    mixinStandardHelpOptions = true,
    subcommands = {DecisionsCommand.List.class, DecisionsCommand.Show.class})
final class DecisionsCommand {

  @Calls("GET /api/v1/gates/decisions")
  @Command(name = "list", description = "Newest first.", mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--service")
    String service;

    @Option(names = "--env", paramLabel = "ENV")
    String environment;

    @Option(names = "--digest", paramLabel = "sha256:...")
    String digest;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() {
      java.util.List<String> query = new ArrayList<>();
      if (service != null) {
        query.add("service=" + ApiClient.segment(service));
      }
      if (environment != null) {
        query.add("environment=" + ApiClient.segment(environment));
      }
      if (digest != null) {
        query.add("digest=" + ApiClient.segment(digest));
      }
      query.add("limit=" + limit);
      JsonNode r = client.client().get("/api/v1/gates/decisions?" + String.join("&", query));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "decisions",
          "id",
          "decision",
          "service",
          "version",
          "environment",
          "digest",
          "ledgerIndex",
          "decidedAt");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/gates/decisions/{id}")
  @Command(
      name = "show",
      description =
          "One decision with its explanation; exit 1 when the stored explanation no longer matches the digest in its ledger entry.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/gates/decisions/" + id);
      PrintWriter out = spec.commandLine().getOut();
      boolean matches = r.path("explanationMatchesLedger").asBoolean();
      OutputOptions o = client.output;
      if (o.json()) {
        o.writeJson(out, r);
      } else {
        boolean colour = o.colour();
        o.write(
            out,
            w -> {
              GateCommand.printResults(w, r, colour);
              w.printf(
                  "%s %s %s (%s) to %s at %s by %s; bundle %s; inputs %s; ledger index %d%n",
                  GateCommand.paint(colour, r.path("decision").asText().toUpperCase(Locale.ROOT)),
                  r.path("service").asText(),
                  r.path("version").asText(),
                  r.path("digest").asText(),
                  r.path("environment").asText(),
                  r.path("decidedAt").asText(),
                  r.path("actor").asText(),
                  r.path("bundle").asText(),
                  r.path("inputDigest").asText(),
                  r.path("ledgerIndex").asLong());
              w.println(
                  matches
                      ? "explanation matches the digest in its ledger entry ("
                          + r.path("afterDigest").asText()
                          + ")"
                      : Terminal.paint(
                              colour, Terminal.outcomeCode("fail"), "EXPLANATION DOES NOT MATCH")
                          + " the digest in its ledger entry ("
                          + r.path("afterDigest").asText()
                          + "): it was changed outside Bulwark");
            });
      }
      return matches ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
  }
}
