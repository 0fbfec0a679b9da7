package dev.bulwark.server.backup;

import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.audit.AuditLog;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code POST /api/v1/backup}: streams a consistent copy of the embedded database to an admin. */
public final class BackupRoutes {
  private final Database db;
  private final AuditLog audit;
  private final Path workDir;

  public BackupRoutes(Database db, AuditLog audit, Path dataDir) {
    this.db = db;
    this.audit = audit;
    this.workDir = dataDir.resolve("backup-tmp");
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
    Files.createDirectories(workDir);
    Path file = workDir.resolve("backup-" + call.requestId() + ".db");
    Files.deleteIfExists(file);
    try {
      Backups.snapshot(db, file);
      long size = Files.size(file);
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
                      Map.of("bytes", size)));
      call.ctx().contentType("application/vnd.sqlite3");
      call.ctx().header("Content-Disposition", "attachment; filename=\"bulwark-backup.db\"");
      try (InputStream in = Files.newInputStream(file)) {
        in.transferTo(call.ctx().outputStream());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
