package dev.bulwark.server.backup;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Backups of the embedded database. A backup is SQLite's {@code VACUUM INTO}: one read transaction,
 * so it is a consistent snapshot taken while writers go on, and a compact, valid database file. A
 * restore checks the file first and keeps the data it replaces.
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
   * Restores {@code backup} into {@code dataDir}. Refuses (with {@link
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
