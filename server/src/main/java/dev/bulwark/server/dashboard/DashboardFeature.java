package dev.bulwark.server.dashboard;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.JobLock;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.Job;
import dev.bulwark.server.findings.SlaPolicy;
import dev.bulwark.server.http.ApiRoute;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The portfolio dashboard (issue 16): daily snapshots kept by the server and the metrics read from
 * them and from the findings' events (docs/dashboard.md).
 */
public final class DashboardFeature implements Feature {
  private final Dashboards dashboards;
  private final SnapshotJob job;

  public DashboardFeature(Database db, SlaPolicy sla, Clock clock) {
    this.dashboards = new Dashboards(db, sla, clock);
    this.job = new SnapshotJob(dashboards, new JobLock(db, clock));
  }

  /** The service, for the console's page, the demo's backfill and tests. */
  public Dashboards dashboards() {
    return dashboards;
  }

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public List<ApiRoute> routes() {
    return new DashboardRoutes(dashboards).routes();
  }

  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return DashboardPages.pages(dashboards);
  }

  @Override
  public List<Job> jobs() {
    return List.of(job);
  }

  @Override
  public Optional<String> openApi() {
    return Optional.of("/openapi/dashboard.json");
  }
}
