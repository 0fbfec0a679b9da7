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
 * Records today's snapshot shortly after start and again every {@link #EVERY} while the day lasts,
 * so the dashboard is at most that old; the first run of a new day records that day. Every node
 * checks each minute; the {@link JobLock} lets one node of a deployment run each period.
 */
final class SnapshotJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotJob.class);
  static final String JOB = "dashboard-snapshot";
  static final Duration EVERY = Duration.ofMinutes(15);
  static final Duration LEASE = Duration.ofMinutes(30);
  static final Duration CHECK = Duration.ofMinutes(1);

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

  void runIfDue() {
    try {
      lock.claim(JOB, node, EVERY, LEASE)
          .ifPresent(
              claim -> {
                try {
                  dashboards.recordToday();
                } finally {
                  lock.finish(claim);
                }
              });
    } catch (RuntimeException e) {
      // The previous snapshot stays; the next check tries again.
      LOG.warn("dashboard snapshot failed: {}", e.toString());
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
