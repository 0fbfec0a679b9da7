package dev.bulwark.cli;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.config.ConfigLoader;
import dev.bulwark.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "server",
    description = "Start the Bulwark server.",
    mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {
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
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config file (env BULWARK_CONFIG).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
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
    ServerConfig cfg;
    try {
      cfg = ConfigLoader.load(flags, System.getenv(), file);
    } catch (ConfigException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    BulwarkServer server;
    try {
      server = BulwarkServer.start(cfg, Clock.systemUTC(), System.out);
    } catch (ConfigException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "bulwark-shutdown"));
    System.out.println("Bulwark is ready on http://" + cfg.host() + ":" + server.port());
    stopped.await();
    return ExitCodes.OK;
  }

  private static Path envPath(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : Path.of(v);
  }
}
