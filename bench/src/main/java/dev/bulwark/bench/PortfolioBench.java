package dev.bulwark.bench;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Issue 5: portfolio queries on a synthetic portfolio of SERVICES x COMPONENTS component instances
 * (10,000 x 500 = 5 million), inserted straight into the server's tables with batched JDBC, then
 * queried over HTTP: {@code GET /api/v1/components?purl=...&range=vers:...} for random packages.
 *
 * <p>Usage: PortfolioBench sqlite|JDBC_URL SERVICES COMPONENTS QUERIES
 */
public final class PortfolioBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";
  static final int PACKAGES = PortfolioSeed.PACKAGES;

  public static void main(String[] args) throws Exception {
    boolean sqlite = args[0].equals("sqlite");
    int services = Integer.parseInt(args[1]);
    int perService = Integer.parseInt(args[2]);
    int queries = Integer.parseInt(args[3]);
    Path data = Files.createTempDirectory("bulwark-portfolio-bench");
    ServerConfig config = ServerConfig.embeddedDefaults(data).withBootstrapToken(TOKEN);
    if (!sqlite) {
      config = config.withDb(args[0], "postgres", null);
    }
    // The advisory database the server loads: one advisory per portfolio package (so the stored
    // findings are what a scan would write) plus filler for other packages, 500,000 in all, in
    // one export zip; new advisories arrive as files in a directory beside it.
    // bench.osvBase names a zip to reuse across runs (written there if missing): the zip depends
    // on nothing but the count, and writing it costs more than a short run's measurements.
    String reuse = System.getProperty("bench.osvBase");
    Path osvZip = reuse != null ? Path.of(reuse) : data.resolve("osv-base.zip");
    Path osvNew = Files.createDirectories(data.resolve("osv-new"));
    if (reuse == null || !Files.exists(osvZip)) {
      long g0 = System.nanoTime();
      Path partial = osvZip.resolveSibling(osvZip.getFileName() + ".partial");
      writeAdvisories(partial, ADVISORIES);
      Files.move(partial, osvZip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      System.out.printf(
          "wrote %,d advisories in %.0f s%n", ADVISORIES, (System.nanoTime() - g0) / 1e9);
    }
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    // First start: the schema. Then the rows, with the server stopped.
    BulwarkServer.start(config, Clock.systemUTC(), quiet).close();
    long t0 = System.nanoTime();
    String url = sqlite ? "jdbc:sqlite:" + data.resolve("bulwark.db") : args[0];
    try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null)) {
      long now = System.currentTimeMillis();
      PortfolioSeed.insert(
          c,
          services,
          perService,
          new PortfolioSeed.Shape(now, false, true, true, r -> "high", r -> now),
          new Random(7));
    }
    System.out.printf(
        "%s: %,d services x %d components = %,d instances inserted in %.0f s%n",
        sqlite ? "SQLite" : "PostgreSQL",
        services,
        perService,
        (long) services * perService,
        (System.nanoTime() - t0) / 1e9);
    if (sqlite) {
      // Steady state: the bulk load's write-ahead log folded into the database file now, not by
      // the server's checkpointer in the middle of the measurement.
      try (Connection c = DriverManager.getConnection(url);
          var st = c.createStatement()) {
        try (var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          rs.next();
          if (rs.getInt(1) != 0) {
            throw new IllegalStateException("the WAL checkpoint was blocked");
          }
        }
        st.execute("ANALYZE");
      }
    }
    if (!sqlite) {
      try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
        // The rows were inserted with explicit ids: move the id sequences past them, as the
        // server's own inserts (a sync writing new findings) need.
        for (String table : List.of("service_records", "releases", "findings")) {
          c.createStatement()
              .execute(
                  "SELECT setval(pg_get_serial_sequence('"
                      + table
                      + "', 'id'), (SELECT max(id) FROM "
                      + table
                      + "))");
        }
        // Steady state, not the minutes after a bulk load: vacuumed and analyzed now rather than
        // by autovacuum in the middle of the measurement.
        c.setAutoCommit(true);
        c.createStatement().execute("VACUUM ANALYZE");
      }
    }
    long s0 = System.nanoTime();
    try (BulwarkServer server =
        BulwarkServer.start(
            config.withOsvSources(List.of(osvZip, osvNew)), Clock.systemUTC(), quiet)) {
      System.out.printf(
          "server started with the advisories loaded in %.1f s%n", (System.nanoTime() - s0) / 1e9);
      HttpClient http = HttpClient.newHttpClient();
      Random rnd = new Random(11);
      List<Double> ms = new ArrayList<>();
      long hits = 0;
      for (int q = 0; q < queries + 20; q++) {
        String purl = "pkg:npm/pkg-" + rnd.nextInt(PACKAGES);
        String range = "vers:npm/>=1.0.0|<2.5.0";
        long s = System.nanoTime();
        HttpResponse<String> resp =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + server.port()
                                + "/api/v1/components?purl="
                                + URLEncoder.encode(purl, StandardCharsets.UTF_8)
                                + "&range="
                                + URLEncoder.encode(range, StandardCharsets.UTF_8)))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        double took = (System.nanoTime() - s) / 1e6;
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(resp.statusCode() + " " + resp.body());
        }
        if (q >= 20) { // the first 20 warm up the JIT and the caches
          ms.add(took);
          hits += resp.body().split("\"service\"").length - 1;
        }
      }
      Collections.sort(ms);
      System.out.printf(
          "GET /api/v1/components?purl&range over %d random packages: median %.1f ms, p99 %.1f ms, max %.1f ms (%.0f releases per answer on average)%n",
          queries,
          ms.get(ms.size() / 2),
          ms.get((int) Math.floor(ms.size() * 0.99)),
          ms.get(ms.size() - 1),
          (double) hits / queries);
      List<Double> affected = new ArrayList<>();
      long found = 0;
      for (int q = 0; q < queries + 20; q++) {
        String id = "CVE-2099-" + rnd.nextInt(PACKAGES);
        long s = System.nanoTime();
        HttpResponse<String> resp =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + server.port()
                                + "/api/v1/vulnerabilities/"
                                + id
                                + "/affected"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        double took = (System.nanoTime() - s) / 1e6;
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(resp.statusCode() + " " + resp.body());
        }
        if (q >= 20) {
          affected.add(took);
          found += resp.body().split("\"service\"").length - 1;
        }
      }
      Collections.sort(affected);
      System.out.printf(
          "GET /api/v1/vulnerabilities/{alias}/affected over %d random advisories: median %.1f ms, p99 %.1f ms, max %.1f ms (%.0f releases per answer on average)%n",
          queries,
          affected.get(affected.size() / 2),
          affected.get((int) Math.floor(affected.size() * 0.99)),
          affected.get(affected.size() - 1),
          (double) found / queries);
      newAdvisories(server.port(), osvNew, rnd);
    }
  }

  /** At least one per portfolio package ({@link #PACKAGES}); the rest are filler. */
  static final int ADVISORIES = Integer.getInteger("bench.advisories", 500_000);

  /**
   * Issue 5: "a new advisory's affected releases found and their findings written". Each run drops
   * one new advisory file (all versions below 3.0.0 of a random portfolio package, about 75 of its
   * 100 releases) into the watched directory and asks for a sync over HTTP; the server answers
   * after the findings are committed. Wall time is the whole request; the server also reports its
   * reload time and its re-evaluation time (affected releases found, findings written).
   */
  static void newAdvisories(int port, Path dir, Random rnd) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Double> wall = new ArrayList<>();
    List<Double> load = new ArrayList<>();
    List<Double> reeval = new ArrayList<>();
    long added = 0;
    int runs = Integer.parseInt(System.getProperty("bench.newAdvisories", "25"));
    for (int i = 0; i < runs + 3; i++) {
      int p = rnd.nextInt(PACKAGES);
      Files.writeString(
          dir.resolve("NEW-" + i + ".json"),
          """
          {"id": "NEW-%d", "modified": "2026-11-27T00:00:00Z", "aliases": ["CVE-2100-%d"],
           "database_specific": {"severity": "HIGH"},
           "affected": [{"package": {"ecosystem": "npm", "name": "pkg-%d"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "3.0.0"}]}]}]}
          """
              .formatted(i, i, p));
      long s = System.nanoTime();
      HttpResponse<String> resp =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/advisories/sync"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double took = (System.nanoTime() - s) / 1e6;
      if (resp.statusCode() != 200) {
        throw new IllegalStateException(resp.statusCode() + " " + resp.body());
      }
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body());
      if (json.path("changed").asInt() != 1) {
        throw new IllegalStateException("expected one changed advisory: " + resp.body());
      }
      if (i >= 3) { // the first runs warm up the JIT
        wall.add(took);
        load.add(json.path("loadMillis").asDouble());
        reeval.add(json.path("reevaluateMillis").asDouble());
        added += json.path("added").asLong();
      }
    }
    Collections.sort(wall);
    Collections.sort(load);
    Collections.sort(reeval);
    System.out.printf(
        "new advisory -> sync -> findings committed, %d runs: wall median %.0f ms, max %.0f ms;"
            + " of which reload (one new file, index rebuilt over %,d advisories) median %.0f ms,"
            + " re-evaluation (affected releases found, findings written) median %.0f ms, max %.0f ms;"
            + " %.0f findings written per advisory on average%n",
        runs,
        wall.get(wall.size() / 2),
        wall.get(wall.size() - 1),
        ADVISORIES,
        load.get(load.size() / 2),
        reeval.get(reeval.size() / 2),
        reeval.get(reeval.size() - 1),
        (double) added / runs);
  }

  /** One advisory per portfolio package (1.x affected, alias CVE-2099-p), the rest filler. */
  static void writeAdvisories(Path zipFile, int total) throws Exception {
    Random rnd = new Random(3);
    try (var zip =
        new java.util.zip.ZipOutputStream(
            new java.io.BufferedOutputStream(Files.newOutputStream(zipFile), 1 << 20))) {
      for (int i = 0; i < total; i++) {
        String id;
        String json;
        if (i < PACKAGES) {
          id = "SYN-P-" + i;
          json =
              """
              {"id": "%s", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2099-%d"],
               "affected": [{"package": {"ecosystem": "npm", "name": "pkg-%d"},
                 "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "2.0.0"}]}]}]}
              """
                  .formatted(id, i, i);
        } else {
          id = "SYN-F-" + i;
          int lo = rnd.nextInt(5);
          json =
              """
              {"id": "%s", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2098-%d"],
               "affected": [{"package": {"ecosystem": "npm", "name": "filler-%d"},
                 "ranges": [{"type": "SEMVER", "events": [{"introduced": "%d.0.0"}, {"fixed": "%d.%d.0"}]}]}]}
              """
                  .formatted(id, i, rnd.nextInt(100_000), lo, lo, 1 + rnd.nextInt(9));
        }
        zip.putNextEntry(new java.util.zip.ZipEntry(id + ".json"));
        zip.write(json.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }
}
