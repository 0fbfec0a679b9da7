package dev.bulwark.bench;

import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Issue 6, end to end: {@code POST /api/v1/gates/evaluate} over HTTP for a release with 10,000
 * findings and a bundle of 100 rules, on SQLite or PostgreSQL. Each decision reads the release's
 * facts (cached per node while they stay the same), promotions and waivers, evaluates, and writes
 * the decision and its ledger entry durably before answering. Every decision is kept, so the
 * release collects thousands of them during the run, as it would under a CI job that retries.
 *
 * <p>Usage: GateBench sqlite|JDBC_URL DECISIONS [LAUNCHER]. With a launcher, the server runs as
 * shipped, in its own process (JVM options from BULWARK_JAVA_OPTS); without, in this JVM.
 */
public final class GateBench {
  static final String TOKEN = "bwk_bench-admin-token-0123456789abcdefghijklmnop";
  static final int FINDINGS = Integer.getInteger("bench.findings", 10_000);
  // Steady state, as a server that has been up for a while: after 3,000 decisions C2 was still
  // compiling for about 40 s more (a quarter of a core, per-thread CPU from /proc), and the p99
  // was about 1.5 ms higher than after 20,000.
  static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);

  public static void main(String[] args) throws Exception {
    boolean sqlite = args[0].equals("sqlite");
    int decisions = Integer.parseInt(args[1]);
    Path data = Files.createTempDirectory("bulwark-gate-bench");
    if (args.length > 2) {
      // The shipped server: the launcher's JVM and flags (plus BULWARK_JAVA_OPTS), its own process.
      java.util.Map<String, String> env = new java.util.HashMap<>();
      if (!sqlite) {
        env.put("BULWARK_DB_URL", args[0]);
        env.put("BULWARK_DB_USER", "postgres");
      }
      try (ServerProcess server =
          ServerProcess.start(
              Path.of(args[2]), data, System.getenv().getOrDefault("BULWARK_JAVA_OPTS", ""), env)) {
        run(server.port, ServerProcess.TOKEN, sqlite, args[0], data, decisions, "launcher process");
      }
      return;
    }
    ServerConfig config = ServerConfig.embeddedDefaults(data).withBootstrapToken(TOKEN);
    if (!sqlite) {
      config = config.withDb(args[0], "postgres", null);
    }
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    try (BulwarkServer server = BulwarkServer.start(config, Clock.systemUTC(), quiet)) {
      run(server.port(), TOKEN, sqlite, args[0], data, decisions, "server and client in one JVM");
    }
  }

  static void run(
      int port, String token, boolean sqlite, String db, Path data, int decisions, String setup)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    send(
        http,
        token,
        base + "/api/v1/services/pay-api",
        "PUT",
        "{\"team\": \"pay\", \"area\": \"data\", \"criticality\": \"critical\"}");
    send(
        http,
        token,
        base + "/api/v1/services/pay-api/releases",
        "POST",
        "{\"version\": \"1.0\", \"digest\": \"sha256:" + "ab".repeat(32) + "\"}");
    String url = sqlite ? "jdbc:sqlite:" + data.resolve("bulwark.db") : db;
    try (Connection c = DriverManager.getConnection(url, sqlite ? null : "postgres", null)) {
      c.setAutoCommit(false);
      long release;
      try (var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "SELECT r.id FROM releases r JOIN services s ON s.id = r.service_id WHERE s.name = 'pay-api'")) {
        rs.next();
        release = rs.getLong(1);
      }
      String[] sev = {"critical", "high", "medium", "low"};
      try (PreparedStatement f =
          c.prepareStatement(
              "INSERT INTO findings (release_id, component_ref, purl, vuln_id, aliases, severity, fixed, state, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < FINDINGS; i++) {
          f.setLong(1, release);
          f.setString(2, "c" + i);
          f.setString(3, "pkg:npm/p" + (i % 500) + "@1.0." + (i % 7));
          f.setString(4, "CVE-2026-" + i);
          f.setString(5, "[\"GHSA-" + i + "\"]");
          f.setString(6, sev[i % 4]);
          f.setString(7, i % 2 == 0 ? "1.1.0" : null);
          f.setString(8, i % 3 == 0 ? "not_affected" : "open");
          f.setLong(9, System.currentTimeMillis());
          f.addBatch();
        }
        f.executeBatch();
      }
      c.commit();
    }
    // The bundle of PolicyBench's gate case: 90 one-line rules and 10 on the findings summary.
    String yaml = PolicyBench.yaml(90, PolicyBench.summaryRules());
    // Beside it, for the hostile phase at the end, a policy of the team "slow" only: 900 rules
    // (a bundle holds at most 1,000) of minutes of work in all, stopped by the gate's default
    // budget. Out of pay-api's scope.
    send(
        http,
        token,
        base + "/api/v1/services/slow-api",
        "PUT",
        "{\"team\": \"slow\", \"area\": \"data\", \"criticality\": \"low\"}");
    send(
        http,
        token,
        base + "/api/v1/services/slow-api/releases",
        "POST",
        "{\"version\": \"1.0\", \"digest\": \"sha256:" + "ab".repeat(32) + "\"}");
    // A global bundle is pushed by one person and activated by another (neither the admin that
    // minted their tokens).
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    String pusher = person(http, token, base, mapper, "bench-pusher");
    String approver = person(http, token, base, mapper, "bench-approver");
    String pushed =
        send(
            http,
            pusher,
            base + "/api/v1/policies/bundles",
            "POST",
            mapper.writeValueAsString(
                Map.of(
                    "files",
                    Map.of("bench.yaml", yaml, "slow.yaml", PolicyBench.slowYaml(900, "slow")))));
    send(
        http,
        approver,
        base
            + "/api/v1/policies/bundles/"
            + mapper.readTree(pushed).path("id").asLong()
            + "/approve",
        "POST",
        "{}");
    String body = "{\"service\": \"pay-api\", \"version\": \"1.0\", \"environment\": \"staging\"}";
    // Steady state first (see WARMUP).
    try (RawHttp raw = new RawHttp(port, token)) {
      for (int i = 0; i < WARMUP; i++) {
        raw.send("POST", "/api/v1/gates/evaluate", body);
      }
      String label = sqlite ? "SQLite" : "PostgreSQL";
      // What a CI job's HTTP/1.1 client sees over a kept-alive connection.
      List<Double> gate = time(decisions, () -> raw.send("POST", "/api/v1/gates/evaluate", body));
      System.out.printf(
          "%s (%s): POST /api/v1/gates/evaluate, 100 rules over %,d findings, end to end (read facts, evaluate, write decision and ledger entry durably, answer), %d decisions after %d warm-up:%n",
          label, setup, FINDINGS, decisions, WARMUP);
      System.out.println("  HTTP/1.1 keep-alive client: " + summary(gate));
      // bench.gateOnly (bench/ab) skips the two comparison clients below, two thirds of a run.
      if (Boolean.getBoolean("bench.gateOnly")) {
        return;
      }
      // The floor under it: an authenticated request that reads nothing. Each kind of request is
      // warmed up before it is timed, on the server and in this client's own JIT.
      Request floorRequest = () -> raw.send("GET", "/api/v1/gates/environments", "");
      time(WARMUP / 10, floorRequest);
      List<Double> floor = time(decisions, floorRequest);
      // The same gate through java.net.http.HttpClient (what `bulwark gate` uses), which adds
      // its own threads and hand-offs on the same two cores.
      Request jdkRequest = () -> send(http, token, base + "/api/v1/gates/evaluate", "POST", body);
      time(WARMUP / 10, jdkRequest);
      List<Double> jdk = time(decisions, jdkRequest);
      System.out.println("  java.net.http.HttpClient:   " + summary(jdk));
      System.out.println("  floor, GET /api/v1/gates/environments: " + summary(floor));
      hostile(http, token, base, label, Math.max(10, decisions / 20));
    }
  }

  /**
   * Issue 12, repro 3: three hostile gates at once, again and again, while another team upserts a
   * service and asks its gate ({@code rounds} times): how long each upsert plus gate takes (before
   * the budget one of them waited 12.4 s). The tests check only that both keep answering.
   */
  static void hostile(HttpClient http, String token, String base, String label, int rounds)
      throws Exception {
    String slow = "{\"service\": \"slow-api\", \"version\": \"1.0\", \"environment\": \"prod\"}";
    String pay = "{\"service\": \"pay-api\", \"version\": \"1.0\", \"environment\": \"staging\"}";
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger hostileGates =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> hostile = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      hostile.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!done.get()) {
                      try {
                        send(http, token, base + "/api/v1/gates/evaluate", "POST", slow);
                        hostileGates.incrementAndGet();
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    }
                  }));
    }
    List<Double> ms;
    try {
      int[] n = {0};
      ms =
          time(
              rounds,
              () -> {
                send(
                    http,
                    token,
                    base + "/api/v1/services/hostile-bystander-" + (n[0]++ % 10),
                    "PUT",
                    "{\"team\": \"pay\", \"area\": \"data\", \"criticality\": \"low\"}");
                return send(http, token, base + "/api/v1/gates/evaluate", "POST", pay);
              });
    } finally {
      done.set(true);
      for (Thread t : hostile) {
        t.join();
      }
    }
    System.out.printf(
        "%s: a service upsert plus another team's gate, beside three hostile gates at once (900 rules each, stopped by the default budget; %d of them meanwhile), %d rounds: %s%n",
        label, hostileGates.get(), rounds, summary(ms));
  }

  interface Request {
    String run() throws Exception;
  }

  static List<Double> time(int n, Request r) throws Exception {
    List<Double> ms = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      String answer = r.run();
      ms.add((System.nanoTime() - t0) / 1e6);

      if (answer.isEmpty()) {
        throw new IllegalStateException("empty answer");
      }
    }
    Collections.sort(ms);
    return ms;
  }

  static String summary(List<Double> sorted) {
    return String.format(
        "median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
        sorted.get(sorted.size() / 2),
        sorted.get((int) (sorted.size() * 0.9)),
        sorted.get((int) (sorted.size() * 0.99)),
        sorted.get(sorted.size() - 1));
  }

  /** An organization-wide security token for a subject of its own. */
  static String person(
      HttpClient http,
      String admin,
      String base,
      com.fasterxml.jackson.databind.ObjectMapper mapper,
      String subject)
      throws Exception {
    return mapper
        .readTree(
            send(
                http,
                admin,
                base + "/api/v1/tokens",
                "POST",
                mapper.writeValueAsString(
                    Map.of(
                        "name",
                        subject,
                        "role",
                        "security",
                        "teams",
                        List.of("*"),
                        "subject",
                        subject))))
        .path("token")
        .asText();
  }

  static String send(HttpClient http, String token, String url, String method, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}
