package dev.bulwark.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups are SQLite's (PostgreSQL answers 501, see BackupRestoreTest). */
class ConcurrentBackupTest {
  @TempDir Path dir;

  @Test
  void concurrentBackupsWithTheSameRequestIdEachGetAWholeVerifiedCopy() throws Exception {
    // Four heavy requests of one token at once: above the default per-token limit (which has its
    // own test in FairWritesContractTest), so that the backups themselves race.
    try (TestServer ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            dir.resolve("data"),
            c ->
                c.withUploads(
                    new dev.bulwark.server.config.ServerConfig.UploadSettings(
                        c.uploads().maxBytes(),
                        c.uploads().maxComponents(),
                        c.uploads().maxFindings(),
                        8)))) {
      for (int i = 0; i < 50; i++) {
        ts.http.post(
            "/api/v1/services",
            TestServer.ADMIN,
            Map.of("name", "svc-" + i, "team", "t", "area", "data", "criticality", "low"));
      }
      int clients = 4;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () ->
                    ts.http.send(
                        ts.http
                            .builder("/api/v1/backup", TestServer.ADMIN)
                            .header("X-Request-Id", "same-id")
                            .POST(HttpRequest.BodyPublishers.noBody()))));
      }
      pool.shutdown();
      for (int i = 0; i < clients; i++) {
        Http.Response r = answers.get(i).get();
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        Path copy = dir.resolve("copy-" + i + ".zip");
        Files.write(copy, r.raw().body());
        Backups.check(copy);
      }
      // Nothing is left behind, whatever the client called its request.
      try (var left = Files.list(ts.dataDir.resolve("backup-tmp"))) {
        assertThat(left.toList()).isEmpty();
      }
    }
  }
}
