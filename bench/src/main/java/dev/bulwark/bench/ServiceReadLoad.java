package dev.bulwark.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/services/{name}} under load from wrk (a C load generator, so that the client
 * takes as little of the two cores as possible), with a real token on every request. Starts the
 * server jar on embedded SQLite with 200 services, warms up, then runs wrk several times and prints
 * each run's throughput and latency percentiles.
 *
 * <p>Usage: {@code java -cp bench.jar dev.bulwark.bench.ServiceReadLoad LAUNCHER [SECONDS] [RUNS]
 * [CONNECTIONS]}
 */
public final class ServiceReadLoad {
  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    Path dir = Files.createTempDirectory("bulwark-load");
    try (ServerProcess s = ServerProcess.start(launcher, dir, "-Xmx512m")) {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 200; i++) {
        String body =
            "{\"team\":\"bench\",\"area\":\"backend\",\"criticality\":\"high\",\"value\":"
                + i
                + "}";
        HttpRequest put =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.port + "/api/v1/services/svc-" + i))
                .header("Authorization", "Bearer " + ServerProcess.TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int status = client.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 201 && status != 200) {
          throw new IllegalStateException("seeding failed: " + status);
        }
      }
      String url = "http://127.0.0.1:" + s.port + "/api/v1/services/svc-42";
      wrk(url, 5, connections); // warm-up: JIT, connection pool, SQLite page cache
      for (int r = 0; r < runs; r++) {
        System.out.println("run " + (r + 1) + ": " + wrk(url, seconds, connections));
      }
    }
  }

  static String wrk(String url, int seconds, int connections) throws Exception {
    Process p =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "-H",
                "Authorization: Bearer " + ServerProcess.TOKEN,
                url)
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line.strip());
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + String.join("\n", lines));
    }
    String rps = find(lines, "Requests/sec:");
    String non2xx = find(lines, "Non-2xx");
    return rps
        + ", p50 "
        + find(lines, "50%")
        + ", p90 "
        + find(lines, "90%")
        + ", p99 "
        + find(lines, "99%")
        + (non2xx.isEmpty() ? ", all 2xx" : ", " + non2xx);
  }

  private static String find(List<String> lines, String prefix) {
    for (String l : lines) {
      if (l.startsWith(prefix)) {
        return l.substring(prefix.length()).strip();
      }
    }
    return "";
  }
}
