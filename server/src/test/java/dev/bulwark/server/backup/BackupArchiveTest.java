package dev.bulwark.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup archives: the keys go with the database, and a restore checks all before it writes. */
class BackupArchiveTest {
  @TempDir Path dir;

  private static byte[] backup(TestServer ts, String query) {
    Http.Response r =
        ts.http.send(
            ts.http
                .builder("/api/v1/backup" + query, TestServer.ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("application/zip");
    return r.raw().body();
  }

  private static void change(TestServer ts, String name) throws InterruptedException {
    ts.http.put(
        "/api/v1/services/" + name,
        TestServer.ADMIN,
        Map.of("team", "pay", "area", "backend", "criticality", "high"));
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
  }

  /** A start as the server command does it: the database is closed again when it fails. */
  private static void start(Path data) {
    dev.bulwark.server.BulwarkServer.start(
            dev.bulwark.server.config.ServerConfig.embeddedDefaults(data),
            Clock.systemUTC(),
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .close();
  }

  private Backups.RestoreRequest into(Path backup, Path data, Path key, boolean replace) {
    return new Backups.RestoreRequest(backup, data, null, Optional.ofNullable(key), replace);
  }

  @Test
  void anArchiveCarriesTheKeysAndARestoredServerSignsWithTheSameKey() throws Exception {
    Path live = dir.resolve("live");
    Path archive = dir.resolve("b.zip");
    String publicKey;
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, live)) {
      change(ts, "payments");
      publicKey = ts.http.get("/api/v1/ledger/public-key", TestServer.ADMIN).text();
      Files.write(archive, backup(ts, ""));
    }
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      assertThat(zip.stream().map(ZipEntry::getName))
          .containsExactly(
              BackupArchive.MANIFEST,
              BackupArchive.DATABASE,
              BackupArchive.LEDGER_KEY,
              BackupArchive.WEBHOOK_KEY);
    }
    assertThat(Backups.check(archive).hasLedgerKey()).isTrue();

    Path restored = dir.resolve("restored");
    Backups.Restored r = Backups.restore(into(archive, restored, null, false), Clock.systemUTC());
    assertThat(r.ledgerKeyWritten()).isTrue();
    assertThat(r.webhookKeyWritten()).isTrue();
    assertThat(r.ledgerEntries()).isPositive();
    for (String f : new String[] {"bulwark.db", "ledger-signing.key", "webhook-secrets.key"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored.resolve(f))))
          .as(f)
          .isEqualTo("rw-------");
    }
    assertThat(restored.resolve("ledger-signing.key"))
        .hasSameBinaryContentAs(live.resolve("ledger-signing.key"));
    try (TestServer again = new TestServer(TestDatabases.Kind.SQLITE, restored)) {
      assertThat(again.http.get("/api/v1/ledger/public-key", TestServer.ADMIN).text())
          .isEqualTo(publicKey);
      change(again, "payments-after-restore");
    }
  }

  @Test
  void withoutKeysARestoreNeedsTheRightKeyFile() throws Exception {
    Path live = dir.resolve("live");
    Path archive = dir.resolve("nokeys.zip");
    Path otherKey;
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, live)) {
      change(ts, "payments");
      Files.write(archive, backup(ts, "?keys=omit"));
      assertThat(
              ts.http
                  .send(
                      ts.http
                          .builder("/api/v1/backup?keys=maybe", TestServer.ADMIN)
                          .POST(HttpRequest.BodyPublishers.noBody()))
                  .status())
          .isEqualTo(400);
    }
    try (TestServer other = new TestServer(TestDatabases.Kind.SQLITE, dir.resolve("other"))) {
      otherKey = other.dataDir.resolve("ledger-signing.key");
    }
    BackupArchive.Manifest m = Backups.check(archive);
    assertThat(m.hasLedgerKey()).isFalse();
    assertThat(m.ledgerKeyId()).hasSize(8);

    Path target = dir.resolve("target");
    assertThatThrownBy(() -> Backups.restore(into(archive, target, null, false), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class)
        .hasMessageContaining("holds no ledger signing key")
        .hasMessageContaining("--key FILE, key id " + m.ledgerKeyId());
    assertThatThrownBy(
            () -> Backups.restore(into(archive, target, otherKey, false), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class)
        .hasMessageContaining("did not sign this ledger's checkpoints");
    assertThat(target).doesNotExist();

    Backups.Restored r =
        Backups.restore(
            into(archive, target, live.resolve("ledger-signing.key"), false), Clock.systemUTC());
    assertThat(r.ledgerKeyWritten()).isTrue();
    assertThat(r.webhookKeyWritten()).isFalse();
    try (TestServer again = new TestServer(TestDatabases.Kind.SQLITE, target)) {
      change(again, "after");
    }
  }

  @Test
  void aServerWithLedgerEntriesRefusesToStartWithoutItsKeyOrWithAnother() throws Exception {
    Path live = dir.resolve("live");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, live)) {
      change(ts, "payments");
    }
    Path key = live.resolve("ledger-signing.key");
    Path saved = dir.resolve("saved.key");
    Files.move(key, saved);
    assertThatThrownBy(() -> start(live))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("its signing key " + key + " is missing");
    assertThat(key).doesNotExist();
    try (TestServer other = new TestServer(TestDatabases.Kind.SQLITE, dir.resolve("other"))) {
      Files.copy(other.dataDir.resolve("ledger-signing.key"), key);
    }
    assertThatThrownBy(() -> start(live))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did not sign this ledger's checkpoints");
    Files.delete(key);
    Files.move(saved, key);
    try (TestServer back = new TestServer(TestDatabases.Kind.SQLITE, live)) {
      change(back, "after");
    }
  }

  @Test
  void aRestoreRefusesADirectoryWithDataUnlessToldToKeepItAside() throws Exception {
    Path live = dir.resolve("live");
    Path archive = dir.resolve("b.zip");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, live)) {
      change(ts, "payments");
      Files.write(archive, backup(ts, ""));
    }
    Path busy = dir.resolve("busy");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, busy)) {
      assertThat(ts.dataDir).isEqualTo(busy);
      assertThatThrownBy(() -> Backups.restore(into(archive, busy, null, true), Clock.systemUTC()))
          .isInstanceOf(dev.bulwark.server.db.Database.DataDirInUseException.class);
    }
    byte[] before = Files.readAllBytes(busy.resolve("ledger-signing.key"));
    assertThatThrownBy(() -> Backups.restore(into(archive, busy, null, false), Clock.systemUTC()))
        .isInstanceOf(Backups.Refused.class)
        .hasMessageContaining("is not empty")
        .hasMessageContaining("bulwark.db")
        .hasMessageContaining("--replace");
    assertThat(busy.resolve("ledger-signing.key")).hasBinaryContent(before);

    Backups.Restored r = Backups.restore(into(archive, busy, null, true), Clock.systemUTC());
    assertThat(r.keptAside())
        .extracting(p -> p.getFileName().toString().replaceAll("\\d{8}T\\d{6}Z", "T"))
        .contains(
            "bulwark.db.before-restore-T",
            "ledger-signing.key.before-restore-T",
            "webhook-secrets.key.before-restore-T");
    assertThat(r.keptAside().stream().filter(p -> p.toString().contains("ledger-signing")))
        .singleElement()
        .satisfies(p -> assertThat(p).hasBinaryContent(before));
    try (TestServer again = new TestServer(TestDatabases.Kind.SQLITE, busy)) {
      change(again, "after");
    }
  }

  @Test
  void aDamagedOrForeignArchiveIsRefusedAndNothingIsWritten() throws Exception {
    Path archive = dir.resolve("b.zip");
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, dir.resolve("live"))) {
      change(ts, "payments");
      Files.write(archive, backup(ts, ""));
    }
    // The same parts, the database changed by one byte: its checksum no longer matches.
    Path tampered = dir.resolve("tampered.zip");
    Path foreign = dir.resolve("foreign.zip");
    try (ZipFile in = new ZipFile(archive.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered));
        ZipOutputStream evil = new ZipOutputStream(Files.newOutputStream(foreign))) {
      for (ZipEntry e : in.stream().toList()) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals(BackupArchive.DATABASE)) {
          bytes[bytes.length - 1] ^= 1;
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
        evil.putNextEntry(new ZipEntry(e.getName()));
        evil.write(in.getInputStream(e).readAllBytes());
        evil.closeEntry();
      }
      evil.putNextEntry(new ZipEntry("../../etc/cron.d/x"));
      evil.closeEntry();
    }
    Path target = dir.resolve("target");
    assertThatThrownBy(
            () -> Backups.restore(into(tampered, target, null, false), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> Backups.restore(into(foreign, target, null, false), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class)
        .hasMessageContaining("it holds ../../etc/cron.d/x");
    Path text = dir.resolve("text.zip");
    Files.writeString(text, "hello");
    assertThatThrownBy(() -> Backups.restore(into(text, target, null, false), Clock.systemUTC()))
        .isInstanceOf(Backups.NotABackup.class)
        .hasMessageContaining("not a Bulwark backup");
    assertThat(target).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".bulwark"));
    }
  }
}
