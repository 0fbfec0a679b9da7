package dev.bulwark.server.findings;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Findings routes: listing, triage, risk acceptance, VEX and the SLA. */
final class FindingRoutes {
  private final Findings findings;
  private final FindingLifecycle lifecycle;

  FindingRoutes(Findings findings, FindingLifecycle lifecycle) {
    this.findings = findings;
    this.lifecycle = lifecycle;
  }

  List<ApiRoute> routes() {
    return List.of(
        get(
            "/api/v1/services/{name}/releases/{version}/findings",
            Permission.SERVICE_READ,
            this::findings),
        get("/api/v1/findings/overdue", Permission.SERVICE_READ, this::overdue),
        get("/api/v1/sla", Permission.SERVICE_READ, this::sla),
        post("/api/v1/findings/{id}/transitions", Permission.FINDING_TRIAGE, this::transition),
        post("/api/v1/findings/{id}/risk-acceptance", Permission.FINDING_TRIAGE, this::requestRisk),
        post("/api/v1/risk-acceptances/{id}/approve", Permission.RISK_APPROVE, this::approveRisk),
        get("/api/v1/transition-requests", Permission.SERVICE_READ, this::transitionRequests),
        post(
            "/api/v1/transition-requests/{id}/approve",
            Permission.RISK_APPROVE,
            this::approveTransition),
        post(
            "/api/v1/transition-requests/{id}/reject",
            Permission.RISK_APPROVE,
            this::rejectTransition),
        get("/api/v1/findings/{id}/events", Permission.SERVICE_READ, this::events),
        get("/api/v1/services/{name}/releases/{version}/vex", Permission.SERVICE_READ, this::vex),
        post("/api/v1/services/{name}/vex", Permission.FINDING_TRIAGE, this::importVex));
  }

  private void findings(Call call) {
    call.respond(
        200,
        Map.of(
            "findings",
            findings.findings(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void importVex(Call call) {
    byte[] body =
        call.body(
            Set.of(
                "application/vnd.cyclonedx+json", "application/openvex+json", "application/json"));
    call.respond(
        200,
        lifecycle.importVex(
            call.principal(), call.requestId(), call.pathParam("name"), VexImport.parse(body)));
  }

  private void vex(Call call) {
    call.respond(
        200, findings.vex(call.principal(), call.pathParam("name"), call.pathParam("version")));
  }

  private static long id(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no such id: " + call.pathParam("id"));
    }
  }

  private void transition(Call call) {
    var t = call.json(FindingLifecycle.Transition.class);
    FindingLifecycle.TransitionResult result =
        lifecycle.transition(call.principal(), call.requestId(), id(call), t);
    // 202: the verdict waits for a second person (a transition request).
    call.respond(result instanceof FindingLifecycle.Pending ? 202 : 200, result);
  }

  private void transitionRequests(Call call) {
    call.respond(
        200,
        Map.of(
            "requests",
            lifecycle.transitionRequests(
                call.principal(), call.query("status"), call.intQuery("limit", 100, 1, 500))));
  }

  private void approveTransition(Call call) {
    call.respond(
        200, lifecycle.decideTransition(call.principal(), call.requestId(), id(call), true, null));
  }

  /** A rejection says why. */
  public record RejectBody(String reason) {}

  private void rejectTransition(Call call) {
    RejectBody b = Json.bindRecord(call.jsonTree(), RejectBody.class);
    call.respond(
        200,
        lifecycle.decideTransition(
            call.principal(), call.requestId(), id(call), false, b.reason()));
  }

  private void requestRisk(Call call) {
    var r = call.json(FindingLifecycle.RiskRequest.class);
    call.respond(
        201, lifecycle.requestRiskAcceptance(call.principal(), call.requestId(), id(call), r));
  }

  private void approveRisk(Call call) {
    call.respond(200, lifecycle.approve(call.principal(), call.requestId(), id(call)));
  }

  private void events(Call call) {
    call.respond(200, Map.of("events", lifecycle.events(call.principal(), id(call))));
  }

  private void sla(Call call) {
    call.respond(200, Map.of("days", findings.sla().table()));
  }

  private void overdue(Call call) {
    call.respond(200, Map.of("overdue", findings.overdue(call.principal(), call.query("team"))));
  }
}
