package dev.bulwark.server.http;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Health, metrics and the API description. */
public final class SystemRoutes {
  private final PrometheusMeterRegistry metrics;
  private final BooleanSupplier databaseUp;
  private final Supplier<byte[]> openApi;

  /**
   * {@code openApi} gives the document merged from every feature's part; it is asked per request,
   * since the server merges it once it knows all its features, after building these routes.
   */
  public SystemRoutes(
      PrometheusMeterRegistry metrics, BooleanSupplier databaseUp, Supplier<byte[]> openApi) {
    this.metrics = metrics;
    this.databaseUp = databaseUp;
    this.openApi = openApi;
  }

  public List<ApiRoute> routes() {
    return List.of(
        get("/healthz", Permission.PUBLIC, this::health),
        get("/metrics", Permission.METRICS_READ, this::metrics),
        get("/api/v1/openapi.json", Permission.PUBLIC, this::openApi));
  }

  private void health(Call call) {
    boolean up = databaseUp.getAsBoolean();
    call.respond(up ? 200 : 503, Map.of("status", up ? "ok" : "database unavailable"));
  }

  private void metrics(Call call) {
    call.ctx().contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  private void openApi(Call call) {
    call.ctx().contentType("application/json").result(openApi.get());
  }
}
