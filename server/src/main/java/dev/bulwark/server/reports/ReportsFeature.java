package dev.bulwark.server.reports;

import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;
import java.util.Optional;

/** Evidence reports for auditors (docs/reports.md). */
public final class ReportsFeature implements Feature {
  private final EvidenceReports reports;
  private final List<String> environments;

  public ReportsFeature(EvidenceReports reports, List<String> environments) {
    this.reports = reports;
    this.environments = List.copyOf(environments);
  }

  @Override
  public String name() {
    return "reports";
  }

  @Override
  public List<ApiRoute> routes() {
    return new ReportRoutes(reports).routes();
  }

  @Override
  public List<ConsolePage> pages() {
    return ReportPages.pages(reports, environments);
  }

  @Override
  public Optional<String> openApi() {
    return Optional.of("/openapi/reports.json");
  }
}
