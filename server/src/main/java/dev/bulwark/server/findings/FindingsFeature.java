package dev.bulwark.server.findings;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/**
 * Findings: their lifecycle and triage, carried-over decisions, VEX, the SLA and overdue findings,
 * and their re-evaluation when advisories change ({@link Reevaluation}, the advisories feature's
 * {@code AdvisorySync}).
 */
public final class FindingsFeature implements Feature {
  private final List<ApiRoute> routes;
  private final List<dev.bulwark.server.console.ConsolePage> pages;

  public FindingsFeature(Findings findings, FindingLifecycle lifecycle) {
    this.routes = new FindingRoutes(findings, lifecycle).routes();
    this.pages = new FindingPages(lifecycle).pages();
  }

  @Override
  public String name() {
    return "findings";
  }

  @Override
  public List<ApiRoute> routes() {
    return routes;
  }

  /** The triage and approval forms of the service page (which the portfolio feature serves). */
  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return pages;
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/findings.json");
  }
}
