package dev.bulwark.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer: every state change runs here, many to a transaction (group commit), each in its
 * own savepoint so one failing change does not undo the others. A caller gets its result only after
 * the transaction holding its change has committed durably. On SQLite, which has one writer anyway,
 * this turns one fsync per change into one per batch; the ledger entry of each change is written in
 * the same transaction as the change.
 */
public final class WriteBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBatcher.class);

  /** {@code staged}: a bulk step whose rows no reader sees until a later change publishes them. */
  private record Work<T>(
      Function<Handle, T> body, CompletableFuture<T> result, boolean bulk, boolean staged) {
    Work(Function<Handle, T> body, CompletableFuture<T> result) {
      this(body, result, false, false);
    }
  }

  private final Jdbi jdbi;
  private final int maxBatch;
  private final LinkedBlockingQueue<Work<?>> queue = new LinkedBlockingQueue<>();
  private static final ThreadLocal<Batch> CURRENT = new ThreadLocal<>();
  private final ThreadLocal<Handle> current = new ThreadLocal<>();

  /**
   * The transaction of a batch, as changes running in it see it: work may be deferred to just
   * before the commit (one multi-row insert instead of one per change), but only on the fast path,
   * where the batch commits or fails as a whole.
   */
  public static final class Batch {
    private final Handle handle;
    private final boolean deferrable;
    private final java.util.LinkedHashMap<String, Runnable> beforeCommit =
        new java.util.LinkedHashMap<>();
    private final java.util.HashMap<String, Object> attributes = new java.util.HashMap<>();
    private final java.util.LinkedHashMap<String, Runnable> afterCommit =
        new java.util.LinkedHashMap<>();

    Batch(Handle handle, boolean deferrable) {
      this.handle = handle;
      this.deferrable = deferrable;
    }

    public boolean deferrable() {
      return deferrable;
    }

    /** Runs {@code action} once, after every change of the batch and before the commit. */
    public void beforeCommit(String key, Runnable action) {
      beforeCommit.putIfAbsent(key, action);
    }

    /**
     * Runs {@code action} once, after the batch's transaction committed (never if it rolled back),
     * on the writer thread: for telling others about what is now visible.
     */
    public void afterCommit(String key, Runnable action) {
      afterCommit.putIfAbsent(key, action);
    }

    void committed() {
      for (Runnable r : afterCommit.values()) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("an after-commit action failed", e);
        }
      }
    }

    @SuppressWarnings("unchecked")
    public <T> T attribute(String key, java.util.function.Supplier<T> initial) {
      return (T) attributes.computeIfAbsent(key, k -> initial.get());
    }

    void flush() {
      // Actions may register more actions (none do today); run until none are left.
      while (!beforeCommit.isEmpty()) {
        var first = beforeCommit.entrySet().iterator().next();
        beforeCommit.remove(first.getKey());
        first.getValue().run();
      }
    }
  }

  /** The batch whose transaction {@code h} is, if any. */
  public static java.util.Optional<Batch> batchOf(Handle h) {
    Batch b = CURRENT.get();
    return b != null && b.handle == h ? java.util.Optional.of(b) : java.util.Optional.empty();
  }

  private final Thread thread;
  private volatile boolean running = true;

  public WriteBatcher(Jdbi jdbi, int maxBatch) {
    this(jdbi, maxBatch, null, null);
  }

  /**
   * Statements run on the connection around each staged bulk step (outside its transaction): what
   * the database needs to commit such a step without waiting for the disk.
   */
  private final java.util.function.Consumer<Handle> beforeBulk;

  private final java.util.function.Consumer<Handle> afterBulk;

  /**
   * {@code beforeBulk} and {@code afterBulk} run on a staged bulk step's connection before its
   * transaction begins and after it ends (docs/adr/0008).
   */
  public WriteBatcher(
      Jdbi jdbi,
      int maxBatch,
      java.util.function.Consumer<Handle> beforeBulk,
      java.util.function.Consumer<Handle> afterBulk) {
    this.beforeBulk = beforeBulk;
    this.afterBulk = afterBulk;
    this.jdbi = jdbi;
    this.maxBatch = maxBatch;
    this.thread = Thread.ofPlatform().daemon().name("bulwark-writer").start(this::loop);
  }

  /** Runs {@code body} in a write transaction and returns its result once that has committed. */
  public <T> T inTransaction(Function<Handle, T> body) {
    Handle h = current.get();
    if (h != null) {
      return body.apply(
          h); // already inside a batch (a change that makes another): same transaction
    }
    if (!running) {
      throw new IllegalStateException("the writer is stopped");
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(new Work<>(body, f));
    return await(f);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a write", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Runs {@code body}, one bounded step of a heavy operation (an SBOM's rows, a catalog import's
   * batch), in a transaction of its own and returns its result once that has committed. Between two
   * bulk steps the writer first runs every ordinary change that queued meanwhile, so an ordinary
   * change waits for at most one bulk step, however many heavy operations are running.
   */
  public <T> T inBulkTransaction(Function<Handle, T> body) {
    return bulk(body, false);
  }

  /**
   * {@link #inBulkTransaction} for a step whose rows no reader sees until a later ordinary change
   * publishes them: its commit need not wait for the disk, since the publishing change's durable
   * commit flushes the log up to it, this step's records included.
   */
  public <T> T inStagedBulkTransaction(Function<Handle, T> body) {
    return bulk(body, true);
  }

  private <T> T bulk(Function<Handle, T> body, boolean staged) {
    if (current.get() != null) {
      throw new IllegalStateException("a bulk step cannot run inside another change");
    }
    if (!running) {
      throw new IllegalStateException("the writer is stopped");
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(new Work<>(body, f, true, staged));
    return await(f);
  }

  /**
   * Queues {@code body} without waiting: the future completes after the commit of its batch. For
   * callers that pipeline many changes (the ledger benchmark, bulk imports of events).
   */
  public <T> CompletableFuture<T> submit(Function<Handle, T> body) {
    if (!running) {
      return CompletableFuture.failedFuture(new IllegalStateException("the writer is stopped"));
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(new Work<>(body, f));
    return f;
  }

  public void inTransactionDo(java.util.function.Consumer<Handle> body) {
    inTransaction(
        h -> {
          body.accept(h);
          return null;
        });
  }

  private void loop() {
    List<Work<?>> drained = new ArrayList<>(maxBatch);
    List<Work<?>> batch = new ArrayList<>(maxBatch);
    // Bulk steps wait here, in arrival order, while ordinary changes go first.
    java.util.ArrayDeque<Work<?>> bulk = new java.util.ArrayDeque<>();
    while (running || !queue.isEmpty() || !bulk.isEmpty()) {
      try {
        Work<?> first =
            bulk.isEmpty()
                ? queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)
                : queue.poll();
        if (first != null) {
          drained.add(first);
          queue.drainTo(drained, maxBatch - 1);
        }
        for (Work<?> w : drained) {
          (w.bulk() ? bulk : batch).add(w);
        }
        drained.clear();
        if (!batch.isEmpty()) {
          run(batch);
          batch.clear();
        }
        Work<?> step = bulk.poll();
        if (step != null) {
          batch.add(step);
          run(batch);
        }
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.error("write batch failed", e);
        for (Work<?> w : batch) {
          w.result().completeExceptionally(e);
        }
      } finally {
        batch.clear();
      }
    }
    for (Work<?> w : bulk) {
      w.result().completeExceptionally(new IllegalStateException("the server is stopping"));
    }
  }

  /**
   * Runs a batch. Fast path: every change in one transaction without savepoints. If any change
   * fails, that transaction is rolled back and the batch runs again with a savepoint per change, so
   * the failing one is undone alone. Changes are deterministic over the database, so the rerun
   * reaches the same outcome; only then are callers told.
   */
  private void run(List<Work<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    Batch[] ran = new Batch[1];
    try {
      transaction(
          batch.get(0).staged(),
          h -> {
            current.set(h);
            Batch b = new Batch(h, true);
            ran[0] = b;
            CURRENT.set(b);
            try {
              for (Work<?> w : batch) {
                results.add(w.body().apply(h));
              }
              b.flush();
            } finally {
              current.remove();
              CURRENT.remove();
            }
          });
    } catch (RuntimeException | Error firstFailure) {
      if (batch.size() == 1) {
        batch.get(0).result().completeExceptionally(unwrap(firstFailure));
        return;
      }
      runIsolated(batch);
      return;
    }
    ran[0].committed();
    complete(batch, results, null);
  }

  private void transaction(boolean staged, org.jdbi.v3.core.HandleConsumer<RuntimeException> body) {
    if (!staged || beforeBulk == null) {
      jdbi.useTransaction(body);
      return;
    }
    jdbi.useHandle(
        h -> {
          beforeBulk.accept(h);
          try {
            h.useTransaction(body);
          } finally {
            afterBulk.accept(h);
          }
        });
  }

  /** Jdbi wraps exceptions thrown inside a transaction callback only when they are checked. */
  private static Throwable unwrap(Throwable t) {
    return t;
  }

  private void runIsolated(List<Work<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    List<Boolean> ok = new ArrayList<>(batch.size());
    Batch[] ran = new Batch[1];
    transaction(
        false,
        h -> {
          current.set(h);
          Batch b = new Batch(h, false);
          ran[0] = b;
          CURRENT.set(b);
          try {
            for (int i = 0; i < batch.size(); i++) {
              Work<?> w = batch.get(i);
              String sp = "w" + i;
              h.savepoint(sp);
              try {
                results.add(w.body().apply(h));
                h.releaseSavepoint(sp);
                ok.add(true);
              } catch (RuntimeException | Error e) {
                h.rollbackToSavepoint(sp);
                results.add(e);
                ok.add(false);
              }
            }
            b.flush();
          } finally {
            current.remove();
            CURRENT.remove();
          }
        });
    ran[0].committed();
    complete(batch, results, ok);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void complete(List<Work<?>> batch, List<Object> results, List<Boolean> ok) {
    // Committed: now every caller may learn its outcome.
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture f = batch.get(i).result();
      if (ok == null || ok.get(i)) {
        f.complete(results.get(i));
      } else {
        f.completeExceptionally((Throwable) results.get(i));
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Work<?> w;
    while ((w = queue.poll()) != null) {
      w.result().completeExceptionally(new IllegalStateException("the server is stopping"));
    }
  }
}
