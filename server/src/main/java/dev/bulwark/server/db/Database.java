package dev.bulwark.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.config.ServerConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one database of a server: a connection pool, the migrated schema and a {@link Jdbi}. On the
 * embedded SQLite default it also holds an exclusive lock on the data directory, so that a second
 * server or a restore cannot touch the same files while this one runs.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  public static final String SQLITE_FILE = "bulwark.db";
  public static final String LOCK_FILE = "bulwark.lock";

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final WriteBatcher writes;
  private final Dialect dialect;
  private final Path sqliteFile;
  private final DataDirLock lock;
  private java.util.concurrent.ScheduledExecutorService checkpointer;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Database(HikariDataSource ds, Dialect dialect, Path sqliteFile, DataDirLock lock) {
    this.dataSource = ds;
    this.dialect = dialect;
    this.sqliteFile = sqliteFile;
    this.lock = lock;
    this.jdbi = Jdbi.create(ds);
    this.writes =
        dialect == Dialect.SQLITE
            ? new WriteBatcher(
                jdbi,
                4000,
                h -> h.execute("PRAGMA synchronous=NORMAL"),
                h -> h.execute("PRAGMA synchronous=FULL"))
            : new WriteBatcher(
                jdbi,
                4000,
                h -> h.execute("SET synchronous_commit = off"),
                h -> h.execute("RESET synchronous_commit"));
  }

  public static Database open(ServerConfig config) {
    if (config.embedded()) {
      return openSqlite(config.dataDir());
    }
    return openPostgres(
        config.dbUrl().orElseThrow(),
        config.dbUser().orElse(null),
        config.dbPassword().map(ServerConfig.Secret::value).orElse(null),
        null);
  }

  /** Opens PostgreSQL; {@code schema} (may be null) keeps every table in that schema, for tests. */
  public static Database openPostgres(String url, String user, String password, String schema) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("bulwark-pg");
    hc.setJdbcUrl(url);
    if (user != null) {
      hc.setUsername(user);
    }
    if (password != null) {
      hc.setPassword(password);
    }
    if (schema != null) {
      hc.setSchema(schema);
    }
    hc.setMaximumPoolSize(16);
    // A JDBC batch of inserts goes as a few multi-row statements instead of one execution per
    // row: the bulk steps of heavy uploads stay short (docs/adr/0008).
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.setInitializationFailTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new UnreachableException(
          "cannot connect to PostgreSQL at "
              + ServerConfig.maskUrl(url)
              + ": "
              + ServerConfig.maskSecrets(rootMessage(e), url, password));
    }
    try {
      migrate(ds, Dialect.POSTGRESQL, schema);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds, Dialect.POSTGRESQL, null, null);
  }

  public static Database openSqlite(Path dataDir) {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Path file = dataDir.resolve(SQLITE_FILE);
      try {
        // SQLite creates the WAL and shared-memory files with the database file's mode, so a
        // database created 0600 here keeps all three private; files of older versions are
        // narrowed too.
        PrivateFiles.tree(dataDir);
        PrivateFiles.file(file);
      } catch (IOException e) {
        throw new ConfigException(
            "cannot make data directory " + dataDir + " private: " + e.getMessage());
      }
      HikariConfig hc = new HikariConfig();
      hc.setPoolName("bulwark-sqlite");
      hc.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
      // WAL lets readers run beside the one writer; FULL makes every commit durable (fsync);
      // a busy timeout queues writers instead of failing them; foreign keys are off by default.
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "FULL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("foreign_keys", "true");
      // Transactions take the write lock at BEGIN: a deferred transaction that reads and then
      // writes can fail with SQLITE_BUSY at once, ignoring the busy timeout.
      hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      // Checkpointing the WAL inside a commit stalls the one writer (a 1,000-entry batch took 56 ms
      // to commit instead of 18). The writer's connection only checkpoints when the WAL passes
      // 40 MB; a background task checkpoints passively every second (see startCheckpointer).
      hc.setConnectionInitSql("PRAGMA wal_autocheckpoint=10000");
      hc.setMaximumPoolSize(8);
      HikariDataSource ds = new HikariDataSource(hc);
      migrate(ds, Dialect.SQLITE, null);
      Database db = new Database(ds, Dialect.SQLITE, file, lock);
      db.startCheckpointer();
      return db;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static void migrate(HikariDataSource ds, Dialect dialect, String schema) {
    var fw =
        Flyway.configure()
            .dataSource(ds)
            .locations("classpath:db/migration")
            .placeholders(dialect.placeholders())
            .failOnMissingLocations(true);
    if (schema != null) {
      fw.schemas(schema).createSchemas(true);
    }
    var result = fw.load().migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info(
          "applied {} schema migrations, now at {}",
          result.migrationsExecuted,
          result.targetSchemaVersion);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Passive WAL checkpoints off the write path: they never block readers or the writer. */
  private void startCheckpointer() {
    checkpointer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bulwark-wal-checkpoint").unstarted(r));
    checkpointer.scheduleWithFixedDelay(
        () -> {
          try {
            jdbi.useHandle(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)").mapToMap().list());
          } catch (RuntimeException e) {
            LOG.debug("passive WAL checkpoint skipped: {}", e.getMessage());
          }
        },
        1,
        1,
        java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Whether the database answers a trivial query now (the readiness probe). */
  public boolean isUp() {
    try {
      return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * The one writer: run every state change through it (group commit, one transaction per batch).
   */
  public WriteBatcher writes() {
    return writes;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The SQLite file, or null on PostgreSQL. */
  public Path sqliteFile() {
    return sqliteFile;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    writes.close();
    if (checkpointer != null) {
      checkpointer.shutdownNow();
    }
    dataSource.close();
    if (lock != null) {
      lock.close();
    }
  }

  /** An OS-level exclusive lock on {@code DIR/bulwark.lock}, held for as long as a server runs. */
  public static final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /** Takes the lock or throws {@link DataDirInUseException} when another process holds it. */
    public static DataDirLock acquire(Path dataDir) {
      try {
        PrivateFiles.directory(dataDir);
        PrivateFiles.file(dataDir.resolve(LOCK_FILE));
        FileChannel ch =
            FileChannel.open(
                dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null;
        }
        if (l == null) {
          ch.close();
          throw new DataDirInUseException(dataDir);
        }
        return new DataDirLock(ch, l);
      } catch (IOException e) {
        throw new ConfigException("cannot use data directory " + dataDir + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        LOG.warn("could not release the data directory lock: {}", e.getMessage());
      }
    }
  }

  /** The database did not answer, or refused the connection (a start exits 3, not 2). */
  public static final class UnreachableException extends ConfigException {
    public UnreachableException(String message) {
      super(message);
    }
  }

  /** Another Bulwark process (a running server or a restore) holds the data directory. */
  public static final class DataDirInUseException extends ConfigException {
    public DataDirInUseException(Path dir) {
      super(
          "data directory "
              + dir
              + " is in use by a running Bulwark server (lock file "
              + dir.resolve(LOCK_FILE)
              + ")");
    }
  }
}
