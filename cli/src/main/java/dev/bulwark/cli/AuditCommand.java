package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "audit",
    description = "The audit trail: who did what, as recorded on the ledger.",
    mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.List.class})
final class AuditCommand {
  private AuditCommand() {}

  @Calls("GET /api/v1/audit")
  @Command(
      name = "list",
      description =
          "The newest ledger entries of your teams, newest first, optionally about one subject (such as --subject-kind finding --subject-id 12). Needs the audit permission (security, auditor, admin).",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(
        names = "--subject-kind",
        paramLabel = "KIND",
        description = "service, release, finding, policy-bundle, waiver, webhook, token, ...")
    String subjectKind;

    @Option(names = "--subject-id", paramLabel = "ID")
    String subjectId;

    @Option(names = "--limit", description = "1 to 1000 (default 100).")
    Integer limit;

    @Override
    public Integer call() {
      JsonNode r =
          client
              .client()
              .get(
                  "/api/v1/audit"
                      + new Query()
                          .add("subjectKind", subjectKind)
                          .add("subjectId", subjectId)
                          .add("limit", limit));
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        Printer.print(out, client.output, r, null);
        return ExitCodes.OK;
      }
      // The subject is an object; a table shows it as kind:id.
      ObjectNode flat = Json.MAPPER.createObjectNode();
      ArrayNode rows = flat.putArray("events");
      for (JsonNode e : r.path("events")) {
        ObjectNode row = e.deepCopy();
        row.put(
            "subject",
            e.path("subject").path("kind").asText() + ":" + e.path("subject").path("id").asText());
        rows.add(row);
      }
      Printer.print(
          out, client.output, flat, "events", "index", "time", "actor", "action", "subject");
      return ExitCodes.OK;
    }
  }
}
