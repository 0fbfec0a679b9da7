package dev.bulwark.server.feature;

/**
 * A feature's background work. Started once the server listens; closed, and waited for, before the
 * database closes. A job that must run on one node only takes a {@code JobLock}.
 */
public interface Job extends AutoCloseable {
  void start();

  @Override
  void close();

  /** A job from its two halves, for work that is not a class of its own. */
  static Job of(Runnable start, Runnable close) {
    return new Job() {
      @Override
      public void start() {
        start.run();
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }
}
