package dev.bulwark.server.reports;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;
import java.util.Optional;

/** Evidence reports for auditors (docs/reports.md). */
public final class ReportsFeature implements Feature {
  private final EvidenceReports reports;

  public ReportsFeature(EvidenceReports reports) {
    this.reports = reports;
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
  public Optional<String> openApi() {
    return Optional.of("/openapi/reports.json");
  }
}
