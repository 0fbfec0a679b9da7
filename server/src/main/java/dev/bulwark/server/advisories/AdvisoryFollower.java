package dev.bulwark.server.advisories;

import dev.bulwark.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's advisory index in step with the syncs of every node on the same database
 * (docs/adr/0010). A sync's load raises the revision row ({@link #announce}); every node polls that
 * row and, when it moved, reloads its index from its own sources. The reloading node re-evaluates
 * nothing: the syncing node wrote the findings. Runs on every node (on SQLite there is one, and the
 * poll finds only its own announcements).
 */
public final class AdvisoryFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdvisoryFollower.class);
  static final Duration POLL = Duration.ofSeconds(1);

  private final Advisories advisories;
  private final AdvisoryDao dao;
  private final Clock clock;
  private final Duration poll;
  private final String node = "node-" + UUID.randomUUID();

  /** The highest revision this node's index reflects: announced here, or reloaded after. */
  private final AtomicLong seen = new AtomicLong(-1);

  /** The last failure logged, so that a source that stays broken is not logged every second. */
  private volatile String lastFailure;

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("bulwark-advisory-follower").unstarted(r));

  public AdvisoryFollower(Advisories advisories, Database db, Clock clock) {
    this(advisories, db, clock, POLL);
  }

  AdvisoryFollower(Advisories advisories, Database db, Clock clock, Duration poll) {
    this.advisories = Objects.requireNonNull(advisories);
    this.dao = new AdvisoryDao(db);
    this.clock = clock;
    this.poll = poll;
    advisories.onSync(this::announce);
  }

  /**
   * The start's load: reads the revision first, then the sources, so that a sync announced in
   * between is reloaded by the first poll. A node starting after a sync loads its current sources
   * anyway; the stamps are compared only to say so when they differ.
   */
  public Advisories.Change loadAtStart()
      throws dev.bulwark.vuln.osv.OsvFormatException, java.io.IOException {
    AdvisoryDao.Revision at = dao.read();
    Advisories.Change c = advisories.refresh();
    seen.accumulateAndGet(at.revision(), Math::max);
    if (at.revision() > 0 && !at.stamp().equals(advisories.stamp())) {
      LOG.info(
          "advisories loaded at start ({}) differ from those of the last sync, revision {} on {} ({}):"
              + " the sources changed since, or differ between nodes; the next sync re-evaluates the"
              + " stored releases",
          advisories.stamp(),
          at.revision(),
          at.node(),
          at.stamp());
    }
    return c;
  }

  public void start() {
    executor.scheduleWithFixedDelay(
        this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Tells the other nodes this node's sync loaded {@code stamp}. A failure here leaves the sync
   * done on this node (its index is loaded, its findings are written); the other nodes catch up on
   * the next sync, so it is logged, not thrown.
   */
  void announce(String stamp) {
    try {
      AdvisoryDao.Revision r = dao.raise(stamp, node, clock.millis());
      seen.accumulateAndGet(r.revision(), Math::max);
      LOG.info("announced advisory revision {} ({}) to the other nodes", r.revision(), stamp);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not announce the advisory sync to the other nodes; they reload at the next sync: {}",
          e.toString());
    }
  }

  /** One poll: reloads the index when another node announced a sync since. */
  void poll() {
    try {
      AdvisoryDao.Revision r = dao.read();
      if (r.revision() <= seen.get()) {
        return;
      }
      long t0 = System.nanoTime();
      Advisories.Change c;
      try {
        c = advisories.refresh();
      } catch (dev.bulwark.vuln.osv.OsvFormatException | java.io.IOException e) {
        // The previous index stays (refresh replaces it only whole); the next poll tries again.
        String message = e.getMessage();
        if (!Objects.equals(message, lastFailure)) {
          LOG.warn(
              "cannot reload the advisories for revision {} announced by {}; keeping the previous"
                  + " ones and retrying: {}",
              r.revision(),
              r.node(),
              message);
        }
        lastFailure = message;
        return;
      }
      lastFailure = null;
      seen.accumulateAndGet(r.revision(), Math::max);
      if (!r.stamp().equals(advisories.stamp())) {
        LOG.warn(
            "advisory revision {}: {} loaded {} but this node loaded {} from its sources; the nodes"
                + " answer scans differently until their sources hold the same records",
            r.revision(),
            r.node(),
            r.stamp(),
            advisories.stamp());
      } else {
        LOG.info(
            "reloaded advisories for revision {} announced by {}: {} changed, in {} ms",
            r.revision(),
            r.node(),
            c.changedIds().size(),
            (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (RuntimeException e) {
      String message = e.toString();
      if (!Objects.equals(message, lastFailure)) {
        LOG.warn("advisory revision poll failed; retrying: {}", message);
      }
      lastFailure = message;
    }
  }

  /** The highest revision this node's index reflects (tests). */
  long seen() {
    return seen.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
