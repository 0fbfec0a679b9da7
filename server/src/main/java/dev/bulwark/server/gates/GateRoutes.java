package dev.bulwark.server.gates;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.util.List;
import java.util.Map;

/** Gates: evaluate, the environments, past decisions. */
public final class GateRoutes {
  private final Gates gates;

  GateRoutes(Gates gates) {
    this.gates = gates;
  }

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/gates/evaluate", Permission.GATE_EVALUATE, this::evaluate),
        get("/api/v1/gates/environments", Permission.SERVICE_READ, this::environments),
        get("/api/v1/gates/decisions", Permission.SERVICE_READ, this::decisions),
        get("/api/v1/gates/decisions/{id}", Permission.SERVICE_READ, this::decision));
  }

  /** What a gate (or a deployment) names: a release and an environment. */
  public record GateBody(String service, String version, String environment) {}

  /** The body of a gate or a deployment, every field required. */
  public static GateBody gateBody(Call call) {
    GateBody b = Json.bindRecord(call.jsonTree(), GateBody.class);
    List<ApiException.FieldError> errors = new java.util.ArrayList<>();
    if (b.service() == null) {
      errors.add(new ApiException.FieldError("service", "is required"));
    }
    if (b.version() == null) {
      errors.add(new ApiException.FieldError("version", "is required"));
    }
    if (b.environment() == null) {
      errors.add(new ApiException.FieldError("environment", "is required"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return b;
  }

  private void evaluate(Call call) {
    GateBody b = gateBody(call);
    call.respond(
        200,
        gates.evaluate(
            call.principal(), call.requestId(), b.service(), b.version(), b.environment()));
  }

  static final int MAX_DECISIONS = 500;

  private void decisions(Call call) {
    int limit = call.intQuery("limit", 50, 1, MAX_DECISIONS);
    call.respond(
        200,
        Map.of(
            "decisions",
            gates.decisions(
                call.principal(),
                call.query("service"),
                call.query("environment"),
                call.query("digest"),
                limit)));
  }

  private void decision(Call call) {
    long id;
    try {
      id = Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no gate decision " + call.pathParam("id"));
    }
    call.respond(200, gates.decision(call.principal(), id));
  }

  private void environments(Call call) {
    call.respond(200, Map.of("environments", gates.environments()));
  }
}
