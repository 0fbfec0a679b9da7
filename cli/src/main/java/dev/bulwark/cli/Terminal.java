package dev.bulwark.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What the terminal allows: colour only when standard output is a terminal, {@code NO_COLOR}
 * (https://no-color.org) is unset or empty, {@code TERM} is not {@code dumb} and {@code --no-color}
 * was not given; progress lines only on a terminal.
 */
final class Terminal {
  private static final String RESET = "\u001b[0m";

  /** Set by the global {@code --no-color} option for the command line being run. */
  private static volatile boolean noColourFlag;

  private Terminal() {}

  static void noColour(boolean off) {
    noColourFlag = off;
  }

  /** Whether {@code --no-color} was given to the command line being run. */
  static boolean noColourGiven() {
    return noColourFlag;
  }

  /** Whether this process talks to a terminal that shows colour. */
  static boolean colour() {
    return !noColourFlag && colour(System::getenv, isTerminal());
  }

  /** The rule itself, with the environment and the terminal given, so that a test can ask it. */
  static boolean colour(UnaryOperator<String> env, boolean terminal) {
    String noColor = env.apply("NO_COLOR");
    return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.apply("TERM"));
  }

  /** Whether progress lines may be drawn (a terminal, not a pipe or a file). */
  static boolean interactive() {
    return isTerminal();
  }

  /**
   * Whether the console is a terminal. JDK 22 and later return a console even when output is
   * redirected and add {@code Console.isTerminal()}; on JDK 21 a non-null console already means a
   * terminal. Called reflectively because we compile for 21.
   */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** {@code text} in the colour for a severity, when colour is on. */
  static String severity(String severity, String text) {
    return paint(colour(), severityCode(severity), text);
  }

  /**
   * {@code text} in the colour for an outcome or a severity (deny, fail, allow, pass, critical,
   * ...), when colour is on; other values unchanged.
   */
  static String outcome(String value, String text) {
    return paint(colour(), outcomeCode(value), text);
  }

  static String paint(boolean on, String code, String text) {
    return on && code != null ? code + text + RESET : text;
  }

  static String severityCode(String severity) {
    return switch (severity == null ? "" : severity.toLowerCase(Locale.ROOT)) {
      case "critical" -> "\u001b[1;31m";
      case "high" -> "\u001b[31m";
      case "medium" -> "\u001b[33m";
      case "low" -> "\u001b[36m";
      default -> "\u001b[2m";
    };
  }

  /** The colour of a value in an outcome column, or null for a value shown plain. */
  static String outcomeCode(String value) {
    return switch (value == null ? "" : value.toLowerCase(Locale.ROOT)) {
      case "deny", "denied", "fail", "failed", "error", "limit", "refused", "false" ->
          "\u001b[1;31m";
      case "allow", "allowed", "pass", "passed", "ok", "verified", "true", "active" -> "\u001b[32m";
      case "critical", "high", "medium", "low" -> severityCode(value);
      case "warn", "warning", "pending", "expired" -> "\u001b[33m";
      default -> null;
    };
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
