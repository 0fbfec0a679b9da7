package dev.bulwark.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A noisy neighbour for latency benchmarks: spins on one thread for BUSY microseconds, sleeps for
 * IDLE microseconds, until killed. Two of them at 4,000/6,000 take 80% of one core in bursts of 4
 * ms, which is what another tenant's build does to this two-core host at a busy hour: a
 * reproducible stand-in for the hours the figures cannot choose.
 *
 * <p>Usage: Neighbour BUSY_MICROS IDLE_MICROS
 */
public final class Neighbour {
  private Neighbour() {}

  public static void main(String[] args) {
    long busy = Long.parseLong(args[0]) * 1_000;
    long idle = Long.parseLong(args[1]) * 1_000;
    long spins = 0;
    while (spins >= 0) {
      long end = System.nanoTime() + busy;
      while (System.nanoTime() < end) {
        spins++;
      }
      LockSupport.parkNanos(idle);
    }
  }
}
