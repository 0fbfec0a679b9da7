package dev.bulwark.server.db;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Claims of periodic jobs in the database (table {@code jobs}). {@link #claim} succeeds for exactly
 * one caller per period, whichever node it runs on: the claim is a single conditional UPDATE, which
 * both SQLite and PostgreSQL execute atomically.
 */
public final class JobLock {
  private final Database db;
  private final Clock clock;

  public JobLock(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** A claimed run, to be finished by the node that claimed it. */
  public record Claim(String job, String node, long at) {}

  /**
   * Claims {@code job} for {@code node} if its last run finished at least {@code every} ago and
   * nobody holds an unexpired lease.
   */
  public Optional<Claim> claim(String job, String node, Duration every, Duration lease) {
    long now = clock.millis();
    int updated =
        db.writes()
            .inTransaction(
                h -> {
                  h.createUpdate(
                          "INSERT INTO jobs (name, locked_until, locked_by, last_run) VALUES (:n, 0, NULL, 0) ON CONFLICT DO NOTHING")
                      .bind("n", job)
                      .execute();
                  return h.createUpdate(
                          "UPDATE jobs SET locked_until = :until, locked_by = :node "
                              + "WHERE name = :n AND locked_until < :now AND last_run <= :due")
                      .bind("until", now + lease.toMillis())
                      .bind("node", node)
                      .bind("n", job)
                      .bind("now", now)
                      .bind("due", now - every.toMillis())
                      .execute();
                });
    return updated == 1 ? Optional.of(new Claim(job, node, now)) : Optional.empty();
  }

  /** Records the run as finished and releases the lease, if this node still holds it. */
  public boolean finish(Claim c) {
    return db.writes()
            .inTransaction(
                h ->
                    h.createUpdate(
                            "UPDATE jobs SET last_run = :at, locked_until = 0, locked_by = NULL WHERE name = :n AND locked_by = :node")
                        .bind("at", clock.millis())
                        .bind("n", c.job())
                        .bind("node", c.node())
                        .execute())
        == 1;
  }
}
