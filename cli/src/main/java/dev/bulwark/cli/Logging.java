package dev.bulwark.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The server's logs: plain lines or JSON lines on standard error, at {@code --log-level}. Client
 * commands never call this, so their logs stay off ({@link QuietLogging}). Every line passes
 * through {@link #mask} first, so a token or password that a library logs at debug level (Jetty's
 * request headers, a JDBC URL) is never written.
 */
final class Logging {
  /** What a start prints when nothing is asked: no library's INFO, only warnings and errors. */
  static final String DEFAULT_LEVEL = "warn";

  static final List<String> LEVELS = List.of("off", "error", "warn", "info", "debug", "trace");

  private static final Pattern TOKEN = Pattern.compile("bwk_[A-Za-z0-9_-]+");
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)(authorization\\W{0,3}(?:bearer |basic )?)[^\\s\"',;]+");
  private static final Pattern URL_PASSWORD =
      Pattern.compile(
          "(?i)((?:password|passwd|pwd|secret|token)[\"']?\\s*[=:]\\s*[\"']?)[^\\s&;\"',}]+");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/?#:@\\s]*:)[^/?#@\\s]*@");

  /** Secrets known at start (the database password, the bootstrap token), masked wherever seen. */
  private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

  private Logging() {}

  /** The parsed {@code --log-level}: a level for everything, then {@code logger=level} pairs. */
  record Levels(Level root, Map<String, Level> loggers) {
    Levels {
      loggers = Map.copyOf(loggers);
    }

    static Levels parse(String text) {
      String spec = text == null || text.isBlank() ? DEFAULT_LEVEL : text.trim();
      Level root = null;
      Map<String, Level> loggers = new LinkedHashMap<>();
      for (String part : spec.split(",")) {
        String p = part.trim();
        int eq = p.indexOf('=');
        if (eq < 0) {
          root = level(p, spec);
        } else {
          String name = p.substring(0, eq).trim();
          if (name.isEmpty()) {
            throw bad(spec);
          }
          loggers.put(name, level(p.substring(eq + 1).trim(), spec));
        }
      }
      return new Levels(root == null ? Level.WARN : root, loggers);
    }

    private static Level level(String name, String spec) {
      String n = name.toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(n)) {
        throw bad(spec);
      }
      return Level.toLevel(n);
    }

    private static CliException bad(String spec) {
      return new CliException(
          ExitCodes.USAGE,
          "--log-level "
              + spec
              + ": expected one of "
              + String.join("|", LEVELS)
              + ", optionally followed by LOGGER=LEVEL pairs (info,org.eclipse.jetty=debug)");
    }
  }

  /** {@code plain} or {@code json}; anything else is a usage error. */
  static boolean json(String format) {
    String f = format == null || format.isBlank() ? "plain" : format.trim();
    return switch (f.toLowerCase(Locale.ROOT)) {
      case "plain" -> false;
      case "json" -> true;
      default ->
          throw new CliException(
              ExitCodes.USAGE, "--log-format " + format + ": expected plain or json");
    };
  }

  /** Replaces whatever logging was set up with lines of {@code format} at {@code levels}. */
  static void configure(Levels levels, boolean json, OutputStream to) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Encoder<ILoggingEvent> inner;
    if (json) {
      JsonEncoder j = new JsonEncoder();
      j.setWithSequenceNumber(false);
      j.setWithNanoseconds(false);
      j.setWithContext(false);
      j.setWithArguments(false);
      j.setWithMessage(false);
      j.setWithFormattedMessage(true);
      inner = j;
    } else {
      PatternLayoutEncoder p = new PatternLayoutEncoder();
      p.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{36} - %msg%n");
      inner = p;
    }
    inner.setContext(ctx);
    inner.start();
    Masking masking = new Masking(inner);
    masking.setContext(ctx);
    masking.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(json ? "json" : "plain");
    appender.setContext(ctx);
    appender.setEncoder(masking);
    appender.setOutputStream(to);
    appender.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(levels.root());
    root.addAppender(appender);
    levels.loggers().forEach((name, level) -> ctx.getLogger(name).setLevel(level));
  }

  /** Back to what client commands have: every logger off, nothing written. */
  static void quiet() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
  }

  /** Adds a secret that must never appear in a log line (blank values are ignored). */
  static void secret(String value) {
    if (value != null && value.length() >= 4) {
      SECRETS.add(value);
    }
  }

  /** {@code line} with every token, authorization value, password and known secret as ****. */
  static String mask(String line) {
    String m = line;
    for (String s : SECRETS) {
      m = m.replace(s, "****");
    }
    m = TOKEN.matcher(m).replaceAll("bwk_****");
    m = AUTHORIZATION.matcher(m).replaceAll("$1****");
    m = URL_PASSWORD.matcher(m).replaceAll("$1****");
    return USER_INFO.matcher(m).replaceAll("$1****@");
  }

  /** An encoder whose lines are those of another, masked. */
  private static final class Masking extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> inner;

    Masking(Encoder<ILoggingEvent> inner) {
      this.inner = inner;
    }

    @Override
    public byte[] headerBytes() {
      return inner.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      byte[] raw = inner.encode(event);
      return mask(new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return inner.footerBytes();
    }
  }
}
