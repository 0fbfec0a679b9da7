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
    name = "waiver",
    description = "Policy waivers: request, approve (someone else), revoke, list.",
    mixinStandardHelpOptions = true,
    subcommands = {
      WaiverCommand.Request.class,
      WaiverCommand.Approve.class,
      WaiverCommand.Revoke.class,
      WaiverCommand.List.class
    })
final class WaiverCommand {
  static final String[] COLUMNS = {
    "id", "service", "policy", "rule", "state", "expires", "requestedBy", "approvedBy"
  };

  @Calls("POST /api/v1/waivers")
  @Command(
      name = "request",
      description = "Request a waiver of one rule for one service.",
      mixinStandardHelpOptions = true)
  static final class Request implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Mixin ServiceOption service;

    @Option(names = "--rule", required = true, paramLabel = "POLICY/RULE")
    String rule;

    @Option(names = "--digest", description = "Only for this artifact digest.")
    String digest;

    @Option(names = "--finding", description = "Only for this finding (vulnerability id).")
    String finding;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(
        names = "--expires",
        required = true,
        description = "RFC 3339 UTC, e.g. 2026-12-31T00:00:00Z")
    String expires;

    @Override
    public Integer call() {
      int slash = rule.indexOf('/');
      if (slash < 1 || slash == rule.length() - 1) {
        throw CliException.input("--rule must be POLICY/RULE, such as sla/no-overdue-critical");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("service", service.service);
      body.put("policy", rule.substring(0, slash));
      body.put("rule", rule.substring(slash + 1));
      if (digest != null) {
        body.put("digest", digest);
      }
      if (finding != null) {
        body.put("finding", finding);
      }
      body.put("reason", reason);
      body.put("expires", expires);
      JsonNode r = client.client().post("/api/v1/waivers", body);
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("POST /api/v1/waivers/{id}/approve")
  @Command(
      name = "approve",
      description = "Approve a waiver (security; not its requester).",
      mixinStandardHelpOptions = true)
  static final class Approve implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().post("/api/v1/waivers/" + id + "/approve", Map.of());
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("POST /api/v1/waivers/{id}/revoke")
  @Command(name = "revoke", description = "Revoke a waiver.", mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
      JsonNode r =
          client.client().post("/api/v1/waivers/" + id + "/revoke", Map.of("reason", reason));
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/waivers")
  @Command(name = "list", description = "Waivers of your teams.", mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--service")
    String service;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/waivers"
                      + (service == null ? "" : "?service=" + ApiClient.segment(service)));
      Printer.print(spec.commandLine().getOut(), client.output, r, "waivers", COLUMNS);
      return ExitCodes.OK;
    }
  }
}
