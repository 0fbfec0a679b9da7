package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "findings",
    description =
        "Findings of releases: list them, show one with its history, move one along its states (docs/findings.md), and list those past their SLA.",
    mixinStandardHelpOptions = true,
    subcommands = {
      FindingsCommand.List.class,
      FindingsCommand.Show.class,
      FindingsCommand.Events.class,
      FindingsCommand.Transition.class,
      FindingsCommand.Triage.class,
      FindingsCommand.Overdue.class
    })
final class FindingsCommand {
  static final Set<String> STATES =
      Set.of("open", "triaged", "affected", "not_affected", "fixed", "risk_accepted");
  static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low", "unknown");

  static final String[] COLUMNS = {"findingId", "id", "severity", "state", "purl", "fixed", "due"};
  static final String[] EVENT_COLUMNS = {"at", "actor", "from", "to", "reason", "justification"};

  static final String LIST = "GET /api/v1/services/{name}/releases/{version}/findings";
  static final String EVENTS = "GET /api/v1/findings/{id}/events";
  static final String TRANSITIONS = "POST /api/v1/findings/{id}/transitions";

  private FindingsCommand() {}

  @Calls(LIST)
  @Command(
      name = "list",
      description =
          "The release's findings, one per component and vulnerability. --state and --severity filter (comma-separated; the server sends all, the filter is applied here).",
      mixinStandardHelpOptions = true)
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Option(
        names = "--state",
        split = ",",
        paramLabel = "STATE",
        description =
            "Only these states: open, triaged, affected, not_affected, fixed, risk_accepted.")
    java.util.List<String> states;

    @Option(
        names = "--severity",
        split = ",",
        paramLabel = "SEVERITY",
        description = "Only these severities: critical, high, medium, low, unknown.")
    java.util.List<String> severities;

    @Override
    public Integer call() {
      Set<String> wantStates = choices("--state", states, STATES);
      Set<String> wantSeverities = choices("--severity", severities, SEVERITIES);
      JsonNode all =
          client.client().get(Query.release(release.service, release.version, "findings"));
      ObjectNode shown = Json.MAPPER.createObjectNode();
      ArrayNode rows = shown.putArray("findings");
      for (JsonNode f : all.path("findings")) {
        if ((wantStates == null || wantStates.contains(f.path("state").asText()))
            && (wantSeverities == null || wantSeverities.contains(severity(f)))) {
          rows.add(f);
        }
      }
      Printer.print(spec.commandLine().getOut(), client.output, shown, "findings", COLUMNS);
      return ExitCodes.OK;
    }
  }

  /** The values given, checked against the known ones (usage error otherwise); null for all. */
  static Set<String> choices(String option, java.util.List<String> given, Set<String> known) {
    if (given == null || given.isEmpty()) {
      return null;
    }
    Set<String> out = new java.util.TreeSet<>();
    for (String g : given) {
      String v = g.strip().toLowerCase(Locale.ROOT);
      if (!known.contains(v)) {
        throw new CliException(
            ExitCodes.USAGE,
            option
                + " "
                + g
                + " is not one of "
                + String.join(", ", new java.util.TreeSet<>(known)));
      }
      out.add(v);
    }
    return out;
  }

  static String severity(JsonNode finding) {
    JsonNode s = finding.path("severity");
    return s.isMissingNode() || s.isNull() || s.asText().isEmpty()
        ? "unknown"
        : s.asText().toLowerCase(Locale.ROOT);
  }

  @Calls({LIST, EVENTS})
  @Command(
      name = "show",
      description =
          "One finding of a release with its history. The API has no read of a single finding, so the release is named and the finding is taken from its list.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;
    @Mixin ReleaseOptions release;

    @Parameters(index = "0", paramLabel = "ID", description = "The finding's id (FINDINGID).")
    long id;

    @Override
    public Integer call() {
      ApiClient api = client.client();
      JsonNode finding = null;
      for (JsonNode f :
          api.get(Query.release(release.service, release.version, "findings")).path("findings")) {
        if (f.path("findingId").asLong() == id) {
          finding = f;
        }
      }
      if (finding == null) {
        throw CliException.input(
            "Not Found: release "
                + release.service
                + " "
                + release.version
                + " has no finding "
                + id);
      }
      JsonNode events = api.get("/api/v1/findings/" + id + "/events");
      ObjectNode both = Json.MAPPER.createObjectNode();
      both.set("finding", finding);
      both.set("events", events.path("events"));
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        Printer.print(out, client.output, both, null);
        return ExitCodes.OK;
      }
      JsonNode f = finding;
      client.output.write(
          out,
          w -> {
            for (String field :
                new String[] {
                  "findingId",
                  "id",
                  "aliases",
                  "severity",
                  "score",
                  "component",
                  "purl",
                  "fixed",
                  "state",
                  "justification",
                  "reason",
                  "expiresAt",
                  "firstSeen",
                  "due",
                  "summary",
                  "note"
                }) {
              JsonNode v = f.path(field);
              if (!v.isMissingNode() && !v.isNull()) {
                w.printf(
                    "%-14s %s%n",
                    field + ":", v.isArray() ? String.join(", ", texts(v)) : v.asText());
              }
            }
            w.println("events:");
            for (JsonNode e : events.path("events")) {
              w.println(
                  "  "
                      + e.path("at").asText()
                      + "  "
                      + e.path("actor").asText()
                      + "  "
                      + e.path("from").asText()
                      + " -> "
                      + e.path("to").asText()
                      + (e.path("justification").isTextual()
                          ? " (" + e.path("justification").asText() + ")"
                          : "")
                      + ": "
                      + e.path("reason").asText());
            }
          });
      return ExitCodes.OK;
    }
  }

  static java.util.List<String> texts(JsonNode array) {
    java.util.List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static java.util.List<String> names(JsonNode object) {
    java.util.List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Calls(EVENTS)
  @Command(
      name = "events",
      description = "The finding's transitions, oldest first: when, who, from, to, why.",
      mixinStandardHelpOptions = true)
  static final class Events implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/findings/" + id + "/events");
      Printer.print(spec.commandLine().getOut(), client.output, r, "events", EVENT_COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls(TRANSITIONS)
  @Command(
      name = "transition",
      description =
          "Move a finding to open, triaged, affected, not_affected (with --justification) or fixed, with a reason. A not_affected or fixed verdict on a high or critical service, and a team-wide not_affected, wait for a second person: the answer names the transition request (bulwark transition-requests approve ID). Exit 4 with the allowed next states when the move is refused.",
      mixinStandardHelpOptions = true)
  static final class Transition implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "STATE",
        description = "open, triaged, affected, not_affected or fixed.")
    String state;

    @Option(names = "--reason", required = true, description = "Why; it goes on the ledger.")
    String reason;

    @Option(
        names = "--justification",
        description =
            "For not_affected: a CycloneDX/OpenVEX justification such as code_not_reachable.")
    String justification;

    @Option(
        names = "--scope",
        description = "For not_affected: release (default), service or team (carried over).")
    String scope;

    @Override
    public Integer call() {
      return transition(client, spec, id, state, reason, justification, scope);
    }
  }

  static int transition(
      ClientOptions client,
      CommandSpec spec,
      long id,
      String state,
      String reason,
      String justification,
      String scope) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", state);
    body.put("reason", reason);
    if (justification != null) {
      body.put("justification", justification);
    }
    if (scope != null) {
      body.put("scope", scope);
    }
    JsonNode r = client.client().post("/api/v1/findings/" + id + "/transitions", body);
    PrintWriter out = spec.commandLine().getOut();
    if (client.output.json()) {
      Printer.print(out, client.output, r, null);
    } else {
      client.output.write(
          out,
          w -> {
            if (r.has("request")) {
              w.println(
                  "finding "
                      + r.path("finding").asLong()
                      + ": "
                      + r.path("state").asText()
                      + " waits for a second person: transition request "
                      + r.path("request").asLong()
                      + " ("
                      + r.path("status").asText()
                      + "); they run bulwark transition-requests approve "
                      + r.path("request").asLong());
            } else {
              w.println(
                  "finding "
                      + r.path("finding").asLong()
                      + ": "
                      + r.path("state").asText()
                      + (r.path("scope").isTextual() && !r.path("scope").asText().equals("release")
                          ? " (scope " + r.path("scope").asText() + ")"
                          : ""));
            }
          });
    }
    return ExitCodes.OK;
  }

  @Calls(TRANSITIONS)
  @Command(
      name = "triage",
      description =
          "Mark a finding as being looked at (the transition to triaged); the same as transition ID --to triaged.",
      mixinStandardHelpOptions = true)
  static final class Triage implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Option(names = "--reason", required = true, description = "Why; it goes on the ledger.")
    String reason;

    @Override
    public Integer call() {
      return transition(client, spec, id, "triaged", reason, null, null);
    }
  }

  @Calls("GET /api/v1/findings/overdue")
  @Command(
      name = "overdue",
      description =
          "Open findings past their SLA (first seen + the days of bulwark sla), oldest first, of your teams.",
      mixinStandardHelpOptions = true)
  static final class Overdue implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--team", description = "Only this team's services.")
    String team;

    @Override
    public Integer call() {
      JsonNode r = client.client().get("/api/v1/findings/overdue" + new Query().add("team", team));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          "overdue",
          "service",
          "version",
          "findingId",
          "id",
          "severity",
          "due",
          "daysOverdue",
          "purl");
      return ExitCodes.OK;
    }
  }
}
