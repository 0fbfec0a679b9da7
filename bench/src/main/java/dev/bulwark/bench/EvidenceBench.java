package dev.bulwark.bench;

import dev.bulwark.common.Sha256;
import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.ledger.LedgerStore;
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
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 16's evidence figures, on the embedded SQLite store, with the server in this process.
 *
 * <ul>
 *   <li>{@code report DIR SERVICES DAYS SAMPLE RUNS}: a year (DAYS) of daily production deployments
 *       of SERVICES services, each through its own gate decision, both on the ledger (written
 *       straight into the tables, in large transactions, then hashed and signed by the server's own
 *       ledger writer); then GET /api/v1/reports/evidence over the whole period with a sample of
 *       SAMPLE, as JSON and as PDF, RUNS times each, timed end to end over HTTP.
 *   <li>{@code browser DIR ENTRIES RUNS}: a ledger of ENTRIES entries; the console's /ledger page
 *       in headless Chromium verifies it (WebCrypto), and the page's own timing is read back.
 * </ul>
 */
public final class EvidenceBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "report" ->
          report(
              Path.of(args[1]),
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]));
      case "browser" ->
          browser(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static BulwarkServer start(Path dir) {
    ServerConfig config =
        ServerConfig.embeddedDefaults(dir)
            .withBootstrapToken(TOKEN)
            .withLedger(
                new ServerConfig.LedgerSettings(
                    "bench.local/ledger",
                    java.util.Optional.empty(),
                    1_000_000,
                    Duration.ofSeconds(1)));
    return BulwarkServer.start(
        config, Clock.systemUTC(), new PrintStream(new java.io.ByteArrayOutputStream()));
  }

  static void report(Path dir, int services, int days, int sample, int runs) throws Exception {
    deleteTree(dir);
    Files.createDirectories(dir);
    LocalDate first = LocalDate.parse("2025-01-01");
    try (BulwarkServer server = start(dir)) {
      Database db = server.database();
      long t0 = System.nanoTime();
      long deployments = seed(db, services, days, first);
      server.ledgerWriter().appended(new LedgerStore(db.jdbi(), db.dialect()).size(), false);
      server.ledgerWriter().awaitCheckpointed(Duration.ofMinutes(30));
      System.out.printf(
          "evidence: seeded %d services x %d days = %d deployments (+ as many gate decisions, all on"
              + " the ledger) in %.0f s%n",
          services, days, deployments, (System.nanoTime() - t0) / 1e9);
      String q =
          "/api/v1/reports/evidence?from="
              + first
              + "&to="
              + first.plusDays(days - 1)
              + "&environment=prod&sample="
              + sample
              + "&seed="
              + URLEncoder.encode("bench auditor 2026", StandardCharsets.UTF_8);
      HttpClient http = HttpClient.newHttpClient();
      for (String format : List.of("json", "pdf")) {
        List<Double> ms = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < runs + 1; i++) {
          long s = System.nanoTime();
          HttpResponse<byte[]> r =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + q + "&format=" + format))
                      .header("Authorization", "Bearer " + TOKEN)
                      .timeout(Duration.ofMinutes(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new IllegalStateException(
                "report answered "
                    + r.statusCode()
                    + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
          }
          bytes = r.body().length;
          if (i > 0) { // the first run warms the JIT
            ms.add((System.nanoTime() - s) / 1e6);
          }
        }
        Collections.sort(ms);
        System.out.printf(
            "evidence: report over %d deployments, sample %d, %s (%d bytes): median %.0f ms, max %.0f"
                + " ms over %d runs%n",
            deployments,
            sample,
            format,
            bytes,
            ms.get(ms.size() / 2),
            ms.get(ms.size() - 1),
            ms.size());
      }
    }
  }

  /**
   * Services, releases, an approved bundle, and per day and service a decision and a deployment.
   */
  static long seed(Database db, int services, int days, LocalDate first) throws Exception {
    LedgerStore store = new LedgerStore(db.jdbi(), db.dialect());
    String bundle = "sha256:" + "bb".repeat(32);
    long start = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    db.writes()
        .inTransaction(
            h -> {
              Connection c = h.getConnection();
              try {
                try (PreparedStatement s =
                        c.prepareStatement(
                            "INSERT INTO service_records (name, name_key, team, area, criticality, created_at,"
                                + " updated_at) VALUES (?, ?, ?, 'backend', 'high', ?, ?)");
                    PreparedStatement r =
                        c.prepareStatement(
                            "INSERT INTO releases (service_id, version, digest, created_at) VALUES (?, '1.0', ?, ?)");
                    PreparedStatement b =
                        c.prepareStatement(
                            "INSERT INTO policy_bundles (digest, team, files, policies, rules, pushed_by,"
                                + " pushed_subject, pushed_at, status, decided_by, decided_subject,"
                                + " decided_at, active) VALUES (?, NULL, '{}', 1, 1, 'token:tok_a', 'lead-1', ?,"
                                + " 'active', 'token:tok_b', 'lead-2', ?, 1)")) {
                  for (int i = 1; i <= services; i++) {
                    s.setString(1, "svc-" + i);
                    s.setString(2, "svc-" + i);
                    s.setString(3, "team-" + (i % 20));
                    s.setLong(4, start - 86_400_000L);
                    s.setLong(5, start - 86_400_000L);
                    s.addBatch();
                    r.setLong(1, i);
                    r.setString(2, digest(i));
                    r.setLong(3, start - 86_400_000L);
                    r.addBatch();
                  }
                  s.executeBatch();
                  r.executeBatch();
                  b.setString(1, bundle);
                  b.setLong(2, start - 172_800_000L);
                  b.setLong(3, start - 100_000_000L);
                  b.executeUpdate();
                }
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
              return null;
            });
    String payload =
        "{\"decision\":\"allow\",\"blocking\":[],\"waivers\":[],\"results\":[{\"policy\":\"starter\","
            + "\"rule\":\"no-critical\",\"action\":\"deny\",\"outcome\":\"pass\",\"message\":\"\","
            + "\"reads\":{},\"waiver\":null}]}";
    String after = Sha256.prefixed(payload.getBytes(StandardCharsets.UTF_8));
    long deployments = 0;
    long decisionId = 0;
    for (int day = 0; day < days; day++) {
      long dayStart = start + day * 86_400_000L;
      long firstDecision = decisionId;
      db.writes()
          .inTransaction(
              h -> {
                List<LedgerStore.Draft> drafts = new ArrayList<>(services * 2);
                for (int i = 1; i <= services; i++) {
                  Instant at = Instant.ofEpochMilli(dayStart + i * 1000L);
                  Map<String, String> subject =
                      Map.of(
                          "kind",
                          "gate-decision",
                          "id",
                          "svc-" + i + "@1.0/prod",
                          "service",
                          "svc-" + i,
                          "version",
                          "1.0",
                          "digest",
                          digest(i),
                          "environment",
                          "prod");
                  drafts.add(
                      new LedgerStore.Draft(
                          at,
                          "token:tok_ci",
                          "gate.decision",
                          subject,
                          "req-g",
                          null,
                          after,
                          payload));
                  Map<String, String> dep = new java.util.HashMap<>(subject);
                  dep.put("kind", "deployment");
                  drafts.add(
                      new LedgerStore.Draft(
                          at.plusMillis(500),
                          "token:tok_ci",
                          "deployment.record",
                          dep,
                          "req-d",
                          null,
                          "sha256:" + "dd".repeat(32),
                          "{}"));
                }
                List<Long> idx = store.append(h, drafts);
                Connection c = h.getConnection();
                try {
                  try (PreparedStatement g =
                          c.prepareStatement(
                              "INSERT INTO gate_decisions (id, service_id, version, digest, environment, decision,"
                                  + " bundle_digest, input_digest, waivers, ledger_index, actor,"
                                  + " decided_at) VALUES (?, ?, '1.0', ?, 'prod', 'allow', ?, ?, '[]', ?,"
                                  + " 'token:tok_ci', ?)");
                      PreparedStatement d =
                          c.prepareStatement(
                              "INSERT INTO deployments (service_id, version, digest, environment, decision_id,"
                                  + " deployed_by, deployed_at, ledger_index) VALUES (?, '1.0', ?, 'prod', ?,"
                                  + " 'token:tok_ci', ?, ?)")) {
                    for (int i = 1; i <= services; i++) {
                      long id = firstDecision + i;
                      long at = dayStart + i * 1000L;
                      g.setLong(1, id);
                      g.setLong(2, i);
                      g.setString(3, digest(i));
                      g.setString(4, bundle);
                      g.setString(5, "sha256:" + "ee".repeat(32));
                      g.setLong(6, idx.get(2 * (i - 1)));
                      g.setLong(7, at);
                      g.addBatch();
                      d.setLong(1, i);
                      d.setString(2, digest(i));
                      d.setLong(3, id);
                      d.setLong(4, at + 500);
                      d.setLong(5, idx.get(2 * (i - 1) + 1));
                      d.addBatch();
                    }
                    g.executeBatch();
                    d.executeBatch();
                  }
                } catch (java.sql.SQLException e) {
                  throw new IllegalStateException(e);
                }
                return null;
              });
      decisionId += services;
      deployments += services;
    }
    return deployments;
  }

  static String digest(int service) {
    return "sha256:" + Sha256.hex(("svc-" + service).getBytes(StandardCharsets.UTF_8));
  }

  static void browser(Path dir, int entries, int runs) throws Exception {
    deleteTree(dir);
    Files.createDirectories(dir);
    try (BulwarkServer server = start(dir)) {
      Database db = server.database();
      LedgerStore store = new LedgerStore(db.jdbi(), db.dialect());
      long have = store.size();
      for (long from = have; from < entries; from += 50_000) {
        long lo = from;
        long hi = Math.min(entries, from + 50_000);
        db.writes()
            .inTransaction(
                h -> {
                  List<LedgerStore.Draft> batch = new ArrayList<>();
                  for (long i = lo; i < hi; i++) {
                    batch.add(LedgerBench.draft(i));
                  }
                  return store.append(h, batch);
                });
      }
      server.ledgerWriter().appended(store.size(), false);
      server.ledgerWriter().awaitCheckpointed(Duration.ofMinutes(30));
      long size = store.size();
      String base = "http://127.0.0.1:" + server.port();
      String session = signIn(base, TOKEN);
      ChromeOptions o = new ChromeOptions();
      o.setBinary("/usr/bin/chromium");
      o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
      WebDriver browser =
          new ChromeDriver(
              new ChromeDriverService.Builder()
                  .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                  .build(),
              o);
      try {
        browser.get(base + "/healthz");
        browser.manage().addCookie(new Cookie("bulwark_session", session, "/"));
        List<Double> ms = new ArrayList<>();
        List<Double> page = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
          long s = System.nanoTime();
          browser.get(base + "/ledger");
          new WebDriverWait(browser, Duration.ofMinutes(5))
              .until(
                  d ->
                      d.findElement(By.id("ledger-verify")).getDomAttribute("data-result") != null);
          double wall = (System.nanoTime() - s) / 1e6;
          var section = browser.findElement(By.id("ledger-verify"));
          if (!"intact".equals(section.getDomAttribute("data-result"))) {
            throw new IllegalStateException(
                "the browser says: " + browser.findElement(By.cssSelector(".verdict")).getText());
          }
          if (i > 0) {
            ms.add(wall);
            page.add(Double.parseDouble(section.getDomAttribute("data-millis")));
          }
        }
        Collections.sort(ms);
        Collections.sort(page);
        System.out.printf(
            "evidence: the browser verified a %d-entry ledger (fetch, %d leaves, tree, Ed25519):"
                + " median %.0f ms by the page's clock, %.0f ms page load to verdict; max %.0f ms; %d runs%n",
            size,
            size,
            page.get(page.size() / 2),
            ms.get(ms.size() / 2),
            ms.get(ms.size() - 1),
            ms.size());
      } finally {
        browser.quit();
      }
    }
  }

  static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

  /** The console's sign-in form, as a browser posts it; returns the session cookie's value. */
  static String signIn(String base, String token) throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in")).build(),
            HttpResponse.BodyHandlers.ofString());
    String browser = cookie(form, "bulwark_browser");
    Matcher m = CSRF.matcher(form.body());
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token on the sign-in page");
    }
    String body =
        "_csrf="
            + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)
            + "&token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + "&next=%2F";
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "bulwark_browser=" + browser)
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 303) {
      throw new IllegalStateException(
          "sign-in answered " + answer.statusCode() + ": " + answer.body());
    }
    return cookie(answer, "bulwark_session");
  }

  static String cookie(HttpResponse<?> r, String name) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      if (c.startsWith(name + "=")) {
        return c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
      }
    }
    throw new IllegalStateException("no cookie " + name);
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
