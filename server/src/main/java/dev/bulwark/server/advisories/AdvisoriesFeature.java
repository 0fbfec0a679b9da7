package dev.bulwark.server.advisories;

import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.Job;
import dev.bulwark.server.http.ApiRoute;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Advisories: the OSV sources, their sync (on request and on schedule, once per cluster) and the
 * in-memory index every node keeps fresh ({@link AdvisoryFollower}). What a sync changes in the
 * stored findings is the findings feature's work, reached through {@link AdvisorySync}.
 */
public final class AdvisoriesFeature implements Feature {
  private final AdvisorySync sync;
  private final AdvisoryFollower follower;
  private final AdvisorySyncJob scheduled;

  public AdvisoriesFeature(
      AdvisorySync sync, AdvisoryFollower follower, AdvisorySyncJob scheduled) {
    this.sync = sync;
    this.follower = follower;
    this.scheduled = scheduled;
  }

  @Override
  public String name() {
    return "advisories";
  }

  @Override
  public List<ApiRoute> routes() {
    return List.of(
        post(
            "/api/v1/advisories/sync",
            Permission.ADVISORY_SYNC,
            call -> call.respond(200, sync.sync(call.principal(), call.requestId()))));
  }

  @Override
  public List<Job> jobs() {
    return List.of(
        Job.of(follower::start, follower::close),
        Job.of(() -> scheduled.start(Duration.ofSeconds(5)), scheduled::close));
  }

  @Override
  public Optional<String> openApi() {
    return Optional.of("/openapi/advisories.json");
  }
}
