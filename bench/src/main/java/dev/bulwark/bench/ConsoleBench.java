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
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16: server-side render of console pages on a synthetic portfolio of SERVICES x COMPONENTS
 * component instances (10,000 x 500 = 5 million; a quarter of them with a finding of one of four
 * severities, first seen over the last 90 days) in 200 teams, with DAYS days of daily snapshots.
 * The rows are inserted straight into the server's tables with batched JDBC (as PortfolioBench
 * does); the server records today's snapshot at start (timed here), earlier days are copies of it.
 * Then each page of {@link #PAGES} is fetched over HTTP with a signed-in console session, as an
 * admin (every team) and as a developer of one team: p50 / p95 / max of the full answer.
 *
 * <p>Usage: ConsoleBench sqlite|JDBC_URL SERVICES COMPONENTS DAYS REQUESTS
 */
public final class ConsoleBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";

  /**
   * The pages measured; a page that answers 404 (not on this branch yet) is reported as skipped.
   * console-pages: the service page is {@code /services/svc-42}.
   */
  static final List<String> PAGES =
      List.of("/dashboard", "/dashboard?days=365", "/services/svc-42");

  static final String[] SEVERITIES = {"critical", "high", "medium", "low"};

  public static void main(String[] args) throws Exception {
    boolean sqlite = args[0].equals("sqlite");
    int services = Integer.parseInt(args[1]);
    int perService = Integer.parseInt(args[2]);
    int days = Integer.parseInt(args[3]);
    int requests = Integer.parseInt(args[4]);
    Path data = Files.createTempDirectory("bulwark-console-bench");
    ServerConfig config = ServerConfig.embeddedDefaults(data).withBootstrapToken(TOKEN);
    if (!sqlite) {
      config = config.withDb(args[0], "postgres", null);
    }
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    BulwarkServer.start(config, Clock.systemUTC(), quiet).close();
    String url = sqlite ? "jdbc:sqlite:" + data.resolve("bulwark.db") : args[0];
    long t0 = System.nanoTime();
    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null)) {
      c.setAutoCommit(false);
      // The first start wrote today's (empty) snapshot; the portfolio's replaces it below.
      try (var st = c.createStatement()) {
        for (String t :
            List.of(
                "dashboard_service_days",
                "dashboard_team_days",
                "dashboard_gate_days",
                "dashboard_days",
                "jobs")) {
          st.execute("DELETE FROM " + t);
        }
      }
      long created = now - Duration.ofDays(days + 1L).toMillis();
      PortfolioSeed.insert(
          c,
          services,
          perService,
          new PortfolioSeed.Shape(
              created,
              true,
              false,
              false,
              r -> SEVERITIES[r.nextInt(4)],
              r -> now - (long) (r.nextDouble() * Duration.ofDays(90).toMillis())),
          new Random(7));
    }
    System.out.printf(
        "%s: %,d services x %d components = %,d instances inserted in %.0f s%n",
        sqlite ? "SQLite" : "PostgreSQL",
        services,
        perService,
        (long) services * perService,
        (System.nanoTime() - t0) / 1e9);
    steadyState(sqlite, url);
    long s0 = System.nanoTime();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    // A first start records today's snapshot (the job's first run); the days before are copied
    // from it with the server stopped, so the copy never competes with the server for SQLite's
    // lock.
    try (BulwarkServer first = BulwarkServer.start(config, Clock.systemUTC(), quiet)) {
      waitForSnapshot(url, sqlite, today);
      System.out.printf("(%d services in the first start's catalog)%n", first.serviceCount());
      System.out.printf(
          "server start and today's snapshot of the portfolio recorded in %.1f s%n",
          (System.nanoTime() - s0) / 1e9);
    }
    copyHistory(url, sqlite, LocalDate.parse(today), days);
    steadyState(sqlite, url);
    try (BulwarkServer server = BulwarkServer.start(config, Clock.systemUTC(), quiet)) {
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      String base = "http://127.0.0.1:" + server.port();
      String developer = developerToken(http, base);
      for (String[] who : new String[][] {{"admin", TOKEN}, {"developer of one team", developer}}) {
        String session = signIn(http, base, who[1]);
        for (String page : PAGES) {
          measure(http, base, page, session, who[0], requests);
        }
      }
    }
  }

  static void steadyState(boolean sqlite, String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null);
        var st = c.createStatement()) {
      if (sqlite) {
        try (var rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          rs.next();
        }
        st.execute("ANALYZE");
      } else {
        c.setAutoCommit(true);
        st.execute("VACUUM ANALYZE");
      }
    }
  }

  static void waitForSnapshot(String url, boolean sqlite, String day) throws Exception {
    for (int i = 0; i < 6000; i++) {
      try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null);
          PreparedStatement p =
              c.prepareStatement("SELECT COUNT(*) FROM dashboard_days WHERE day = ?")) {
        p.setString(1, day);
        try (var rs = p.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no snapshot of " + day + " after 10 minutes");
  }

  /** Days before today as copies of today's snapshot, so the trend reads DAYS days of rows. */
  static void copyHistory(String url, boolean sqlite, LocalDate today, int days) throws Exception {
    try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null)) {
      c.setAutoCommit(false);
      String t = today.toString();
      for (int d = 1; d < days; d++) {
        String day = today.minusDays(d).toString();
        for (String sql :
            List.of(
                "INSERT INTO dashboard_service_days (day, service_id, team, area, criticality, critical, high, medium, low, unknown, overdue) SELECT ?, service_id, team, area, criticality, critical, high, medium, low, unknown, overdue FROM dashboard_service_days WHERE day = ?",
                "INSERT INTO dashboard_team_days (day, team, services, breaching, critical, high, medium, low, unknown, overdue) SELECT ?, team, services, breaching, critical, high, medium, low, unknown, overdue FROM dashboard_team_days WHERE day = ?",
                "INSERT INTO dashboard_days (day, recorded_at) SELECT ?, recorded_at FROM dashboard_days WHERE day = ?")) {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, day);
            p.setString(2, t);
            p.executeUpdate();
          }
        }
      }
      c.commit();
    }
  }

  static String developerToken(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"bench\",\"role\":\"developer\",\"teams\":[\"team-42\"],\"subject\":\"bench-dev\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    if (r.statusCode() != 201 || !m.find()) {
      throw new IllegalStateException("cannot issue a token: " + r.statusCode() + " " + r.body());
    }
    return m.group(1);
  }

  static String cookie(HttpResponse<?> r, String name) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      if (c.startsWith(name + "=")) {
        return c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
      }
    }
    return null;
  }

  /** Signs in through the console's form (its double-submit cookie and CSRF field). */
  static String signIn(HttpClient http, String base, String token) throws Exception {
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in")).build(),
            HttpResponse.BodyHandlers.ofString());
    String browser = cookie(form, "bulwark_browser");
    Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"").matcher(form.body());
    if (browser == null || !m.find()) {
      throw new IllegalStateException("no sign-in form: " + form.statusCode());
    }
    String body =
        "_csrf="
            + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)
            + "&next=%2F&token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "bulwark_browser=" + browser)
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String session = cookie(r, "bulwark_session");
    if (session == null) {
      throw new IllegalStateException("sign-in refused: " + r.statusCode() + " " + r.body());
    }
    return session;
  }

  static void measure(
      HttpClient http, String base, String page, String session, String who, int requests)
      throws Exception {
    List<Double> ms = new ArrayList<>();
    int warm = Math.max(5, requests / 10);
    long bytes = 0;
    for (int i = 0; i < requests + warm; i++) {
      long s = System.nanoTime();
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + page))
                  .header("Cookie", "bulwark_session=" + session)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      double took = (System.nanoTime() - s) / 1e6;
      if (r.statusCode() == 404) {
        System.out.printf(
            "GET %s as %s: skipped (404, the page is not on this branch)%n", page, who);
        return;
      }
      if (r.statusCode() != 200) {
        throw new IllegalStateException(page + ": " + r.statusCode());
      }
      if (i >= warm) {
        ms.add(took);
        bytes = r.body().length;
      }
    }
    Collections.sort(ms);
    System.out.printf(
        "GET %s as %s: p50 %.1f ms, p95 %.1f ms, max %.1f ms over %d requests (%,d bytes)%n",
        page,
        who,
        ms.get(ms.size() / 2),
        ms.get((int) Math.ceil(ms.size() * 0.95) - 1),
        ms.get(ms.size() - 1),
        ms.size(),
        bytes);
  }
}
