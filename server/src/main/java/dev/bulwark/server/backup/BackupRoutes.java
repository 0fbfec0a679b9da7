package dev.bulwark.server.backup;

import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.audit.Affects;
import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.db.PrivateFiles;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/backup}: streams a backup archive ({@link BackupArchive}) of the embedded
 * database to an admin, with the ledger signing key and the webhook secrets key unless {@code
 * ?keys=omit}: a restored ledger verifies only with its key. The archive's file is named by the
 * server (never after anything the client sent), backups are taken one at a time, and the snapshot
 * is checked as a restore would check it before the first byte goes out.
 */
public final class BackupRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRoutes.class);

  private final Database db;
  private final AuditLog audit;
  private final Path workDir;
  private final BackupArchive.KeyFiles keys;
  private final Clock clock;
  private final ReentrantLock oneAtATime = new ReentrantLock(true);

  public BackupRoutes(Database db, AuditLog audit, Clock clock, Path dataDir, Path ledgerKeyFile) {
    this.clock = clock;
    this.db = db;
    this.audit = audit;
    this.workDir = dataDir.resolve("backup-tmp");
    this.keys = BackupArchive.KeyFiles.beside(ledgerKeyFile);
  }

  public List<ApiRoute> routes() {
    return List.of(post("/api/v1/backup", Permission.BACKUP, this::backup));
  }

  private void backup(Call call) throws Exception {
    if (db.sqliteFile() == null) {
      throw new ApiException(
          501,
          "Not Implemented",
          "this server runs on PostgreSQL; back it up with pg_dump or your database's own backups");
    }
    String keysParam = call.query("keys");
    boolean withKeys;
    if (keysParam == null || keysParam.equals("include")) {
      withKeys = true;
    } else if (keysParam.equals("omit")) {
      withKeys = false;
    } else {
      throw new ApiException(400, "Bad Request", "keys is include (the default) or omit");
    }
    PrivateFiles.directory(workDir);
    Path file = workDir.resolve("backup-" + UUID.randomUUID() + ".zip");
    BackupArchive.Manifest manifest;
    try {
      long size;
      // One snapshot at a time: each is a full copy of the database, and two at once only
      // compete for the same disk.
      oneAtATime.lockInterruptibly();
      try {
        try {
          manifest = BackupArchive.write(db, keys, withKeys, file, workDir, clock);
        } catch (Backups.NotABackup e) {
          LOG.error(
              "request {}: the backup failed its check: {}", call.requestId(), e.getMessage());
          throw new ApiException(
              500,
              "Internal Server Error",
              "the backup failed its integrity check and was not sent; quote the request id when"
                  + " reporting it");
        }
        size = Files.size(file);
      } finally {
        oneAtATime.unlock();
      }
      // Audited after the snapshot, so the backup does not contain its own record.
      db.writes()
          .inTransactionDo(
              h ->
                  audit.record(
                      h,
                      call.principal(),
                      call.requestId(),
                      "backup.create",
                      "database",
                      "embedded",
                      null,
                      Map.of("bytes", size, "keys", withKeys),
                      Affects.none()));
      call.ctx().contentType("application/zip");
      call.ctx().header("Content-Disposition", "attachment; filename=\"bulwark-backup.zip\"");
      call.ctx().header("X-Bulwark-Ledger-Key-Id", String.valueOf(manifest.ledgerKeyId()));
      try (InputStream in = Files.newInputStream(file)) {
        in.transferTo(call.ctx().outputStream());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
