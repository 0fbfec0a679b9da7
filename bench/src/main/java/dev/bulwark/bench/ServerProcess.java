package dev.bulwark.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A Bulwark server in a child process, started from the built jar as a user would start it. */
final class ServerProcess implements AutoCloseable {
  static final String TOKEN = "bwk_bench-admin-token-000000000000000000000000000";

  final Process process;
  final int port;
  final long launchToHealthyNanos;

  private ServerProcess(Process process, int port, long nanos) {
    this.process = process;
    this.port = port;
    this.launchToHealthyNanos = nanos;
  }

  /** Starts {@code launcher server --port P --data DIR} with extra JVM options. */
  static ServerProcess start(Path launcher, Path dataDir, String javaOpts) throws Exception {
    return start(launcher, dataDir, javaOpts, java.util.Map.of());
  }

  /** The same, with more environment variables (a PostgreSQL URL, say). */
  static ServerProcess start(
      Path launcher, Path dataDir, String javaOpts, java.util.Map<String, String> env)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        List.of(
            launcher.toString(),
            "server",
            "--port",
            Integer.toString(port),
            "--data",
            dataDir.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("BULWARK_BOOTSTRAP_TOKEN", TOKEN);
    pb.environment().put("BULWARK_JAVA_OPTS", javaOpts);
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue());
      }
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return new ServerProcess(p, port, System.nanoTime() - t0);
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos()) {
        p.destroyForcibly();
        throw new IllegalStateException("server not healthy after 60 s");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
