package dev.bulwark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Issue 5: upload and analysis of a 5,000-component SBOM end to end (HTTP PUT to the stored
 * findings in the response) against a server holding the 500,000-advisory database, on SQLite or
 * PostgreSQL. Each run uploads to a new release, so every run does the full work.
 *
 * <p>Usage: ReleaseBench OSV_ZIP SBOM_10K sqlite|JDBC_URL RUNS
 */
public final class ReleaseBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";

  public static void main(String[] args) throws Exception {
    Path osv = Path.of(args[0]);
    JsonNode full = new ObjectMapper().readTree(Path.of(args[1]).toFile());
    ObjectNode sbom = (ObjectNode) full.deepCopy();
    ArrayNode five = sbom.putArray("components");
    // 5,000 components, or all of a smaller SBOM (bench/run's short mode).
    int components = Math.min(5000, full.path("components").size());
    for (int i = 0; i < components; i++) {
      five.add(full.path("components").get(i));
    }
    byte[] body = new ObjectMapper().writeValueAsBytes(sbom);
    int runs = Integer.parseInt(args[3]);
    Path data = Files.createTempDirectory("bulwark-release-bench");
    ServerConfig config =
        ServerConfig.embeddedDefaults(data)
            .withBootstrapToken(TOKEN)
            .withOsvSources(List.of(osv))
            .withLimits(64L << 20, 1000);
    if (!args[2].equals("sqlite")) {
      config = config.withDb(args[2], "postgres", null);
    }
    long t0 = System.nanoTime();
    try (BulwarkServer server =
        BulwarkServer.start(
            config, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()))) {
      System.out.printf(
          "server with 500k advisories up in %.1f s on %s%n",
          (System.nanoTime() - t0) / 1e9, args[2].equals("sqlite") ? "SQLite" : "PostgreSQL");
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port() + "/api/v1/services/bench-api";
      send(http, base, "PUT", "{\"team\":\"bench\",\"area\":\"backend\",\"criticality\":\"high\"}");
      List<Double> ms = new ArrayList<>();
      String findings = "";
      for (int r = 0; r < runs; r++) {
        String version = "1." + r + "." + System.nanoTime();
        send(
            http,
            base + "/releases",
            "POST",
            "{\"version\":\"" + version + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\"}");
        long s = System.nanoTime();
        HttpResponse<String> up =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/releases/" + version + "/sbom"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/vnd.cyclonedx+json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        double took = (System.nanoTime() - s) / 1e6;
        if (up.statusCode() != 200) {
          throw new IllegalStateException("upload failed: " + up.statusCode() + " " + up.body());
        }
        findings = new ObjectMapper().readTree(up.body()).path("findings").asText();
        ms.add(took);
        System.out.printf("run %d: %.0f ms (%s findings)%n", r + 1, took, findings);
      }
      Collections.sort(ms);
      System.out.printf(
          "%,d-component SBOM upload and analysis: median %.0f ms, min %.0f, max %.0f over %d runs (%s findings, %d bytes)%n",
          components,
          ms.get(ms.size() / 2),
          ms.get(0),
          ms.get(ms.size() - 1),
          runs,
          findings,
          body.length);
    }
  }

  static void send(HttpClient http, String url, String method, String json) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
    }
  }
}
