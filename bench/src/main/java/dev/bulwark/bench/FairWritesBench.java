package dev.bulwark.bench;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.CompletableFuture;

/**
 * Issue 12, repro 6: one maximal SBOM upload (60,000 vulnerable components, 180,000 findings,
 * against three synthetic advisories) with the process's RSS and heap before and after; four such
 * uploads at once while one client upserts a service in a loop (its latency percentiles, beside
 * those of the same upserts without uploads; the target: p99 under 100 ms); and a
 * 100,000-service catalog import. In-process server over a socket, on SQLite or PostgreSQL.
 *
 * <p>Usage: FairWritesBench OSV_DIR sqlite|JDBC_URL [COMPONENTS] [SERVICES]
 */
public final class FairWritesBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";

  public static void main(String[] args) throws Exception {
    Path osv = Path.of(args[0]);
    int components = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    int services = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    Path data = Files.createTempDirectory("bulwark-fairwrites-bench");
    ServerConfig config =
        ServerConfig.embeddedDefaults(data)
            .withBootstrapToken(TOKEN)
            .withOsvSources(List.of(osv))
            .withLimits(64L << 20, 1000)
            .withUploads(new ServerConfig.UploadSettings(64L << 20, components, 3 * components, 4));
    if (!args[1].equals("sqlite")) {
      config = config.withDb(args[1], "postgres", null);
    }
    try (BulwarkServer server =
        BulwarkServer.start(
            config, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()))) {
      String db = args[1].equals("sqlite") ? "SQLite" : "PostgreSQL";
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port() + "/api/v1/services/";
      send(http, base + "heavy", "PUT", "application/json", body("heavy", 0));
      send(http, base + "light", "PUT", "application/json", body("light", 0));
      byte[] sbom = sbom(components);
      // One upload alone: memory.
      release(http, base, "m");
      System.gc();
      long rss0 = rss();
      long heap0 = heapAfterGc();
      long t0 = System.nanoTime();
      send(http, base + "heavy/releases/m/sbom", "PUT", "application/vnd.cyclonedx+json", sbom);
      long took = (System.nanoTime() - t0) / 1_000_000;
      long peak = peakRss();
      System.out.printf(
          "%s: one upload of %d components (%.1f MB): %d ms; RSS %d MB before, peak %d MB (the"
              + " JVM's high-water mark, start included); heap after GC %d MB before, %d MB after%n",
          db,
          components,
          sbom.length / 1e6,
          took,
          rss0 >> 20,
          peak >> 20,
          heap0 >> 20,
          heapAfterGc() >> 20);
      // The same upserts without any upload first: the baseline beside the figure under load.
      int n = 0;
      for (int i = 0; i < 30; i++) {
        send(http, base + "light", "PUT", "application/json", body("light", ++n)); // warm-up
      }
      List<Long> quiet = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long s = System.nanoTime();
        send(http, base + "light", "PUT", "application/json", body("light", ++n));
        quiet.add((System.nanoTime() - s) / 1000);
      }
      Collections.sort(quiet);
      System.out.printf(
          "%s: %d upserts without uploads: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          db,
          quiet.size(),
          quiet.get(quiet.size() / 2) / 1000.0,
          quiet.get((int) Math.ceil(0.99 * quiet.size()) - 1) / 1000.0,
          quiet.get(quiet.size() - 1) / 1000.0);
      // Four at once, with upserts meanwhile.
      for (int i = 0; i < 4; i++) {
        release(http, base, "p" + i);
      }
      List<Long> lat = new ArrayList<>();
      List<CompletableFuture<Void>> ups = new ArrayList<>();
      long t1 = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        String v = "p" + i;
        ups.add(
            CompletableFuture.runAsync(
                () ->
                    send(
                        http,
                        base + "heavy/releases/" + v + "/sbom",
                        "PUT",
                        "application/vnd.cyclonedx+json",
                        sbom)));
      }
      while (ups.stream().anyMatch(f -> !f.isDone())) {
        long s = System.nanoTime();
        send(http, base + "light", "PUT", "application/json", body("light", ++n));
        lat.add((System.nanoTime() - s) / 1000);
      }
      ups.forEach(CompletableFuture::join);
      Collections.sort(lat);
      System.out.printf(
          "%s: four uploads at once in %d ms; %d upserts meanwhile: p50 %.1f ms, p99 %.1f ms, max"
              + " %.1f ms%n",
          db,
          (System.nanoTime() - t1) / 1_000_000,
          lat.size(),
          lat.get(lat.size() / 2) / 1000.0,
          lat.get((int) Math.ceil(0.99 * lat.size()) - 1) / 1000.0,
          lat.get(lat.size() - 1) / 1000.0);
      // The catalog import.
      StringBuilder yaml = new StringBuilder("services:\n");
      for (int i = 0; i < services; i++) {
        yaml.append("  - name: imported-")
            .append(i)
            .append("\n    team: bulk\n    area: backend\n    criticality: low\n");
      }
      long t2 = System.nanoTime();
      String r =
          send(
              http,
              "http://127.0.0.1:" + server.port() + "/api/v1/catalog/import",
              "POST",
              "application/yaml",
              yaml.toString().getBytes(StandardCharsets.UTF_8));
      System.out.printf(
          "%s: import of %d services: %d ms (%d bytes of response)%n",
          db, services, (System.nanoTime() - t2) / 1_000_000, r.length());
    }
  }

  static void release(HttpClient http, String base, String v) {
    send(
        http,
        base + "heavy/releases",
        "POST",
        "application/json",
        ("{\"version\":\"" + v + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\"}")
            .getBytes(StandardCharsets.UTF_8));
  }

  static byte[] body(String name, int value) {
    return ("{\"team\":\"t-"
            + name
            + "\",\"area\":\"backend\",\"criticality\":\"high\",\"value\":"
            + value
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] sbom(int n) {
    StringBuilder b = new StringBuilder(n * 140);
    b.append("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[");
    for (int i = 0; i < n; i++) {
      int p = i % 20;
      b.append(i > 0 ? "," : "")
          .append("{\"bom-ref\":\"c-")
          .append(i)
          .append("\",\"type\":\"library\",\"name\":\"heavy-")
          .append(p)
          .append("\",\"version\":\"1.0.")
          .append(i)
          .append("\",\"purl\":\"pkg:npm/heavy-")
          .append(p)
          .append("@1.0.")
          .append(i)
          .append("\"}");
    }
    b.append("]}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String send(HttpClient http, String url, String method, String type, byte[] body) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", type)
                  .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + url + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static long heapAfterGc() {
    System.gc();
    var m = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return m.getUsed();
  }

  static long rss() throws java.io.IOException {
    return status("VmRSS:");
  }

  static long peakRss() throws java.io.IOException {
    return status("VmHWM:");
  }

  private static long status(String key) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
