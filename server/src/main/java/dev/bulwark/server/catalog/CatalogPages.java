package dev.bulwark.server.catalog;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import java.util.List;

/**
 * The catalog's console pages: the services the caller may see (the team scope is the catalog's own
 * SQL, as for {@code GET /api/v1/services}), optionally of one team.
 */
public final class CatalogPages {
  private CatalogPages() {}

  /** The model of {@code catalog/services.jte}. */
  public record Services(List<Service> services, String team, List<String> teams) {
    public Services {
      services = List.copyOf(services);
      teams = List.copyOf(teams);
    }

    public boolean filtered() {
      return team != null;
    }
  }

  public static List<ConsolePage> pages(Catalog catalog) {
    return List.of(
        ConsolePage.get(
                "/catalog",
                Permission.SERVICE_READ,
                call -> {
                  String team = call.query("team");
                  List<Service> all = catalog.list(call.principal(), null);
                  List<String> teams = all.stream().map(Service::team).distinct().sorted().toList();
                  List<Service> shown = team == null ? all : catalog.list(call.principal(), team);
                  return View.page("catalog/services.jte", new Services(shown, team, teams));
                })
            .inNav("Catalog", 20));
  }
}
