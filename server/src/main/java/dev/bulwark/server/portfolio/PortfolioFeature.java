package dev.bulwark.server.portfolio;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** The portfolio: read models across releases. */
public final class PortfolioFeature implements Feature {
  private final List<ApiRoute> routes;
  private final List<dev.bulwark.server.console.ConsolePage> pages;

  public PortfolioFeature(Portfolio portfolio) {
    this(portfolio, null);
  }

  /** With the console's service page, which reads the service's releases and findings too. */
  public PortfolioFeature(Portfolio portfolio, ServicePage servicePage) {
    this.routes = new PortfolioRoutes(portfolio).routes();
    this.pages = servicePage == null ? List.of() : servicePage.pages();
  }

  @Override
  public String name() {
    return "portfolio";
  }

  @Override
  public List<ApiRoute> routes() {
    return routes;
  }

  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return pages;
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/portfolio.json");
  }
}
