package dev.bulwark.server.dashboard;

import dev.bulwark.server.db.JobLock;
import dev.bulwark.server.feature.Job;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the day's snapshot once: shortly after start and then every {@link #CHECK} it looks
 * whether today has a snapshot, and records it only when it has none, so a day is aggregated once
 * (the first check of a new day records that day). The {@link JobLock} lets one node of a
 * deployment record at a time; a node that claims after another recorded finds the day there.
 */
final class SnapshotJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotJob.class);
  static final String JOB = "dashboard-snapshot";
  static final Duration LEASE = Duration.ofMinutes(30);
  static final Duration CHECK = Duration.ofHours(1);

  /** The first run waits for the start to settle rather than compete with it. */
  static final Duration FIRST = Duration.ofSeconds(10);

  private final Dashboards dashboards;
  private final JobLock lock;
  private final String node = "node-" + UUID.randomUUID();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bulwark-dashboard-snapshot");
            t.setDaemon(true);
            return t;
          });

  SnapshotJob(Dashboards dashboards, JobLock lock) {
    this.dashboards = dashboards;
    this.lock = lock;
  }

  @Override
  public void start() {
    executor.scheduleWithFixedDelay(
        this::runIfDue, FIRST.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records today if it has no snapshot yet; true when this call recorded it. */
  boolean runIfDue() {
    try {
      // No minimum period between runs: whether today is recorded decides, the lease only keeps
      // two nodes from aggregating at once.
      return lock.claim(JOB, node, Duration.ZERO, LEASE)
          .map(
              claim -> {
                try {
                  return dashboards.recordTodayIfMissing();
                } finally {
                  lock.finish(claim);
                }
              })
          .orElse(false);
    } catch (RuntimeException e) {
      // Today stays missing; the next check tries again.
      LOG.warn("dashboard snapshot failed: {}", e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
