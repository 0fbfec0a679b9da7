package dev.bulwark.server.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address in fixed one-minute windows. An address over its
 * limit has its failed attempts refused (429) until its window ends; a valid credential is still
 * accepted (see {@link Authenticator}), so guessing from an address shared with valid users (a NAT,
 * a proxy) cannot lock them out. Memory is bounded: stale windows are dropped when the table grows.
 */
public final class FailedAuthLimiter {
  private static final int MAX_TRACKED = 100_000;

  private record Window(long minute, int failures) {}

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final int limitPerMinute;
  private final Clock clock;

  public FailedAuthLimiter(int limitPerMinute, Clock clock) {
    this.limitPerMinute = limitPerMinute;
    this.clock = clock;
  }

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  public long blockedForSeconds(String address) {
    long now = clock.millis();
    Window w = windows.get(address);
    if (w == null || w.minute() != now / 60_000 || w.failures() < limitPerMinute) {
      return 0;
    }
    return Math.max(1, (60_000 - now % 60_000 + 999) / 1000);
  }

  public void recordFailure(String address) {
    long minute = clock.millis() / 60_000;
    if (windows.size() >= MAX_TRACKED) {
      windows.values().removeIf(w -> w.minute() != minute);
    }
    windows.merge(
        address,
        new Window(minute, 1),
        (old, one) -> old.minute() == minute ? new Window(minute, old.failures() + 1) : one);
  }
}
