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
    name = "risk",
    description =
        "Risk acceptance of a finding: request it (reason, expiry within 365 days), and approve it (security or admin, never the requester).",
    mixinStandardHelpOptions = true,
    subcommands = {RiskCommand.Request.class, RiskCommand.Approve.class})
final class RiskCommand {
  private RiskCommand() {}

  @Calls("POST /api/v1/findings/{id}/risk-acceptance")
  @Command(
      name = "request",
      description =
          "Ask to accept the risk of a finding until --expires; prints the request's id, which a second person approves with bulwark risk approve ID.",
      mixinStandardHelpOptions = true)
  static final class Request implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FINDING_ID")
    long finding;

    @Option(names = "--reason", required = true, description = "Why the risk is acceptable.")
    String reason;

    @Option(
        names = "--expires",
        required = true,
        paramLabel = "TIME",
        description = "RFC 3339 UTC, e.g. 2026-12-31T00:00:00Z (within 365 days).")
    String expires;

    @Option(names = "--scope", description = "release (default), service or team.")
    String scope;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reason", reason);
      body.put("expiresAt", expires);
      if (scope != null) {
        body.put("scope", scope);
      }
      JsonNode r = client.client().post("/api/v1/findings/" + finding + "/risk-acceptance", body);
      Printer.print(
          spec.commandLine().getOut(), client.output, r, null, "request", "status", "finding");
      return ExitCodes.OK;
    }
  }

  @Calls("POST /api/v1/risk-acceptances/{id}/approve")
  @Command(
      name = "approve",
      description =
          "Approve a pending risk acceptance by its request id: the finding becomes risk_accepted until the expiry. Not by its requester (exit 4).",
      mixinStandardHelpOptions = true)
  static final class Approve implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The request id (REQUEST).")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().post("/api/v1/risk-acceptances/" + id + "/approve", Map.of());
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "finding",
          "state",
          "expiresAt",
          "approvedBy");
      return ExitCodes.OK;
    }
  }
}
