package dev.bulwark.server.catalog;

import static dev.bulwark.server.http.ApiRoute.delete;
import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;
import static dev.bulwark.server.http.ApiRoute.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** HTTP routes of the service catalog and of catalog-as-code import. */
public final class CatalogRoutes {
  private static final Set<String> YAML =
      Set.of(
          "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json");

  private final Catalog catalog;

  public CatalogRoutes(Catalog catalog) {
    this.catalog = catalog;
  }

  public List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/services", Permission.SERVICE_WRITE, this::create),
        get("/api/v1/services", Permission.SERVICE_READ, this::list),
        get("/api/v1/services/{name}", Permission.SERVICE_READ, this::show),
        put("/api/v1/services/{name}", Permission.SERVICE_WRITE, this::upsert),
        delete("/api/v1/services/{name}", Permission.SERVICE_DELETE, this::remove),
        post("/api/v1/catalog/import", Permission.CATALOG_IMPORT, this::importFile));
  }

  private void create(Call call) {
    ServiceInput in = call.json(ServiceInput.class);
    call.respond(201, catalog.create(call.principal(), call.requestId(), in));
  }

  private void list(Call call) {
    String archived = call.query("archived");
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      throw ApiException.invalid("archived", "must be true or false");
    }
    if ("true".equals(archived)) {
      call.respond(200, Map.of("services", catalog.archived(call.principal(), call.query("team"))));
      return;
    }
    call.respond(200, Map.of("services", catalog.list(call.principal(), call.query("team"))));
  }

  private void show(Call call) {
    String name = call.pathParam("name");
    call.respond(
        200,
        catalog
            .find(call.principal(), name)
            .orElseThrow(() -> ApiException.notFound("no service named '" + name + "'")));
  }

  private void upsert(Call call) {
    String name = call.pathParam("name");
    JsonNode tree = call.jsonTree();
    if (tree instanceof ObjectNode object) {
      JsonNode given = object.get("name");
      if (given != null && !given.isNull() && !name.equals(given.asText())) {
        throw ApiException.invalid(
            "name", "must equal the name in the path, '" + name + "', or be left out");
      }
      object.put("name", name);
    }
    ServiceInput in = Json.bindRecord(tree, ServiceInput.class);
    Catalog.Upserted result = catalog.upsert(call.principal(), call.requestId(), in);
    call.ctx().header("Bulwark-Outcome", result.outcome().name());
    call.respond(result.outcome() == Catalog.Outcome.created ? 201 : 200, result.service());
  }

  private void remove(Call call) {
    catalog.delete(call.principal(), call.requestId(), call.pathParam("name"));
    call.noContent();
  }

  private void importFile(Call call) {
    String fileName = call.query("file") == null ? "catalog" : call.query("file");
    boolean dryRun = "true".equals(call.query("dryRun"));
    CatalogFile.Parsed parsed = CatalogFile.parse(fileName, call.body(YAML));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("format", parsed.format());
    report.put("dryRun", dryRun);
    report.put("skipped", parsed.skipped());
    if (!parsed.rejected().isEmpty()) {
      throw new ApiException(
          422,
          "Unprocessable Content",
          parsed.rejected().size()
              + " of "
              + (parsed.entities().size() + parsed.rejected().size())
              + " entities were rejected; nothing was imported",
          parsed.rejected().stream()
              .map(r -> new ApiException.FieldError(r.where(), r.reason()))
              .toList());
    }
    List<ServiceInput> inputs =
        parsed.entities().stream().map(CatalogFile.Entity::service).toList();
    if (dryRun) {
      report.put("valid", inputs.size());
      call.respond(200, report);
      return;
    }
    List<Catalog.Upserted> done = catalog.importAll(call.principal(), call.requestId(), inputs);
    for (Catalog.Outcome o : Catalog.Outcome.values()) {
      report.put(
          o.name(),
          done.stream().filter(u -> u.outcome() == o).map(u -> u.service().name()).toList());
    }
    call.respond(200, report);
  }
}
