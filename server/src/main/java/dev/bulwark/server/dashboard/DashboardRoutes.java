package dev.bulwark.server.dashboard;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.util.List;

/** The HTTP edge of the dashboard. */
final class DashboardRoutes {
  private final Dashboards dashboards;

  DashboardRoutes(Dashboards dashboards) {
    this.dashboards = dashboards;
  }

  List<ApiRoute> routes() {
    return List.of(get("/api/v1/dashboard", Permission.SERVICE_READ, this::read));
  }

  private void read(Call call) {
    int days = call.intQuery("days", Dashboards.DEFAULT_DAYS, 1, Dashboards.MAX_DAYS);
    call.respond(200, dashboards.read(call.principal(), days));
  }
}
