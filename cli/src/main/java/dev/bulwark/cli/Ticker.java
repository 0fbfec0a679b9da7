package dev.bulwark.cli;

import java.io.PrintWriter;

/**
 * A progress line for one long call that reports nothing while it runs (a server start reading an
 * export zip, an upload waiting for the server): a clock, not the work, redraws {@link
 * Terminal.Progress} with the elapsed seconds. Drawn only where {@link Terminal#progress} draws (a
 * terminal, after two seconds); {@link #close} erases it.
 */
final class Ticker implements AutoCloseable {
  private final Terminal.Progress progress;
  private final long started = System.nanoTime();
  private final Thread thread;
  private final Object lock = new Object();
  private volatile String what;

  private Ticker(Terminal.Progress progress, String what) {
    this.progress = progress;
    this.what = what;
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("bulwark-progress")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      long s = (System.nanoTime() - started) / 1_000_000_000L;
                      synchronized (lock) {
                        progress.update(this.what + " (" + s + " s)");
                      }
                      Thread.sleep(250);
                    }
                  } catch (InterruptedException e) {
                    // close() asked
                  }
                });
  }

  static Ticker start(PrintWriter err, boolean quiet, String what) {
    return new Ticker(Terminal.progress(err, quiet), what);
  }

  /** What the line says from now on. */
  void say(String text) {
    what = text;
  }

  /**
   * Runs {@code print} (which writes a line of its own, say a token on standard output) with the
   * progress line erased first, so the two never share a line; the next tick draws it again.
   */
  void above(Runnable print) {
    synchronized (lock) {
      progress.done();
      print.run();
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      progress.done();
    }
  }
}
