package dev.bulwark.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.backup.Backups;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory is 0700 and every file in it 0600 (database, WAL, keys, backups, restored
 * files), also when an older version left them readable; on both databases.
 */
abstract class FileModesContractTest {
  @TempDir Path dir;

  abstract TestDatabases.Kind kind();

  /** Every path under {@code root} (itself included) with its mode. */
  static Map<String, String> modes(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        out.put(
            root.relativize(p).toString(),
            PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return out;
  }

  static void assertPrivate(Path root) throws IOException {
    Map<String, String> modes = modes(root);
    for (Map.Entry<String, String> e : modes.entrySet()) {
      boolean directory = Files.isDirectory(root.resolve(e.getKey()));
      assertThat(e.getValue())
          .as("mode of '" + e.getKey() + "' in " + modes)
          .isEqualTo(directory ? "rwx------" : "rw-------");
    }
  }

  static void makeReadable(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  @Test
  void theDataDirectoryAndEveryFileInItArePrivate() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer ts = new TestServer(kind(), data)) {
      ts.http.put(
          "/api/v1/services/pay-api",
          TestServer.ADMIN,
          Map.of("team", "pay", "area", "data", "criticality", "low"));
      List<String> names;
      try (Stream<Path> files = Files.list(data)) {
        names = files.map(p -> p.getFileName().toString()).toList();
      }
      assertThat(names).contains("ledger-signing.key", "webhook-secrets.key");
      if (kind() == TestDatabases.Kind.SQLITE) {
        assertThat(names)
            .contains("bulwark.db", "bulwark.db-wal", "bulwark.db-shm", "bulwark.lock");
        var backup =
            ts.http.send(
                ts.http
                    .builder("/api/v1/backup", TestServer.ADMIN)
                    .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(backup.status()).isEqualTo(200);
      }
      assertPrivate(data);
    }
    // Files an older version left readable become private at the next start; files that are not
    // Bulwark's are left alone.
    makeReadable(data);
    Path foreign = data.resolve("notes.txt");
    Files.writeString(foreign, "not Bulwark's");
    try (TestServer ts = new TestServer(kind(), data)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign)))
          .isEqualTo("rw-r--r--");
      Files.delete(foreign);
      assertPrivate(ts.dataDir);
    }
  }

  @Test
  void backupsAndRestoredDatabasesArePrivate() throws Exception {
    if (kind() != TestDatabases.Kind.SQLITE) {
      return; // PostgreSQL is backed up with its own tools
    }
    Path data = dir.resolve("data");
    Path backup = dir.resolve("backup.db");
    try (TestServer ts = new TestServer(kind(), data)) {
      Backups.snapshot(ts.server.database(), backup);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rw-------");
    Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rw-r--r--"));
    makeReadable(data);
    Path kept = Backups.restore(backup, data, Clock.systemUTC());
    assertThat(kept).exists();
    assertPrivate(data);
    Path fresh = dir.resolve("fresh");
    Backups.restore(backup, fresh, Clock.systemUTC());
    assertPrivate(fresh);
  }
}
