package dev.bulwark.server.policies;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.http.Validation;
import java.util.List;
import java.util.Map;

/** Policy bundles: push, list, read, approve, reject. */
final class PolicyRoutes {
  private final Policies policies;

  PolicyRoutes(Policies policies) {
    this.policies = policies;
  }

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/policies/bundles", Permission.POLICY_WRITE, this::push),
        get("/api/v1/policies/bundles", Permission.SERVICE_READ, this::bundles),
        get("/api/v1/policies/bundles/{digest}", Permission.SERVICE_READ, this::bundle),
        post("/api/v1/policies/bundles/{id}/approve", Permission.POLICY_WRITE, this::approve),
        post("/api/v1/policies/bundles/{id}/reject", Permission.POLICY_WRITE, this::reject));
  }

  /** A push: the files, and the team whose layer it is (absent: the global bundle). */
  public record PushBody(Map<String, String> files, String team) {}

  /** A rejection: why. */
  public record RejectBody(String reason) {}

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
      Validation v = new Validation("");
      v.team("team", body.team());
      v.throwIfInvalid();
    }
    Policies.Pushed p =
        policies.push(call.principal(), call.requestId(), body.files(), body.team());
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
    call.respond(200, policies.approve(call.principal(), call.requestId(), bundleId(call)));
  }

  private void reject(Call call) {
    RejectBody b = Json.bindRecord(call.jsonTree(), RejectBody.class);
    call.respond(
        200, policies.reject(call.principal(), call.requestId(), bundleId(call), b.reason()));
  }

  private void bundles(Call call) {
    call.respond(200, Map.of("bundles", policies.bundles(call.principal())));
  }

  private void bundle(Call call) {
    call.respond(
        200,
        Map.of(
            "digest",
            call.pathParam("digest"),
            "files",
            policies.bundleFiles(call.principal(), call.pathParam("digest"))));
  }
}
