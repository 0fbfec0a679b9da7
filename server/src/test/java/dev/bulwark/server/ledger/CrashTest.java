package dev.bulwark.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.LogVerifier;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.ServerMain;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server appending under load is killed with SIGKILL. After a restart, every change it had
 * acknowledged is there with its ledger entry, the tree is consistent with every checkpoint it had
 * published, and appends go on.
 */
class CrashTest {
  @TempDir Path dir;

  static LogVerifier.Result verify(Http http) {
    NoteKey.Verifier key =
        NoteKey.Verifier.parse(http.get("/api/v1/ledger/public-key", TestServer.ADMIN).text());
    long size =
        http.get("/api/v1/ledger/entries?start=0&end=0", TestServer.ADMIN)
            .json()
            .path("size")
            .asLong();
    List<LogVerifier.FetchedEntry> entries = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (long s = 0; s < size; s += 10_000) {
      long e = Math.min(size, s + 10_000);
      for (JsonNode n :
          http.get("/api/v1/ledger/entries?start=" + s + "&end=" + e, TestServer.ADMIN)
              .json()
              .path("entries")) {
        entries.add(
            new LogVerifier.FetchedEntry(n.path("index").asLong(), n.path("canonical").asText()));
      }
      for (JsonNode n :
          http.get("/api/v1/ledger/leaves?start=" + s + "&end=" + e, TestServer.ADMIN)
              .json()
              .path("hashes")) {
        leaves.add(Hashes.fromHex(n.asText()));
      }
    }
    List<String> notes = new ArrayList<>();
    http.get("/api/v1/ledger/checkpoints", TestServer.ADMIN)
        .json()
        .path("checkpoints")
        .forEach(c -> notes.add(c.path("note").asText()));
    return LogVerifier.verify(entries, leaves, notes, key);
  }

  @Test
  void everyAcknowledgedChangeSurvivesASigkill() throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                ServerMain.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    int port = -1;
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("PORT ")) {
        port = Integer.parseInt(line.substring(5).strip());
        break;
      }
    }
    assertThat(port).as("the child server started").isPositive();
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (java.io.IOException ignored) {
                // the child is gone
              }
            });
    drain.start();

    Http http = new Http(port);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService load = Executors.newFixedThreadPool(8);
    for (int w = 0; w < 8; w++) {
      int writer = w;
      load.submit(
          () -> {
            for (int i = 0; !stop.get(); i++) {
              String name = "crash-" + writer + "-" + i;
              try {
                Http.Response r =
                    http.post(
                        "/api/v1/services",
                        TestServer.ADMIN,
                        Map.of(
                            "name", name, "team", "crash", "area", "data", "criticality", "low"));
                if (r.status() == 201) {
                  acked.add(name);
                }
              } catch (AssertionError e) {
                return; // connection refused: the child is dead
              }
            }
          });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acked.size() < 300 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no flush
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    load.shutdown();
    assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(acked.size()).isGreaterThanOrEqualTo(300);

    try (TestServer again = new TestServer(TestDatabases.Kind.SQLITE, dir)) {
      Set<String> present = ConcurrentHashMap.newKeySet();
      again
          .http
          .get("/api/v1/services?team=crash", TestServer.ADMIN)
          .json()
          .path("services")
          .forEach(s -> present.add(s.path("name").asText()));
      assertThat(present).containsAll(acked);
      again.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(60));
      assertThat(verify(again.http)).isInstanceOf(LogVerifier.Result.Valid.class);
      long before =
          again
              .http
              .get("/api/v1/ledger/entries?start=0&end=0", TestServer.ADMIN)
              .json()
              .path("size")
              .asLong();
      assertThat(before).isGreaterThanOrEqualTo(acked.size() + 1L);
      for (int i = 0; i < 5; i++) {
        assertThat(
                again
                    .http
                    .post(
                        "/api/v1/services",
                        TestServer.ADMIN,
                        Map.of(
                            "name",
                            "after-crash-" + i,
                            "team",
                            "crash",
                            "area",
                            "data",
                            "criticality",
                            "low"))
                    .status())
            .isEqualTo(201);
      }
      again.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(60));
      LogVerifier.Result r = verify(again.http);
      assertThat(r).isInstanceOf(LogVerifier.Result.Valid.class);
      assertThat(((LogVerifier.Result.Valid) r).size()).isEqualTo(before + 5);
    }
  }
}
