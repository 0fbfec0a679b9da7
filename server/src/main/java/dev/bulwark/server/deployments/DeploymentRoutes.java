package dev.bulwark.server.deployments;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.gates.GateRoutes;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.util.List;
import java.util.Map;

/** Deployments: record one, list what runs where. */
final class DeploymentRoutes {
  private final Deployments deployments;

  DeploymentRoutes(Deployments deployments) {
    this.deployments = deployments;
  }

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/deployments", Permission.DEPLOYMENT_WRITE, this::deploy),
        get("/api/v1/deployments", Permission.SERVICE_READ, this::list));
  }

  private void deploy(Call call) {
    GateRoutes.GateBody b = GateRoutes.gateBody(call);
    call.respond(
        201,
        deployments.deploy(
            call.principal(), call.requestId(), b.service(), b.version(), b.environment()));
  }

  private void list(Call call) {
    call.respond(
        200,
        Map.of(
            "deployments",
            deployments.deployments(
                call.principal(), call.query("environment"), call.query("service"))));
  }
}
