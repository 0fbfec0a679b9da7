package dev.bulwark.server.gates;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Policy bundles, gates, waivers, attestations and deployments. */
public final class GateRoutes {
  private final Gates gates;
  private final Waivers waivers;
  private final Attestations attestations;

  public GateRoutes(Gates gates, Waivers waivers, Attestations attestations) {
    this.gates = gates;
    this.waivers = waivers;
    this.attestations = attestations;
  }

  public List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/policies/bundles", Permission.POLICY_WRITE, this::push),
        get("/api/v1/policies/bundles", Permission.SERVICE_READ, this::bundles),
        get("/api/v1/policies/bundles/{digest}", Permission.SERVICE_READ, this::bundle),
        post("/api/v1/policies/bundles/{id}/approve", Permission.POLICY_WRITE, this::approve),
        post("/api/v1/policies/bundles/{id}/reject", Permission.POLICY_WRITE, this::reject),
        post("/api/v1/gates/evaluate", Permission.GATE_EVALUATE, this::evaluate),
        get("/api/v1/gates/environments", Permission.SERVICE_READ, this::environments),
        get("/api/v1/gates/decisions", Permission.SERVICE_READ, this::decisions),
        get("/api/v1/gates/decisions/{id}", Permission.SERVICE_READ, this::decision),
        post("/api/v1/deployments", Permission.DEPLOYMENT_WRITE, this::deploy),
        get("/api/v1/deployments", Permission.SERVICE_READ, this::deployments),
        post("/api/v1/waivers", Permission.WAIVER_REQUEST, this::requestWaiver),
        get("/api/v1/waivers", Permission.SERVICE_READ, this::listWaivers),
        post("/api/v1/waivers/{id}/approve", Permission.WAIVER_APPROVE, this::approveWaiver),
        post("/api/v1/waivers/{id}/revoke", Permission.WAIVER_APPROVE, this::revokeWaiver),
        post(
            "/api/v1/services/{name}/releases/{version}/attestations",
            Permission.ATTESTATION_WRITE,
            this::attest),
        get(
            "/api/v1/services/{name}/releases/{version}/attestations",
            Permission.SERVICE_READ,
            this::listAttestations));
  }

  /** A push: the files, and the team whose layer it is (absent: the global bundle). */
  public record PushBody(Map<String, String> files, String team) {}

  private void push(Call call) {
    PushBody body = Json.bindRecord(call.jsonTree(), PushBody.class);
    if (body.files() == null || body.files().isEmpty()) {
      throw ApiException.invalid("files", "is required: the bundle's files, path to text");
    }
    for (String path : body.files().keySet()) {
      if (path.isBlank()
          || path.startsWith("/")
          || path.contains("..")
          || path.contains("\\")
          || path.length() > 300) {
        throw ApiException.invalid(
            "files", "'" + path + "' is not a relative path inside the bundle");
      }
    }
    if (body.team() != null) {
      dev.bulwark.server.http.Validation v = new dev.bulwark.server.http.Validation("");
      v.team("team", body.team());
      v.throwIfInvalid();
    }
    Gates.Pushed p = gates.push(call.principal(), call.requestId(), body.files(), body.team());
    call.respond(p.created() ? 201 : 200, p);
  }

  private static long bundleId(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no policy bundle " + call.pathParam("id"));
    }
  }

  private void approve(Call call) {
    call.respond(200, view(gates.approve(call.principal(), call.requestId(), bundleId(call))));
  }

  private void reject(Call call) {
    RevokeBody b = Json.bindRecord(call.jsonTree(), RevokeBody.class);
    call.respond(
        200, view(gates.reject(call.principal(), call.requestId(), bundleId(call), b.reason())));
  }

  private static Map<String, Object> view(GateDao.Bundle b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", b.id());
    m.put("digest", b.digest());
    m.put("team", b.team());
    m.put("status", b.status());
    m.put("policies", b.policies());
    m.put("rules", b.rules());
    m.put("pushedBy", b.pushedBy());
    m.put("pushedSubject", b.pushedSubject());
    m.put("pushedAt", b.pushedAt());
    m.put("decidedBy", b.decidedBy());
    m.put("decidedSubject", b.decidedSubject());
    m.put("decidedAt", b.decidedAt());
    m.put("decideReason", b.decideReason());
    m.put("active", b.active());
    return m;
  }

  private void bundles(Call call) {
    call.respond(
        200,
        Map.of("bundles", gates.bundles(call.principal()).stream().map(GateRoutes::view).toList()));
  }

  private void bundle(Call call) {
    call.respond(
        200,
        Map.of(
            "digest",
            call.pathParam("digest"),
            "files",
            gates.bundleFiles(call.principal(), call.pathParam("digest"))));
  }

  public record GateBody(String service, String version, String environment) {}

  private GateBody gateBody(Call call) {
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

  private void deploy(Call call) {
    GateBody b = gateBody(call);
    call.respond(
        201,
        gates.deploy(
            call.principal(), call.requestId(), b.service(), b.version(), b.environment()));
  }

  private void deployments(Call call) {
    call.respond(
        200,
        Map.of(
            "deployments",
            gates.deployments(call.principal(), call.query("environment"), call.query("service"))));
  }

  private void requestWaiver(Call call) {
    Waivers.Request r = Json.bindRecord(call.jsonTree(), Waivers.Request.class);
    call.respond(201, waivers.request(call.principal(), call.requestId(), r));
  }

  private void listWaivers(Call call) {
    call.respond(200, Map.of("waivers", waivers.list(call.principal(), call.query("service"))));
  }

  private static long id(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no waiver " + call.pathParam("id"));
    }
  }

  private void approveWaiver(Call call) {
    call.respond(200, waivers.approve(call.principal(), call.requestId(), id(call)));
  }

  public record RevokeBody(String reason) {}

  private void revokeWaiver(Call call) {
    RevokeBody b = Json.bindRecord(call.jsonTree(), RevokeBody.class);
    call.respond(200, waivers.revoke(call.principal(), call.requestId(), id(call), b.reason()));
  }

  private void attest(Call call) {
    byte[] body = call.body(Set.of("application/json", "application/vnd.dsse.envelope.v1+json"));
    Attestations.View v =
        attestations.add(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            body);
    call.respond(v.created() ? 201 : 200, v);
  }

  private void listAttestations(Call call) {
    call.respond(
        200,
        Map.of(
            "attestations",
            attestations.list(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }
}
