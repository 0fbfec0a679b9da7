package dev.bulwark.server.examplefeature;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.util.List;

/** The HTTP edge of the drills feature: each route with the permission it needs. */
final class DrillRoutes {
  private final Drills drills;

  DrillRoutes(Drills drills) {
    this.drills = drills;
  }

  /** The drills of a service, newest first, as the API shows them. */
  record DrillList(List<Drill> drills) {}

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/services/{name}/drills", Permission.SERVICE_WRITE, this::record),
        get("/api/v1/services/{name}/drills", Permission.SERVICE_READ, this::list));
  }

  private void record(Call call) {
    var recorded =
        drills.record(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.json(DrillRequest.class));
    call.respond(201, recorded);
  }

  private void list(Call call) {
    call.respond(200, new DrillList(drills.list(call.principal(), call.pathParam("name"))));
  }
}
