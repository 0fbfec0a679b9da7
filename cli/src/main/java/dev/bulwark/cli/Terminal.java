package dev.bulwark.cli;

import java.io.PrintWriter;

/**
 * What the terminal allows: colour only when standard output is a terminal and {@code NO_COLOR}
 * (https://no-color.org) is unset, and progress lines only on a terminal.
 */
final class Terminal {
  private static final String RESET = "\u001b[0m";

  private Terminal() {}

  /** Whether this process talks to a terminal that shows colour. */
  static boolean colour() {
    String noColor = System.getenv("NO_COLOR");
    String term = System.getenv("TERM");
    return System.console() != null
        && (noColor == null || noColor.isEmpty())
        && !"dumb".equals(term);
  }

  /** Whether progress lines may be drawn (a terminal on stderr's side, not a pipe or a file). */
  static boolean interactive() {
    return System.console() != null;
  }

  /** {@code text} in the colour for a severity, when colour is on. */
  static String severity(String severity, String text) {
    if (!colour()) {
      return text;
    }
    String code =
        switch (severity == null ? "" : severity) {
          case "critical" -> "\u001b[1;31m";
          case "high" -> "\u001b[31m";
          case "medium" -> "\u001b[33m";
          case "low" -> "\u001b[36m";
          default -> "\u001b[2m";
        };
    return code + text + RESET;
  }

  /**
   * A progress line for work that may take more than two seconds: drawn on a terminal only, after
   * two seconds, replaced in place, and cleared by {@link Progress#done()}.
   */
  static Progress progress(PrintWriter err, boolean quiet) {
    return new Progress(err, !quiet && interactive());
  }

  /** A progress line; {@link #update} is cheap to call often. */
  static final class Progress {
    private final PrintWriter err;
    private final boolean on;
    private final long start = System.nanoTime();
    private long last;
    private boolean drawn;

    Progress(PrintWriter err, boolean on) {
      this.err = err;
      this.on = on;
    }

    void update(String what) {
      if (!on) {
        return;
      }
      long now = System.nanoTime();
      if (now - start < 2_000_000_000L || now - last < 200_000_000L) {
        return;
      }
      last = now;
      err.print("\r\u001b[2K" + what);
      err.flush();
      drawn = true;
    }

    void done() {
      if (drawn) {
        err.print("\r\u001b[2K");
        err.flush();
        drawn = false;
      }
    }
  }
}
