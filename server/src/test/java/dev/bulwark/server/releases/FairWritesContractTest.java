package dev.bulwark.server.releases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Heavy uploads do not stall other writers (issue 12, repro 6): SBOM rows are written in bounded
 * steps under a pending upload that no reader sees, uploads beyond the configured limits are
 * refused, and one token may run only so many heavy requests at once. On both databases.
 *
 * <p>The size of a "maximal" upload is the server's configured limit; the test sets it with {@code
 * -Dbulwark.test.maxComponents} (default 6,000 components, three findings each) so that it finishes
 * in well under a minute on two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FairWritesContractTest {
  static final String ADMIN = TestServer.ADMIN;
  static final int MAX_COMPONENTS = Integer.getInteger("bulwark.test.maxComponents", 6000);
  static final int MAX_FINDINGS = 3 * MAX_COMPONENTS;
  static final String DIGEST = "sha256:" + "c".repeat(64);

  TestServer ts;
  Http http;
  String ci;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    Path osv = Path.of(FairWritesContractTest.class.getResource("/osv-heavy").toURI());
    Path dir = Files.createTempDirectory("bulwark-fairwrites");
    ts =
        new TestServer(
            kind(),
            dir,
            c ->
                c.withOsvSources(List.of(osv))
                    .withLimits(64L * 1024 * 1024, 1000)
                    .withUploads(
                        new ServerConfig.UploadSettings(
                            16L * 1024 * 1024, MAX_COMPONENTS, MAX_FINDINGS, 2)));
    http = ts.http;
    for (String s : List.of("heavy", "light")) {
      assertThat(
              http.put(
                      "/api/v1/services/" + s,
                      ADMIN,
                      Map.of(
                          "team",
                          s.equals("heavy") ? "build" : "other",
                          "area",
                          "backend",
                          "criticality",
                          "high"))
                  .status())
          .isEqualTo(201);
    }
    ci = ts.token("ci", "build");
  }

  @AfterAll
  void stop() {
    if (ts != null) { // null when PostgreSQL is absent and the class was skipped
      ts.close();
    }
  }

  /** A CycloneDX SBOM of {@code n} components, each with three findings in the fixture. */
  static byte[] sbom(int n) {
    StringBuilder b = new StringBuilder(n * 140);
    b.append("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[");
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      int p = i % 20;
      b.append("{\"bom-ref\":\"c-")
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
    b.append("],\"dependencies\":[");
    for (int i = 1; i < n; i++) {
      if (i > 1) {
        b.append(',');
      }
      b.append("{\"ref\":\"c-0\",\"dependsOn\":[\"c-").append(i).append("\"]}");
    }
    b.append("]}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  void release(String version) {
    assertThat(
            http.post(
                    "/api/v1/services/heavy/releases",
                    ci,
                    Map.of("version", version, "digest", DIGEST))
                .status())
        .isIn(200, 201);
  }

  Http.Response upload(String token, String version, byte[] body) {
    return http.send(
        http.builder("/api/v1/services/heavy/releases/" + version + "/sbom", token)
            .timeout(java.time.Duration.ofMinutes(3))
            .header("Content-Type", "application/vnd.cyclonedx+json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** An upsert of an unrelated service, each a real change with its ledger entry. */
  int upserts;

  void upsert() {
    var r =
        http.put(
            "/api/v1/services/light",
            ADMIN,
            Map.of(
                "team",
                "other",
                "area",
                "backend",
                "criticality",
                "high",
                "value",
                (double) (++upserts)));
    assertThat(r.status()).isEqualTo(200);
  }

  /**
   * Four maximal uploads at once, with service upserts meanwhile: every upload is complete and
   * every upsert succeeds. How long the upserts take meanwhile is {@code bench/run fairwrites}'s
   * figure (the p99 under 100 ms); that they wait for at most one bulk step is
   * WriteBatcherTest's ordering.
   */
  @Test
  void fourMaximalUploadsAtOnceCompleteWhileServiceUpsertsSucceed() throws Exception {
    String ci2 = ts.token("ci", "build"); // the per-token limit is 2; two tokens run four uploads
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      release("p99-" + i);
      bodies.add(sbom(MAX_COMPONENTS));
    }
    List<CompletableFuture<Http.Response>> running = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int k = i;
      running.add(
          CompletableFuture.supplyAsync(
              () -> upload(k % 2 == 0 ? ci : ci2, "p99-" + k, bodies.get(k))));
    }
    int before = upserts;
    while (running.stream().anyMatch(f -> !f.isDone())) {
      upsert();
    }
    upsert(); // at least one, whatever the uploads' pace
    for (var f : running) {
      Http.Response r = f.get();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("components").asInt()).isEqualTo(MAX_COMPONENTS);
      assertThat(r.json().get("findings").asInt()).isEqualTo(MAX_FINDINGS);
    }
    for (int i = 0; i < 4; i++) {
      var f = http.get("/api/v1/services/heavy/releases/p99-" + i + "/findings", ci);
      assertThat(f.json().get("findings").size()).isEqualTo(MAX_FINDINGS);
    }
    // Every upsert was applied, the last one last.
    var light = http.get("/api/v1/services/light", ADMIN);
    assertThat(light.status()).isEqualTo(200);
    assertThat(light.json().path("value").asDouble()).isEqualTo((double) upserts);
    assertThat(upserts).isGreaterThan(before);
  }

  @Test
  void uploadsBeyondTheLimitsAreRefusedNamingTheSetting() {
    release("too-many");
    Http.Response components = upload(ci, "too-many", sbom(MAX_COMPONENTS + 1));
    assertThat(components.status()).isEqualTo(422);
    assertThat(components.contentType()).startsWith("application/problem+json");
    assertThat(components.json().get("detail").asText())
        .contains(Integer.toString(MAX_COMPONENTS + 1))
        .contains("uploads.maxComponents");

    // Findings: the same number of components, one more vulnerable than the findings allow.
    Http.Response bytes =
        http.send(
            "/api/v1/services/heavy/releases/too-many/sbom",
            ci,
            "PUT",
            "application/json",
            ("{\"x\":\"" + "a".repeat(16 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(bytes.status()).isEqualTo(413);
    assertThat(bytes.json().get("detail").asText()).contains(Long.toString(16L * 1024 * 1024));

    var release = http.get("/api/v1/services/heavy/releases/too-many/findings", ci);
    assertThat(release.status()).isEqualTo(200);
    assertThat(release.json().get("findings").size()).isZero();
  }

  @Test
  void tooManyFindingsIs422NamingTheSetting() throws Exception {
    // A second server whose findings limit is below what the components bring.
    Path osv = Path.of(FairWritesContractTest.class.getResource("/osv-heavy").toURI());
    try (TestServer small =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-fairwrites-findings"),
            c ->
                c.withOsvSources(List.of(osv))
                    .withUploads(new ServerConfig.UploadSettings(1024 * 1024, 1000, 29, 2)))) {
      small.http.put(
          "/api/v1/services/heavy",
          ADMIN,
          Map.of("team", "build", "area", "backend", "criticality", "high"));
      small.http.post(
          "/api/v1/services/heavy/releases", ADMIN, Map.of("version", "1", "digest", DIGEST));
      Http.Response r =
          small.http.send(
              "/api/v1/services/heavy/releases/1/sbom", ADMIN, "PUT", "application/json", sbom(10));
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("detail").asText()).contains("30").contains("uploads.maxFindings");
      Http.Response ok =
          small.http.send(
              "/api/v1/services/heavy/releases/1/sbom", ADMIN, "PUT", "application/json", sbom(9));
      assertThat(ok.status()).as(ok.text()).isEqualTo(200);
      assertThat(ok.json().get("findings").asInt()).isEqualTo(27);
    }
  }

  /** A request whose headers and first body bytes are sent, the rest of the body not yet. */
  java.net.Socket held(String token, String version) throws IOException {
    java.net.Socket socket = new java.net.Socket("127.0.0.1", ts.server.port());
    String head =
        "PUT /api/v1/services/heavy/releases/"
            + version
            + "/sbom HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return socket;
  }

  @Test
  void aTokenRunsAtMostTwoHeavyRequestsAtOnceTheThirdIs429WithRetryAfter() throws Exception {
    release("limited");
    List<java.net.Socket> held = new ArrayList<>();
    held.add(held(ci, "limited"));
    held.add(held(ci, "limited"));
    try {
      Http.Response third = null;
      for (int attempt = 0; attempt < 100; attempt++) {
        third = upload(ci, "limited", sbom(1));
        if (third.status() == 429) {
          break;
        }
        // The held requests had not reached the server yet, and one may have been refused in
        // this one's place: send it again.
        for (int i = 0; i < held.size(); i++) {
          if (held.get(i).getInputStream().available() > 0) {
            held.get(i).close();
            held.set(i, held(ci, "limited"));
          }
        }
        Thread.sleep(100);
      }
      assertThat(third.status()).as(third.text()).isEqualTo(429);
      assertThat(third.header("Retry-After")).isEqualTo("5");
      assertThat(third.json().get("detail").asText()).contains("uploads.perToken");
      // The same token's light requests, and another token's heavy ones, are not limited.
      assertThat(http.get("/api/v1/services/heavy", ci).status()).isEqualTo(200);
      String other = ts.token("ci", "build");
      assertThat(upload(other, "limited", sbom(1)).status()).isEqualTo(200);
    } finally {
      for (java.net.Socket socket : held) {
        socket.close(); // the client gives up: its requests end and their permits are returned
      }
    }
    // Both permits are back.
    release("limited-2");
    Http.Response after = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      after = upload(ci, "limited-2", sbom(2));
      if (after.status() != 429) {
        break;
      }
      Thread.sleep(50); // the server notices the closed connections when it reads from them
    }
    assertThat(after.status()).isEqualTo(200);
  }

  @Test
  void rowsBeingWrittenAreSeenByNoReaderUntilTheUploadCompletes() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    release("pending");
    byte[] body = sbom(MAX_COMPONENTS);
    var uploading = CompletableFuture.supplyAsync(() -> upload(ci, "pending", body));
    long release = -1;
    var jdbi = ts.server.database().jdbi();
    // Wait until the upload has written some of its rows, then hold the writer's bulk lane.
    for (int i = 0; i < 600 && release < 0; i++) {
      release =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT r.id FROM releases r WHERE r.version = 'pending' AND r.sbom_pending IS NOT NULL AND EXISTS (SELECT 1 FROM release_components c WHERE c.release_id = r.id)")
                      .mapTo(Long.class)
                      .findOne()
                      .orElse(-1L));
      Thread.sleep(release < 0 ? 10 : 0);
    }
    assertThat(release).as("the upload became pending").isPositive();
    long id = release;
    var holder =
        CompletableFuture.runAsync(
            () ->
                ts.server
                    .database()
                    .writes()
                    .inBulkTransaction(
                        h -> {
                          inside.countDown();
                          try {
                            done.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return null;
                        }));
    assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      String stillPending =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT sbom_pending FROM releases WHERE id = :id")
                      .bind("id", id)
                      .mapTo(String.class)
                      .findOne()
                      .orElse(null));
      assertThat(stillPending).as("the upload is still writing").isNotNull();
      long staged =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT COUNT(*) FROM release_components WHERE release_id = :id")
                      .bind("id", id)
                      .mapTo(Long.class)
                      .one());
      assertThat(staged).isPositive();
      String base = "/api/v1/services/heavy/releases/pending";
      assertThat(http.get(base + "/findings", ci).json().get("findings").size()).isZero();
      assertThat(http.get(base + "/components", ci).json().get("components")).isEmpty();
      assertThat(http.get("/api/v1/components?purl=pkg:npm/heavy-1", ci).text())
          .doesNotContain("\"pending\"");
      assertThat(http.get("/api/v1/vulnerabilities/CVE-2099-9001/affected", ci).text())
          .doesNotContain("\"pending\"");
      assertThat(http.get("/api/v1/findings/overdue", ci).text()).doesNotContain("\"pending\"");
    } finally {
      done.countDown();
    }
    holder.get(30, TimeUnit.SECONDS);
    Http.Response r = uploading.get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(
            http.get("/api/v1/services/heavy/releases/pending/findings", ci)
                .json()
                .get("findings")
                .size())
        .isEqualTo(MAX_FINDINGS);
    assertThat(http.get("/api/v1/components?purl=pkg:npm/heavy-1", ci).text())
        .contains("\"pending\"");
  }

  @Test
  void anUploadCutOffMidwayLeavesNothingBehind() throws Exception {
    // The service is deleted (archived) while its release's rows are being written: the upload
    // fails with a problem, and no row of it remains under the archived service.
    assertThat(
            http.put(
                    "/api/v1/services/doomed",
                    ADMIN,
                    Map.of("team", "build", "area", "backend", "criticality", "high"))
                .status())
        .isEqualTo(201);
    http.post("/api/v1/services/doomed/releases", ci, Map.of("version", "1", "digest", DIGEST));
    byte[] body = sbom(MAX_COMPONENTS);
    var uploading =
        CompletableFuture.supplyAsync(
            () ->
                http.send(
                    "/api/v1/services/doomed/releases/1/sbom",
                    ci,
                    "PUT",
                    "application/json",
                    body));
    var jdbi = ts.server.database().jdbi();
    boolean seen = false;
    for (int i = 0; i < 600 && !seen; i++) {
      seen =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                              "SELECT COUNT(*) FROM releases r JOIN services s ON s.id = r.service_id WHERE s.name = 'doomed' AND r.sbom_pending IS NOT NULL")
                          .mapTo(Long.class)
                          .one()
                      > 0);
      Thread.sleep(seen ? 0 : 5);
    }
    assertThat(seen).isTrue();
    assertThat(http.delete("/api/v1/services/doomed", ADMIN).status()).isEqualTo(204);
    Http.Response r = uploading.get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.text()).isIn(404, 409);
    assertThat(r.contentType()).startsWith("application/problem+json");
    long left =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT (SELECT COUNT(*) FROM release_components c JOIN releases x ON x.id = c.release_id JOIN service_records s ON s.id = x.service_id WHERE s.name = 'doomed')"
                            + " + (SELECT COUNT(*) FROM findings f JOIN releases x ON x.id = f.release_id JOIN service_records s ON s.id = x.service_id WHERE s.name = 'doomed')")
                    .mapTo(Long.class)
                    .one());
    assertThat(left).isZero();
  }

  @Test
  void aPendingReleasesFindingsCannotBeTriagedAndItCannotBeUploadedTwiceAtOnce() {
    release("marked");
    assertThat(upload(ci, "marked", sbom(3)).status()).isEqualTo(200);
    var jdbi = ts.server.database().jdbi();
    long finding =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT MIN(f.id) FROM findings f JOIN releases r ON r.id = f.release_id JOIN services s ON s.id = r.service_id WHERE s.name = 'heavy' AND r.version = 'marked'")
                    .mapTo(Long.class)
                    .one());
    // As an upload still writing would leave it (the clock is the server's, so the upload is
    // fresh, not abandoned).
    ts.server
        .database()
        .writes()
        .inTransactionDo(
            h ->
                h.createUpdate(
                        "UPDATE releases SET sbom_pending = 'other-upload', sbom_pending_at = :now WHERE version = 'marked' AND service_id = (SELECT id FROM services WHERE name = 'heavy')")
                    .bind("now", ts.clock.millis())
                    .execute());
    try {
      assertThat(
              http.post(
                      "/api/v1/findings/" + finding + "/transitions",
                      ADMIN,
                      Map.of("state", "triaged", "reason", "looking"))
                  .status())
          .isEqualTo(404);
      Http.Response again = upload(ADMIN, "marked", sbom(4));
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().get("detail").asText()).contains("in progress");
      assertThat(
              http.get("/api/v1/services/heavy/releases/marked/findings", ci)
                  .json()
                  .get("findings")
                  .size())
          .isZero();
    } finally {
      ts.server
          .database()
          .writes()
          .inTransactionDo(
              h ->
                  h.createUpdate(
                          "UPDATE releases SET sbom_pending = NULL, sbom_pending_at = NULL WHERE version = 'marked' AND service_id = (SELECT id FROM services WHERE name = 'heavy')")
                      .execute());
    }
    assertThat(
            http.post(
                    "/api/v1/findings/" + finding + "/transitions",
                    ADMIN,
                    Map.of("state", "triaged", "reason", "looking"))
                .status())
        .isEqualTo(200);
  }
}
