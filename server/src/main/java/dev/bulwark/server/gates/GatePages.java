package dev.bulwark.server.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's gate decision pages: the list of past decisions and one decision with its rule by
 * rule explanation, both read through {@link Gates} as {@code GET /api/v1/gates/decisions} and
 * {@code GET /api/v1/gates/decisions/{id}} answer them.
 */
public final class GatePages {
  static final int LISTED = 200;

  private final Gates gates;

  GatePages(Gates gates) {
    this.gates = gates;
  }

  /** The list page: its filters and the decisions, newest first. */
  public record DecisionList(
      String service,
      String environment,
      List<String> environments,
      List<Gates.DecisionSummary> decisions) {}

  /** One input value a rule read, its value as JSON text. */
  public record Read(String path, String value) {}

  /** One rule's result as the decision's stored explanation has it. */
  public record Rule(
      String policy,
      String rule,
      String action,
      String outcome,
      String message,
      List<Read> reads,
      String waiver) {}

  /** The decision page. */
  public record DecisionView(Gates.PastDecision decision, List<Rule> rules) {}

  List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get(
                "/gates",
                Permission.SERVICE_READ,
                call ->
                    View.page(
                        "gates/decisions.jte",
                        list(call.principal(), call.query("service"), call.query("environment"))))
            .inNav("Gate decisions", 40),
        ConsolePage.get(
            "/gates/{id}",
            Permission.SERVICE_READ,
            call -> {
              long id;
              try {
                id = Long.parseLong(call.pathParam("id"));
              } catch (NumberFormatException e) {
                throw new DomainException.NotFound("no gate decision " + call.pathParam("id"));
              }
              return View.page("gates/decision.jte", decision(call.principal(), id));
            }));
  }

  DecisionList list(Principal caller, String service, String environment) {
    String s = service == null || service.isBlank() ? null : service.strip();
    String e = environment == null || environment.isBlank() ? null : environment;
    return new DecisionList(
        s, e, gates.environments(), gates.decisions(caller, s, e, null, LISTED));
  }

  DecisionView decision(Principal caller, long id) {
    Gates.PastDecision d = gates.decision(caller, id);
    return new DecisionView(d, rules(d.results()));
  }

  /** The rules of a stored explanation; what no longer parses as one is shown as it stands. */
  static List<Rule> rules(JsonNode results) {
    List<Rule> out = new ArrayList<>();
    if (results == null || !results.isArray()) {
      return out;
    }
    for (JsonNode r : results) {
      List<Read> reads = new ArrayList<>();
      r.path("reads")
          .properties()
          .forEach(e -> reads.add(new Read(e.getKey(), text(e.getValue()))));
      out.add(
          new Rule(
              r.path("policy").asText(""),
              r.path("rule").asText(""),
              r.path("action").asText(""),
              r.path("outcome").asText(""),
              r.path("message").asText(""),
              reads,
              r.hasNonNull("waiver") ? r.get("waiver").asText() : null));
    }
    return out;
  }

  private static String text(JsonNode v) {
    return v.isTextual() ? v.asText() : v.toString();
  }
}
