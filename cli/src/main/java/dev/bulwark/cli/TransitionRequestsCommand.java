package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "transition-requests",
    description =
        "Verdicts waiting for a second person (not_affected or fixed on a high or critical service, team-wide not_affected): list, approve, reject.",
    mixinStandardHelpOptions = true,
    subcommands = {
      TransitionRequestsCommand.List.class,
      TransitionRequestsCommand.Approve.class,
      TransitionRequestsCommand.Reject.class
    })
final class TransitionRequestsCommand {
  static final String[] DECIDED = {"request", "status", "finding", "state"};

  private TransitionRequestsCommand() {}

  @Calls("GET /api/v1/transition-requests")
  @Command(
      name = "list",
      description = "Requests of findings you may see, newest first.",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--status", description = "pending, approved or rejected.")
    String status;

    @Option(names = "--limit", description = "1 to 500 (default 100).")
    Integer limit;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/transition-requests"
                      + new Query().add("status", status).add("limit", limit));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "requests",
          "id",
          "finding",
          "service",
          "version",
          "state",
          "justification",
          "scope",
          "status",
          "requestedBy",
          "decidedBy",
          "reason");
      return ExitCodes.OK;
    }
  }

  @Calls("POST /api/v1/transition-requests/{id}/approve")
  @Command(
      name = "approve",
      description =
          "Approve a pending request: the verdict applies as requested. Not by the requester (exit 4).",
      mixinStandardHelpOptions = true)
  static final class Approve implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().post("/api/v1/transition-requests/" + id + "/approve", Map.of());
      Printer.print(spec.commandLine().getOut(), client.output, r, null, DECIDED);
      return ExitCodes.OK;
    }
  }

  @Calls("POST /api/v1/transition-requests/{id}/reject")
  @Command(
      name = "reject",
      description = "Reject a pending request, with a reason; the finding keeps its state.",
      mixinStandardHelpOptions = true)
  static final class Reject implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .post("/api/v1/transition-requests/" + id + "/reject", Map.of("reason", reason));
      Printer.print(spec.commandLine().getOut(), client.output, r, null, DECIDED);
      return ExitCodes.OK;
    }
  }
}
