package dev.bulwark.server.waivers;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.util.List;
import java.util.Map;

/** Waivers: request, list, approve, revoke. */
final class WaiverRoutes {
  private final Waivers waivers;

  WaiverRoutes(Waivers waivers) {
    this.waivers = waivers;
  }

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/waivers", Permission.WAIVER_REQUEST, this::request),
        get("/api/v1/waivers", Permission.SERVICE_READ, this::list),
        post("/api/v1/waivers/{id}/approve", Permission.WAIVER_APPROVE, this::approve),
        post("/api/v1/waivers/{id}/revoke", Permission.WAIVER_APPROVE, this::revoke));
  }

  private void request(Call call) {
    Waivers.Request r = Json.bindRecord(call.jsonTree(), Waivers.Request.class);
    call.respond(201, waivers.request(call.principal(), call.requestId(), r));
  }

  private void list(Call call) {
    call.respond(200, Map.of("waivers", waivers.list(call.principal(), call.query("service"))));
  }

  private static long id(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no waiver " + call.pathParam("id"));
    }
  }

  private void approve(Call call) {
    call.respond(200, waivers.approve(call.principal(), call.requestId(), id(call)));
  }

  public record RevokeBody(String reason) {}

  private void revoke(Call call) {
    RevokeBody b = Json.bindRecord(call.jsonTree(), RevokeBody.class);
    call.respond(200, waivers.revoke(call.principal(), call.requestId(), id(call), b.reason()));
  }
}
