package dev.bulwark.server.advisories;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.JobLock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs the OSV sources every {@code osv.syncMinutes}. Every node checks every few seconds; the
 * {@link JobLock} row lets exactly one node of a deployment run each period.
 */
public final class AdvisorySyncJob implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdvisorySyncJob.class);
  static final String JOB = "advisory-sync";
  static final Duration LEASE = Duration.ofMinutes(30);

  private final AdvisorySync sync;
  private final JobLock lock;
  private final Duration every;
  private final String node = "node-" + UUID.randomUUID();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bulwark-advisory-sync");
            t.setDaemon(true);
            return t;
          });

  private final java.time.Clock clock;
  private final long startedAt;

  public AdvisorySyncJob(AdvisorySync sync, JobLock lock, Duration every, java.time.Clock clock) {
    this.sync = sync;
    this.lock = lock;
    this.every = every;
    this.clock = clock;
    this.startedAt = clock.millis();
  }

  public void start(Duration check) {
    if (every.isZero()) {
      return;
    }
    executor.scheduleWithFixedDelay(this::runIfDue, 0, check.toMillis(), TimeUnit.MILLISECONDS);
  }

  void runIfDue() {
    if (clock.millis() - startedAt < every.toMillis()) {
      return; // the start itself just loaded the sources
    }
    try {
      lock.claim(JOB, node, every, LEASE)
          .ifPresent(
              claim -> {
                try {
                  AdvisorySync.Synced s = sync.sync(Principal.system(), "job:" + JOB);
                  LOG.info(
                      "advisory sync: {} changed, {} releases re-evaluated, {} findings added, {} closed",
                      s.changed(),
                      s.releases(),
                      s.added(),
                      s.closed());
                } finally {
                  lock.finish(claim);
                }
              });
    } catch (RuntimeException e) {
      // The previous advisories stay; the next period tries again.
      LOG.warn("advisory sync failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
