package dev.bulwark.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
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

class BackupRestoreTest {
  @TempDir Path dir;

  @Test
  void aBackupTakenUnderWriteLoadHoldsEveryRowCommittedBeforeIt() throws Exception {
    Path data = dir.resolve("live");
    Path backup = dir.resolve("backup.zip");
    Set<String> committedBeforeBackup;
    Set<String> attempted = ConcurrentHashMap.newKeySet();
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, data)) {
      Set<String> committed = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(4);
      for (int w = 0; w < 4; w++) {
        int writer = w;
        writers.submit(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                String name = "load-" + writer + "-" + i;
                attempted.add(name);
                Http.Response r =
                    ts.http.post(
                        "/api/v1/services",
                        TestServer.ADMIN,
                        Map.of("name", name, "team", "load", "area", "data", "criticality", "low"));
                if (r.status() == 201) {
                  committed.add(name);
                }
              }
              return null;
            });
      }
      while (committed.size() < 200) {
        Thread.sleep(10);
      }
      committedBeforeBackup = new HashSet<>(committed);
      var response =
          ts.http.send(
              ts.http
                  .builder("/api/v1/backup", TestServer.ADMIN)
                  .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.contentType()).isEqualTo("application/zip");
      Files.write(backup, response.raw().body());
      int afterBackup = committed.size();
      stop.set(true);
      writers.shutdown();
      assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(afterBackup).isGreaterThanOrEqualTo(committedBeforeBackup.size());
    }
    Backups.check(backup);

    Path restored = dir.resolve("restored");
    Backups.restore(
        new Backups.RestoreRequest(backup, restored, null, java.util.Optional.empty(), false),
        Clock.systemUTC());
    try (Database db = Database.openSqlite(restored)) {
      List<String> names =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT name FROM services WHERE team = 'load'")
                          .mapTo(String.class)
                          .list());
      assertThat(names).containsAll(committedBeforeBackup);
      assertThat(attempted).containsAll(names);
      String integrity =
          db.jdbi()
              .withHandle(h -> h.createQuery("PRAGMA integrity_check").mapTo(String.class).one());
      assertThat(integrity).isEqualTo("ok");
    }
  }

  @Test
  void restoreRefusesWhileAServerRunsAndKeepsTheDataItReplaces() throws Exception {
    Path data = dir.resolve("running");
    Path backup = dir.resolve("b.db");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, data)) {
      Backups.snapshot(ts.server.database(), backup);
      assertThatThrownBy(() -> Backups.restore(backup, data, Clock.systemUTC()))
          .isInstanceOf(Database.DataDirInUseException.class)
          .hasMessageContaining("in use");
    }
    Path kept = Backups.restore(backup, data, Clock.systemUTC());
    assertThat(kept).isNotNull().exists();
    assertThat(data.resolve(Database.SQLITE_FILE)).exists();
  }

  @Test
  void somethingThatIsNotABackupIsRefused() throws Exception {
    Path junk = dir.resolve("junk.db");
    Files.writeString(junk, "SQLite format 3 but not really");
    assertThatThrownBy(() -> Backups.restore(junk, dir.resolve("x"), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class);
    Path truncated = dir.resolve("truncated.db");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir.resolve("src"))) {
      Backups.snapshot(ts.server.database(), dir.resolve("full.db"));
    }
    byte[] full = Files.readAllBytes(dir.resolve("full.db"));
    Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
    assertThatThrownBy(() -> Backups.verify(truncated)).isInstanceOf(Backups.NotABackup.class);
    assertThatThrownBy(() -> Backups.verify(dir.resolve("missing.db")))
        .isInstanceOf(Backups.NotABackup.class);
    assertThat(Files.exists(dir.resolve("x").resolve(Database.SQLITE_FILE))).isFalse();
  }

  @Test
  void backupOnPostgresqlSaysToUsePgDump() {
    try (TestServer ts = new TestServer(TestDatabases.Kind.POSTGRESQL, dir)) {
      Http.Response r =
          ts.http.send(
              ts.http
                  .builder("/api/v1/backup", TestServer.ADMIN)
                  .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(r.status()).isEqualTo(501);
      assertThat(r.text()).contains("pg_dump");
    }
  }
}
