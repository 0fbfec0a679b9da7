package dev.bulwark.server.multinode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes (separate JVMs) on one PostgreSQL schema give the same answers: an advisory
 * sync on one reaches the other's in-memory index, gate answers agree after a change on either, and
 * each scheduled job runs once across the nodes. Skipped with a notice without PostgreSQL, unless
 * {@code BULWARK_TEST_POSTGRES=required}.
 */
class TwoNodesTest {
  static final String ADMIN = TestServer.ADMIN;

  /** What the issue asks of the propagation; the test waits this long, and no longer. */
  static final Duration PROPAGATION = Duration.ofSeconds(5);

  @TempDir Path dir;
  TestDatabases.TestDb schema;
  final List<Node> nodes = new ArrayList<>();
  Path osv;
  Path key;

  record Node(String name, Process process, Path log, Http http) {
    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    // Skips, or fails when required, without PostgreSQL; the fresh schema is migrated here and
    // dropped in tearDown.
    schema = TestDatabases.open(TestDatabases.Kind.POSTGRESQL, dir.resolve("test"));
    osv = Files.createDirectories(dir.resolve("osv"));
    copyRecord("/osv/GO-2020-0001.json");
    copyRecord("/osv-webhooks/BULWARK-TEST-0001.json");
    Path keys =
        Files.createDirectory(
            dir.resolve("keys"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    key = keys.resolve("ledger-signing.key");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    for (Node n : nodes) {
      n.process().waitFor(30, TimeUnit.SECONDS);
    }
    if (schema != null) {
      schema.close();
    }
  }

  void copyRecord(String resource) throws IOException {
    try (var in = TwoNodesTest.class.getResourceAsStream(resource)) {
      Files.write(osv.resolve(Path.of(resource).getFileName().toString()), in.readAllBytes());
    }
  }

  /** Starts a node and waits for it to listen; it is killed in tearDown whatever happens. */
  Node start(String name, long syncSeconds) throws Exception {
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                // The test reads the node's INFO lines (syncs, reloads); the suite's
                // simplelogger.properties keeps other tests at warn.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp",
                System.getProperty("java.class.path"),
                NodeMain.class.getName(),
                dir.resolve(name).toString(),
                TestDatabases.PG_URL,
                TestDatabases.PG_USER,
                schema.schema(),
                osv.toString(),
                key.toString(),
                Long.toString(syncSeconds))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Node started = new Node(name, p, log, null);
    nodes.add(started);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : started.output().lines().toList()) {
        if (line.startsWith("PORT ")) {
          Node node = new Node(name, p, log, new Http(Integer.parseInt(line.substring(5).strip())));
          nodes.set(nodes.indexOf(started), node);
          return node;
        }
      }
      if (!p.isAlive()) {
        throw new AssertionError(name + " exited with " + p.exitValue());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " did not start");
  }

  /** Runs the test body; on failure, every node's output is printed with the error. */
  void withLogs(ThrowingRunnable body) throws Exception {
    try {
      body.run();
    } catch (Throwable t) {
      for (Node n : nodes) {
        System.err.println("===== output of " + n.name() + " (" + n.log() + ") =====");
        System.err.println(n.output());
      }
      throw t;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static String sbom(String... components) {
    return """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [%s]}
        """
        .formatted(String.join(",", components));
  }

  static final String GIN =
      """
      {"bom-ref": "gin", "type": "library", "name": "gin", "version": "v1.4.0", "purl": "pkg:golang/github.com/gin-gonic/gin@v1.4.0"}""";
  static final String SYS =
      """
      {"bom-ref": "sys", "type": "library", "name": "sys", "version": "v0.0.0-20220101000000-000000000000", "purl": "pkg:golang/golang.org/x/sys@v0.0.0-20220101000000-000000000000"}""";
  static final String LEFT_PAD =
      """
      {"bom-ref": "lp", "type": "library", "name": "left-pad", "version": "1.1.0", "purl": "pkg:npm/left-pad@1.1.0"}""";

  static void release(Http http, String version, String sbom) {
    Http.Response created =
        http.post(
            "/api/v1/services/pay-api/releases",
            ADMIN,
            Map.of("version", version, "digest", "sha256:" + "ab".repeat(32)));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Http.Response up =
        http.send(
            "/api/v1/services/pay-api/releases/" + version + "/sbom",
            ADMIN,
            "PUT",
            "application/json",
            sbom.getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
  }

  static Set<String> findings(Http http, String version) {
    Set<String> out = new TreeSet<>();
    for (JsonNode f :
        http.get("/api/v1/services/pay-api/releases/" + version + "/findings", ADMIN)
            .json()
            .path("findings")) {
      out.add(f.path("id").asText() + " " + f.path("state").asText());
    }
    return out;
  }

  /**
   * The upgrade plan: computed by the node from its in-memory index, not read from the database.
   */
  static Set<String> plan(Http http, String version) {
    Set<String> out = new TreeSet<>();
    Http.Response r = http.get("/api/v1/services/pay-api/releases/" + version + "/plan", ADMIN);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    for (JsonNode s : r.json().path("steps")) {
      out.add(s.path("purl").asText());
    }
    return out;
  }

  static String token(Http http, String subject, String role) {
    Http.Response r =
        http.post(
            "/api/v1/tokens",
            ADMIN,
            Map.of("name", subject, "role", role, "teams", List.of("*"), "subject", subject));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().get("token").asText();
  }

  static JsonNode gate(Http http) {
    Http.Response r =
        http.post(
            "/api/v1/gates/evaluate",
            ADMIN,
            Map.of("service", "pay-api", "version", "1.0", "environment", "dev"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  /**
   * The decision with every rule's outcome and the values it read ({@code findings[].state} here):
   * what a stale cached input would get wrong. The input digest itself covers the time of asking.
   */
  static String decision(JsonNode gate) {
    return gate.path("decision").asText() + " " + gate.path("results");
  }

  static <T> T await(
      String what, Duration within, Supplier<T> value, java.util.function.Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    T v = value.get();
    while (!done.test(v)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + within + ": " + what + "; last seen " + v);
      }
      Thread.sleep(50);
      v = value.get();
    }
    return v;
  }

  @Test
  void bothNodesAnswerTheSameAfterChangesOnEither() throws Exception {
    List<String> deliveries = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          deliveries.add(ex.getRequestHeaders().getFirst("Bulwark-Delivery"));
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    try {
      withLogs(() -> sameAnswers(receiver, deliveries));
    } finally {
      receiver.stop(0);
    }
  }

  private void sameAnswers(HttpServer receiver, List<String> deliveries) throws Exception {
    // The schedule is off: only the sync this test asks for can change a node's index.
    Node a = start("node-a", 0);
    Node b = start("node-b", 0);

    Http.Response service =
        a.http()
            .put(
                "/api/v1/services/pay-api",
                ADMIN,
                Map.of("team", "pay", "area", "backend", "criticality", "low"));
    assertThat(service.status()).as(service.text()).isIn(200, 201);
    Http.Response hook =
        b.http()
            .post(
                "/api/v1/webhooks",
                ADMIN,
                Map.of(
                    "url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                    "events",
                    List.of("finding.new"),
                    "team",
                    "pay"));
    assertThat(hook.status()).as(hook.text()).isEqualTo(201);
    release(a.http(), "1.0", sbom(GIN, SYS, LEFT_PAD));
    Set<String> before = Set.of("BULWARK-TEST-0001 open", "GO-2020-0001 open");
    assertThat(findings(a.http(), "1.0")).isEqualTo(before);
    assertThat(findings(b.http(), "1.0")).isEqualTo(before);
    assertThat(plan(b.http(), "1.0")).isEqualTo(plan(a.http(), "1.0")).hasSize(2);

    // A bundle pushed on one node, approved on the other; both gate the same.
    String lead1 = token(a.http(), "lead-1", "security");
    String lead2 = token(b.http(), "lead-2", "security");
    Http.Response pushed =
        a.http()
            .post(
                "/api/v1/policies/bundles",
                lead1,
                Map.of(
                    "files",
                    Map.of(
                        "open.yaml",
                        """
                        name: open
                        rules:
                          - name: nothing-open
                            expression: "!findings.exists(f, f.state == 'open')"
                        """)));
    assertThat(pushed.status()).as(pushed.text()).isIn(200, 201);
    if (pushed.json().path("status").asText().equals("pending")) {
      Http.Response approved =
          b.http()
              .post(
                  "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve",
                  lead2,
                  Map.of());
      assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    }
    String denied = decision(gate(b.http()));
    assertThat(denied).startsWith("deny");
    assertThat(decision(gate(a.http()))).isEqualTo(denied);
    assertThat(decision(gate(b.http()))).as("node B's cached input").isEqualTo(denied);

    // A new advisory, synced on node A: node B's index follows within the deadline.
    copyRecord("/osv/GO-2022-0493.json");
    long t0 = System.nanoTime();
    Http.Response synced = a.http().post("/api/v1/advisories/sync", ADMIN, Map.of());
    long answered = System.nanoTime();
    assertThat(synced.status()).as(synced.text()).isEqualTo(200);
    assertThat(synced.json().path("added").asInt()).isEqualTo(1);
    assertThat(plan(a.http(), "1.0")).hasSize(3);
    await(
        "node B's upgrade plan names x/sys",
        PROPAGATION,
        () -> plan(b.http(), "1.0"),
        p -> p.size() == 3);
    long seen = System.nanoTime();
    System.out.printf(
        "NOTICE: advisory propagation to the second node: %d ms after the sync was asked, %d ms"
            + " after it answered%n",
        (seen - t0) / 1_000_000, (seen - answered) / 1_000_000);
    // The node logs the reload after its index answers, and the log is a file the process is
    // still writing: wait for the line rather than race it.
    await(
        "node B's log line of the reload",
        PROPAGATION,
        b::output,
        o -> o.contains("reloaded advisories for revision 1 announced by"));
    assertThat(b.output()).doesNotContain("this node loaded");
    assertThat(a.output()).doesNotContain("reloaded advisories");

    // Node B did not re-evaluate: node A's sync wrote the one new finding, which both read.
    Set<String> after = new TreeSet<>(before);
    after.add("GO-2022-0493 open");
    assertThat(findings(b.http(), "1.0")).isEqualTo(after);
    assertThat(findings(a.http(), "1.0")).isEqualTo(after);
    Http.Response events =
        a.http().get("/api/v1/audit?subjectKind=advisories&subjectId=osv", ADMIN);
    assertThat(events.json().path("events").size()).as(events.text()).isEqualTo(1);

    // A new release uploaded on node B is scanned with node B's index.
    release(b.http(), "1.1", sbom(SYS, LEFT_PAD));
    assertThat(findings(b.http(), "1.1"))
        .containsExactly("BULWARK-TEST-0001 open", "GO-2022-0493 open");

    // Gate caches: a triage on node A changes node B's answer, which agrees with node A's.
    String stillDenied = decision(gate(b.http()));
    assertThat(decision(gate(a.http()))).isEqualTo(stillDenied);
    for (JsonNode f :
        a.http()
            .get("/api/v1/services/pay-api/releases/1.0/findings", ADMIN)
            .json()
            .path("findings")) {
      Http.Response t =
          a.http()
              .post(
                  "/api/v1/findings/" + f.path("findingId").asLong() + "/transitions",
                  ADMIN,
                  Map.of("state", "triaged", "reason", "looking at it"));
      assertThat(t.status()).as(t.text()).isEqualTo(200);
    }
    String allowed = decision(gate(b.http()));
    assertThat(allowed).startsWith("allow");
    assertThat(decision(gate(a.http()))).isEqualTo(allowed);
    // And back the other way: a change on node B reaches node A's cached input.
    long first =
        b.http()
            .get("/api/v1/services/pay-api/releases/1.0/findings", ADMIN)
            .json()
            .path("findings")
            .get(0)
            .path("findingId")
            .asLong();
    Http.Response reopened =
        b.http()
            .post(
                "/api/v1/findings/" + first + "/transitions",
                ADMIN,
                Map.of("state", "open", "reason", "needs a second look"));
    if (reopened.status() == 200) {
      String again = decision(gate(a.http()));
      assertThat(again).startsWith("deny").isNotEqualTo(allowed);
      assertThat(decision(gate(b.http()))).isEqualTo(again);
    } else {
      assertThat(reopened.status()).as(reopened.text()).isEqualTo(409);
    }

    // Each finding.new delivery was sent once, though both nodes run the dispatcher.
    JsonNode list =
        await(
            "both uploads' deliveries delivered",
            Duration.ofSeconds(30),
            () ->
                a.http()
                    .get(
                        "/api/v1/webhooks/"
                            + hook.json().path("webhook").path("id").asLong()
                            + "/deliveries",
                        ADMIN)
                    .json()
                    .path("deliveries"),
            d ->
                d.size() == 2
                    && d.findValuesAsText("status").stream().allMatch("delivered"::equals));
    Thread.sleep(2_000); // both dispatchers have looked again since
    assertThat(deliveries).hasSize(list.size()).doesNotHaveDuplicates();
  }

  @Test
  void theScheduledSyncRunsOncePerPeriodAcrossNodes() throws Exception {
    withLogs(
        () -> {
          long every = 2;
          Node a = start("node-a", every);
          Node b = start("node-b", every);
          List<Instant> runs =
              await(
                  "four scheduled syncs",
                  Duration.ofSeconds(90),
                  () -> jobRuns(a.http()),
                  r -> r.size() >= 4);
          for (int i = 1; i < runs.size(); i++) {
            assertThat(Duration.between(runs.get(i - 1), runs.get(i)))
                .as("sync %d after sync %d: one node per period", i, i - 1)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(every));
          }
          // Each run was announced once (one revision each), and the other node followed it.
          List<String> announced = new ArrayList<>();
          for (String line : (a.output() + b.output()).lines().toList()) {
            if (line.contains("announced advisory revision")) {
              announced.add(line.replaceAll(".*announced advisory revision (\\d+).*", "$1"));
            }
          }
          assertThat(announced).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(runs.size());
          assertThat(a.output() + b.output()).contains("reloaded advisories for revision");
        });
  }

  /** When the scheduled syncs ran, oldest first, from the audit trail both nodes write. */
  static List<Instant> jobRuns(Http http) {
    List<Instant> out = new ArrayList<>();
    for (JsonNode e :
        http.get("/api/v1/audit?subjectKind=advisories&subjectId=osv&limit=1000", ADMIN)
            .json()
            .path("events")) {
      if (e.path("requestId").asText().equals("job:advisory-sync")) {
        out.add(Instant.parse(e.path("time").asText()));
      }
    }
    out.sort(null);
    return out;
  }
}
