package dev.bulwark.server.catalog;

import dev.bulwark.server.auth.Principal;
import java.util.List;

/** The console's catalog page: the services the caller may see, as the API lists them. */
public final class CatalogPages {
  /** The most services one page lists; a team filter narrows a large catalog. */
  static final int LISTED = 1000;

  private final Catalog catalog;

  CatalogPages(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The catalog page. */
  public record Model(String team, List<Service> services, int total) {}

  Model model(Principal caller, String team) {
    String t = team == null || team.isBlank() ? null : team.strip();
    List<Service> all = catalog.list(caller, t);
    return new Model(t, all.size() > LISTED ? all.subList(0, LISTED) : all, all.size());
  }
}
