package dev.bulwark.server.http;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Health, metrics and the API description. */
public final class SystemRoutes {
  private final PrometheusMeterRegistry metrics;
  private final BooleanSupplier databaseUp;
  private final byte[] openApi;

  public SystemRoutes(PrometheusMeterRegistry metrics, BooleanSupplier databaseUp) {
    this.metrics = metrics;
    this.databaseUp = databaseUp;
    this.openApi = openApiDocument();
  }

  public static byte[] openApiDocument() {
    try (InputStream in = SystemRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    call.ctx().contentType("application/json").result(openApi);
  }
}
