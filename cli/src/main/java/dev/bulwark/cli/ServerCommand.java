package dev.bulwark.cli;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.config.ConfigLoader;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "server",
    description = "Start the Bulwark server.",
    mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", description = "Port to listen on (default 8080; 0 picks a free one).")
  Integer port;

  @Option(names = "--host", description = "Address to listen on (default 127.0.0.1).")
  String host;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory of the embedded database (default ./bulwark-data).")
  Path data;

  @Option(names = "--demo", description = "Seed sample services and tokens on first use.")
  boolean demo;

  @Option(
      names = "--osv",
      paramLabel = "PATH|URL",
      description =
          "OSV advisory source, loaded at start and on every sync: an export zip, a directory of records, one record, or an http(s) URL of an export zip (repeatable; env BULWARK_OSV_SOURCES, comma-separated).")
  java.util.List<String> osv = new java.util.ArrayList<>();

  @Option(
      names = "--sla",
      paramLabel = "FILE",
      description =
          "SLA matrix (YAML or JSON): days by severity, service criticality and area (env BULWARK_SLA_FILE).")
  Path sla;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "off|error|warn|info|debug|trace, then optional LOGGER=LEVEL pairs, comma-separated"
              + " (default warn: libraries' INFO lines stay off; env BULWARK_LOG_LEVEL).")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "plain|json",
      description =
          "Log lines on stderr as plain text or JSON lines (default plain; env"
              + " BULWARK_LOG_FORMAT).")
  String logFormat;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config file (env BULWARK_CONFIG).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    BulwarkServer server = start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "bulwark-shutdown"));
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * Sets up logging, reads the configuration and starts the server, then prints the one start line.
   * A failed start ends in a {@link CliException}: one line, exit 2 for a configuration problem, 3
   * when what the server needs is unavailable (the port, the database, the data directory held by
   * another server); the stack trace only at {@code --log-level debug}.
   */
  BulwarkServer start() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Logging.Levels levels =
        Logging.Levels.parse(logLevel != null ? logLevel : System.getenv("BULWARK_LOG_LEVEL"));
    boolean json =
        Logging.json(logFormat != null ? logFormat : System.getenv("BULWARK_LOG_FORMAT"));
    Logging.configure(levels, json, stream(err, null));
    Logger log = LoggerFactory.getLogger(ServerCommand.class);

    Map<String, String> flags = new HashMap<>();
    if (port != null) {
      flags.put("port", port.toString());
    }
    if (host != null) {
      flags.put("host", host);
    }
    if (data != null) {
      flags.put("data", data.toString());
    }
    if (demo) {
      flags.put("demo", "true");
    }
    if (sla != null) {
      flags.put("sla.file", sla.toString());
    }
    if (!osv.isEmpty()) {
      flags.put("osv.sources", String.join(",", osv));
    }
    Path file = config != null ? config : envPath("BULWARK_CONFIG");
    // The files named by the user are input (exit 4 when missing, a directory, unreadable or
    // empty, one line naming them); a bad flag or setting is a usage error (2).
    if (file != null) {
      InputFiles.check(file);
    }
    if (sla != null) {
      InputFiles.check(sla);
    }
    ServerConfig cfg;
    try {
      cfg = ConfigLoader.load(flags, System.getenv(), file);
    } catch (ConfigException e) {
      throw new CliException(configCode(e, file), e.getMessage());
    }
    cfg.dbPassword().ifPresent(p -> Logging.secret(p.value()));
    cfg.bootstrapToken().ifPresent(t -> Logging.secret(t.value()));
    // Before the database: a port in use is found in milliseconds, and a first start does not
    // install (and print) an admin token that the failed start would then lose.
    checkPortFree(cfg);

    // Progress would interleave with log lines, so it is drawn only while logs are quiet.
    boolean logsQuiet = levels.root().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN);
    BulwarkServer server;
    try (Ticker ticker = Ticker.start(err, !logsQuiet, "Starting Bulwark")) {
      server =
          BulwarkServer.start(
              cfg,
              Clock.systemUTC(),
              stream(out, ticker),
              phase -> ticker.say("Starting Bulwark: " + phase));
    } catch (Database.DataDirInUseException | Database.UnreachableException e) {
      throw failed(log, ExitCodes.SERVER, e.getMessage(), e);
    } catch (ConfigException e) {
      throw failed(log, configCode(e, file), e.getMessage(), e);
    } catch (io.javalin.util.JavalinBindException e) {
      throw failed(log, ExitCodes.SERVER, portInUse(cfg), e);
    } catch (RuntimeException e) {
      throw failed(log, ExitCodes.SERVER, "cannot start the server: " + message(e), e);
    }
    String ready =
        readyLine(cfg.host(), server.port(), server.advisoryCount(), server.serviceCount());
    out.println(ready);
    out.flush();
    log.info(ready);
    return server;
  }

  /** "Bulwark is ready on http://127.0.0.1:8080 (3 advisories, 1 service)". */
  static String readyLine(String host, int port, int advisories, int services) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "Bulwark is ready on http://"
        + h
        + ":"
        + port
        + " ("
        + count(advisories, "advisory", "advisories")
        + ", "
        + count(services, "service", "services")
        + ")";
  }

  private static String count(int n, String one, String many) {
    return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
  }

  private static void checkPortFree(ServerConfig cfg) {
    if (cfg.port() == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(cfg.host()), cfg.port()));
    } catch (java.net.BindException e) {
      throw new CliException(ExitCodes.SERVER, portInUse(cfg));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + message(e));
    }
  }

  private static String portInUse(ServerConfig cfg) {
    return "cannot listen on "
        + cfg.host()
        + ":"
        + cfg.port()
        + ": the port is in use (choose another with --port, or --port 0 for a free one)";
  }

  /** 4 when the problem is in a file the user named (its content), 2 for a flag or setting. */
  private int configCode(ConfigException e, Path configFile) {
    String m = String.valueOf(e.getMessage());
    for (Path named : new Path[] {configFile, sla}) {
      if (named != null && m.contains(named.toString())) {
        return ExitCodes.INPUT;
      }
    }
    return ExitCodes.USAGE;
  }

  private static CliException failed(Logger log, int code, String message, Throwable cause) {
    log.debug("the start failed", cause);
    return new CliException(code, message);
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * A byte stream onto a writer, for the server's console and the log appender; with a ticker, each
   * write first erases its progress line.
   */
  private static PrintStream stream(PrintWriter w, Ticker ticker) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            String text = new String(b, off, len, StandardCharsets.UTF_8);
            Runnable write =
                () -> {
                  w.write(text);
                  w.flush();
                };
            if (ticker == null) {
              write.run();
            } else {
              ticker.above(write);
            }
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  private static Path envPath(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : Path.of(v);
  }
}
