package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
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
    name = "webhooks",
    description =
        "Webhooks: signed HTTP notices of new findings (finding.new) and SLA breaches (sla.breach). Add, list, remove, and read a webhook's delivery log.",
    mixinStandardHelpOptions = true,
    subcommands = {
      WebhooksCommand.Add.class,
      WebhooksCommand.List.class,
      WebhooksCommand.Remove.class,
      WebhooksCommand.Deliveries.class
    })
final class WebhooksCommand {
  static final String[] COLUMNS = {"id", "url", "team", "events", "createdBy", "createdAt"};

  private WebhooksCommand() {}

  @Calls("POST /api/v1/webhooks")
  @Command(
      name = "add",
      description =
          "Create a webhook. Prints its signing secret once: deliveries carry Bulwark-Signature t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>. A URL on a loopback, private or reserved address is refused unless the server's webhook.allowedNetworks has it.",
      mixinStandardHelpOptions = true)
  static final class Add implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--url", required = true, description = "http or https URL to POST to.")
    String url;

    @Option(
        names = "--event",
        required = true,
        split = ",",
        paramLabel = "EVENT",
        description = "finding.new and/or sla.breach (repeat or comma-separate).")
    java.util.List<String> events;

    @Option(
        names = "--team",
        description = "The team whose events it receives; an unscoped token may omit it for all.")
    String team;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("url", url);
      body.put("events", events);
      if (team != null) {
        body.put("team", team);
      }
      JsonNode r = client.client().post("/api/v1/webhooks", body);
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        Printer.print(out, client.output, r, null);
      } else {
        // The secret is shown this once: the receiver needs it to verify signatures.
        ObjectNode row = ((ObjectNode) r.path("webhook")).deepCopy();
        row.set("secret", r.path("secret"));
        Printer.print(out, client.output, row, null, "id", "url", "team", "events", "secret");
      }
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/webhooks")
  @Command(
      name = "list",
      description = "Webhooks of your teams (never their secrets).",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/webhooks");
      Printer.print(spec.commandLine().getOut(), client.output, r, "webhooks", COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("DELETE /api/v1/webhooks/{id}")
  @Command(
      name = "remove",
      description = "Delete a webhook and its delivery log.",
      mixinStandardHelpOptions = true)
  static final class Remove implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      client.client().delete("/api/v1/webhooks/" + id);
      client.output.write(
          spec.commandLine().getOut(), w -> w.println("webhook " + id + " removed"));
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/webhooks/{id}/deliveries")
  @Command(
      name = "deliveries",
      description =
          "A webhook's delivery log, newest first (500 at most): status pending, delivered or failed, attempts, the next attempt, and the last outcome as a class (2xx, 4xx, network-error, ...).",
      mixinStandardHelpOptions = true)
  static final class Deliveries implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/webhooks/" + id + "/deliveries");
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "deliveries",
          "id",
          "event",
          "status",
          "attempts",
          "lastOutcome",
          "nextAttemptAt",
          "createdAt",
          "deliveredAt");
      return ExitCodes.OK;
    }
  }
}
