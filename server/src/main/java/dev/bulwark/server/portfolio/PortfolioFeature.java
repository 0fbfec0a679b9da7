package dev.bulwark.server.portfolio;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** The portfolio: read models across releases. */
public final class PortfolioFeature implements Feature {
  private final List<ApiRoute> routes;

  public PortfolioFeature(Portfolio portfolio) {
    this.routes = new PortfolioRoutes(portfolio).routes();
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
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/portfolio.json");
  }
}
