package dev.bulwark.server.backup;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Backups of the embedded database. A snapshot is SQLite's {@code VACUUM INTO}: one read
 * transaction, so it is a consistent snapshot taken while writers go on, and a compact, valid
 * database file; a backup is an archive of it with the key files ({@link BackupArchive}). A restore
 * checks everything first and never deletes the data it replaces.
 */
public final class Backups {
  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private Backups() {}

  /**
   * Writes a consistent copy of the running embedded database to {@code target} (must not exist).
   */
  public static void snapshot(Database db, Path target) throws SQLException {
    db.jdbi()
        .useHandle(
            h -> {
              BackupDao.vacuumInto(h, target);
            });
    try {
      PrivateFiles.restrict(target);
    } catch (IOException e) {
      throw new SQLException("cannot make the backup " + target + " private: " + e.getMessage(), e);
    }
  }

  /** Thrown when a file is not a Bulwark backup; the message says why. */
  public static final class NotABackup extends Exception {
    public NotABackup(String message) {
      super(message);
    }
  }

  /**
   * Restores the database alone of {@code backup} (a bare database) into {@code dataDir}, the key
   * files left as they are: for the caller that manages the keys itself. Refuses (with {@link
   * Database.DataDirInUseException}) while a server holds the directory, and holds the directory's
   * lock itself meanwhile. The current database, if any, is moved aside, never deleted. Returns
   * where it was moved, or null.
   */
  public static Path restore(Path backup, Path dataDir, Clock clock)
      throws IOException, NotABackup {
    verify(backup);
    // Held for the whole restore, so that no server can start on a half-restored directory.
    try (Database.DataDirLock held = Database.DataDirLock.acquire(dataDir)) {
      assert held != null;
      Path db = dataDir.resolve(Database.SQLITE_FILE);
      Path staged = dataDir.resolve(Database.SQLITE_FILE + ".restoring");
      Files.deleteIfExists(staged);
      PrivateFiles.file(staged);
      Files.copy(backup, staged, StandardCopyOption.REPLACE_EXISTING);
      PrivateFiles.restrict(staged);
      Path kept = null;
      if (Files.exists(db)) {
        String stamp =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(clock.instant());
        kept = dataDir.resolve(Database.SQLITE_FILE + ".before-restore-" + stamp);
        Files.move(db, kept);
        for (String suffix : new String[] {"-wal", "-shm"}) {
          Path side = dataDir.resolve(Database.SQLITE_FILE + suffix);
          if (Files.exists(side)) {
            Files.move(side, dataDir.resolve(kept.getFileName() + suffix));
          }
        }
      }
      Files.move(staged, db, StandardCopyOption.ATOMIC_MOVE);
      // The database kept aside and its WAL stay as private as the restored one.
      PrivateFiles.tree(dataDir);
      return kept;
    }
  }

  /**
   * What to restore and where: the backup, the data directory, where the ledger key goes (the
   * server's {@code ledger.keyFile}, default {@code <data>/ledger-signing.key}; the webhook key
   * goes beside it), the key file to use when the backup holds none, and whether what is in the
   * data directory may be moved aside.
   */
  public record RestoreRequest(
      Path backup, Path dataDir, Path ledgerKeyTarget, Optional<Path> keyFile, boolean replace) {
    public RestoreRequest {
      if (backup == null || dataDir == null || keyFile == null) {
        throw new IllegalArgumentException("backup, data directory and key option are required");
      }
      if (ledgerKeyTarget == null) {
        ledgerKeyTarget = dataDir.resolve(BackupArchive.LEDGER_KEY);
      }
    }
  }

  /** What a restore did: the ledger it restored, which keys it wrote, what it kept aside. */
  public record Restored(
      BackupArchive.Manifest manifest,
      long ledgerEntries,
      boolean ledgerKeyWritten,
      boolean webhookKeyWritten,
      List<Path> keptAside) {
    public Restored {
      keptAside = List.copyOf(keptAside);
    }
  }

  /** A restore refused because of what is already there (not because of the backup). */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * Restores a backup (archive or bare database) into a data directory. Everything is checked
   * before anything is written there: the checksums, the database, and that the ledger key (from
   * the archive or {@code --key}) signed the backup's latest checkpoint; a backup whose ledger has
   * entries is refused without a key. Refuses a directory a server holds, and one that is not empty
   * unless {@code replace}, which moves what it replaces aside (never deletes it).
   */
  public static Restored restore(RestoreRequest r, Clock clock)
      throws IOException, NotABackup, Refused {
    Path parent = r.dataDir().toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, ".bulwark-restore-");
    try {
      BackupArchive.Opened opened =
          BackupArchive.open(r.backup(), staging.resolve(BackupArchive.DATABASE));
      BackupDao.Ledger ledger = BackupArchive.ledgerOf(opened.database());
      Optional<byte[]> key = opened.ledgerKey();
      String keyWhere = "the ledger key in " + r.backup();
      if (r.keyFile().isPresent()) {
        Path k = r.keyFile().get();
        if (!Files.isRegularFile(k)) {
          throw new NotABackup("--key " + k + ": no such file");
        }
        key = Optional.of(Files.readAllBytes(k));
        keyWhere = "ledger key file " + k;
      }
      if (key.isEmpty() && ledger.entries() > 0) {
        throw new NotABackup(
            r.backup()
                + " holds no ledger signing key and its ledger has "
                + ledger.entries()
                + " entries: give the key file it was taken with (--key FILE"
                + (opened.manifest().ledgerKeyId() == null
                    ? ""
                    : ", key id " + opened.manifest().ledgerKeyId())
                + "), or the ledger's checkpoints will not verify");
      }
      if (key.isPresent()) {
        String problem = BackupArchive.keyProblem(key.get(), keyWhere, ledger);
        if (problem != null) {
          throw new NotABackup(problem + "; restore with the key of this backup");
        }
      }
      Path webhookTarget =
          r.ledgerKeyTarget().toAbsolutePath().resolveSibling(BackupArchive.WEBHOOK_KEY);
      try (Database.DataDirLock held = Database.DataDirLock.acquire(r.dataDir())) {
        assert held != null;
        List<Path> present = new ArrayList<>();
        try (Stream<Path> entries = Files.list(r.dataDir())) {
          entries
              .filter(p -> !p.getFileName().toString().equals(Database.LOCK_FILE))
              .forEach(present::add);
        }
        for (Path k : List.of(r.ledgerKeyTarget(), webhookTarget)) {
          if (Files.exists(k)
              && !k.toAbsolutePath()
                  .normalize()
                  .startsWith(r.dataDir().toAbsolutePath().normalize())) {
            present.add(k);
          }
        }
        if (!present.isEmpty() && !r.replace()) {
          throw new Refused(
              "refused: "
                  + r.dataDir()
                  + " is not empty (it holds "
                  + present.stream()
                      .map(p -> p.getFileName().toString())
                      .sorted()
                      .collect(java.util.stream.Collectors.joining(", "))
                  + "); restore into a new directory, or add --replace to move what is there"
                  + " aside");
        }
        List<Path> kept = new ArrayList<>();
        String stamp =
            ".before-restore-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(ZoneOffset.UTC)
                    .format(clock.instant());
        Path db = r.dataDir().resolve(Database.SQLITE_FILE);
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
          keepAside(r.dataDir().resolve(Database.SQLITE_FILE + suffix), stamp, kept);
        }
        boolean webhookWritten = false;
        if (key.isPresent()) {
          keepAside(r.ledgerKeyTarget(), stamp, kept);
          writePrivate(r.ledgerKeyTarget(), key.get());
        }
        if (opened.webhookKey().isPresent()) {
          keepAside(webhookTarget, stamp, kept);
          writePrivate(webhookTarget, opened.webhookKey().get());
          webhookWritten = true;
        }
        try {
          Files.move(opened.database(), db, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
          Files.copy(opened.database(), db);
        }
        PrivateFiles.tree(r.dataDir());
        return new Restored(
            opened.manifest(), ledger.entries(), key.isPresent(), webhookWritten, kept);
      }
    } finally {
      deleteTree(staging);
    }
  }

  private static void keepAside(Path file, String stamp, List<Path> kept) throws IOException {
    if (Files.exists(file)) {
      Path aside = file.resolveSibling(file.getFileName() + stamp);
      Files.move(file, aside);
      kept.add(aside);
    }
  }

  private static void writePrivate(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      PrivateFiles.directory(dir);
    }
    BackupArchive.createPrivate(file);
    Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Checks a backup file as a restore would, without restoring it (the CLI checks what the server
   * sent before it keeps it). Staging happens in a private directory beside the file.
   */
  public static BackupArchive.Manifest check(Path file) throws IOException, NotABackup {
    Path staging = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".bulwark-check-");
    try {
      BackupArchive.Opened opened =
          BackupArchive.open(file, staging.resolve(BackupArchive.DATABASE));
      if (opened.ledgerKey().isPresent()) {
        String problem =
            BackupArchive.keyProblem(
                opened.ledgerKey().get(),
                "the ledger key in " + file,
                BackupArchive.ledgerOf(opened.database()));
        if (problem != null) {
          throw new NotABackup(problem);
        }
      }
      return opened.manifest();
    } finally {
      deleteTree(staging);
    }
  }

  /** Checks that {@code file} is an intact SQLite database with a Bulwark schema. */
  public static void verify(Path file) throws IOException, NotABackup {
    if (!Files.isRegularFile(file)) {
      throw new NotABackup(file + " is not a file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (!Arrays.equals(in.readNBytes(SQLITE_MAGIC.length), SQLITE_MAGIC)) {
        throw new NotABackup(file + " is not an SQLite database");
      }
    }
    try {
      BackupDao.Contents contents = BackupDao.contents(file);
      if (!"ok".equals(contents.integrity())) {
        throw new NotABackup(file + " fails SQLite's integrity check: " + contents.integrity());
      }
      if (contents.bulwarkTables() != BackupDao.BULWARK_TABLES) {
        throw new NotABackup(file + " is an SQLite database but not a Bulwark backup");
      }
    } catch (SQLException e) {
      throw new NotABackup(file + " cannot be read as a database: " + e.getMessage());
    }
  }
}
