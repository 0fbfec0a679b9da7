package dev.bulwark.server.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's clock under {@code --demo}: the real clock, except while the demo seeds its history,
 * when it reads the moments of that history (weeks ago, moving forward), so that every release,
 * finding event, gate decision, deployment and ledger entry of the history carries the time it
 * would have had. Back to the real clock before the server listens.
 */
public final class DemoClock extends Clock {
  private final Clock real;
  private final AtomicReference<Instant> fixed = new AtomicReference<>();

  public DemoClock(Clock real) {
    this.real = real;
  }

  /** Reads {@code at} from now on, until {@link #release}; never a moment after the real now. */
  void set(Instant at) {
    Instant now = real.instant();
    fixed.set(at.isAfter(now) ? now : at);
  }

  void advance(Duration d) {
    set(instant().plus(d));
  }

  /** The real now, whatever the clock reads. */
  Instant realNow() {
    return real.instant();
  }

  /** The real clock again. */
  void release() {
    fixed.set(null);
  }

  @Override
  public ZoneId getZone() {
    return real.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    Instant f = fixed.get();
    return f != null ? f : real.instant();
  }
}
