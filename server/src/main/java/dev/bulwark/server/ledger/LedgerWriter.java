package dev.bulwark.server.ledger;

import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.ledger.TreeBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's one writer of derived data: folds appended entries into the Merkle tree (storing
 * every perfect-subtree node) and publishes signed checkpoints every {@code every} entries or
 * {@code interval}, whichever comes first. Entries themselves are appended by the changes they
 * record, in the same transactions. Each batch is one transaction that first locks the 'hashed'
 * row, so two server nodes on one PostgreSQL never hash the same entries; a node that finds the
 * tree moved on rebuilds its frontier from the stored nodes.
 */
public final class LedgerWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
  private static final int BATCH = 20_000;

  private final LedgerStore store;
  private final NoteKey.Signer key;
  private final Clock clock;
  private final int every;
  private final Duration interval;
  private final Object signal = new Object();
  private volatile boolean running;
  private Thread thread;
  private TreeBuilder builder;
  private volatile String lastError;
  private volatile boolean forceCheckpoint;

  public LedgerWriter(
      LedgerStore store, NoteKey.Signer key, Clock clock, int every, Duration interval) {
    this.store = store;
    this.key = key;
    this.clock = clock;
    this.every = every;
    this.interval = interval;
  }

  public NoteKey.Signer key() {
    return key;
  }

  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("bulwark-ledger-writer").start(this::loop);
  }

  /**
   * The ledger has {@code size} entries, committed; {@code hashed} when the change's own
   * transaction folded them into the tree (a write batch does). Wakes the writer only when there is
   * hashing to do or that many entries call for a checkpoint (the interval is the poll's business):
   * a wake on every change cost each gate decision on PostgreSQL a query on a second connection.
   */
  public void appended(long size, boolean hashed) {
    if (!hashed || size - knownCheckpoint >= every) {
      nudge();
    }
  }

  /** The size of the last checkpoint the writer saw: a stale value only causes an extra wake. */
  private volatile long knownCheckpoint;

  /** Wakes the writer: new entries were appended. */
  public void nudge() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (running) {
      boolean progressed;
      try {
        progressed = runOnce();
        lastError = null;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        if (!String.valueOf(e.getMessage()).equals(lastError)) {
          LOG.error("ledger writer failed; retrying", e);
        }
        lastError = String.valueOf(e.getMessage());
        builder = null;
        progressed = false;
      }
      if (!progressed) {
        synchronized (signal) {
          try {
            signal.wait(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /**
   * Hashes one batch and publishes a checkpoint when one is due. Returns true when it did anything.
   * Package-visible so tests and the benchmark can drive it synchronously.
   */
  public synchronized boolean runOnce() {
    // Looked at first without a transaction: on SQLite a transaction takes the one write lock at
    // BEGIN, and a writer that finds it taken sleeps in the busy handler (1, 2, 5 ms ...). Polling
    // every 100 ms, this writer would otherwise hold up the next change for nothing (changes in a
    // write batch hash their own entries). The transaction below checks again under the lock.
    if (!workDue()) {
      return false;
    }
    return store
        .jdbi()
        .inTransaction(
            h -> {
              long hashed = store.hashedForUpdate(h);
              long size = store.size(h);
              if (builder == null || builder.size() != hashed) {
                builder = TreeBuilder.resume(hashed, store.nodeSource(h));
              }
              boolean did = false;
              if (size > hashed) {
                long to = Math.min(size, hashed + BATCH);
                List<LedgerStore.Stored> entries = store.entries(h, hashed, to);
                List<TreeBuilder.Node> nodes = new ArrayList<>(entries.size() * 2);
                long expected = hashed;
                TreeBuilder work = TreeBuilder.resume(hashed, store.nodeSource(h));
                for (LedgerStore.Stored e : entries) {
                  if (e.index() != expected) {
                    throw new IllegalStateException(
                        "ledger entry "
                            + expected
                            + " is missing; the writer cannot go on until it is restored");
                  }
                  nodes.addAll(work.append(Hashes.leaf(e.bytes())));
                  expected++;
                }
                if (expected != to) {
                  throw new IllegalStateException(
                      "ledger entry "
                          + expected
                          + " is missing; the writer cannot go on until it is restored");
                }
                store.putNodes(h, nodes);
                store.setHashed(h, to);
                builder = work;
                hashed = to;
                did = true;
              }
              var last = store.lastCheckpoint(h);
              Instant now = clock.instant();
              if (checkpointDue(hashed, last)) {
                String note =
                    SignedNote.sign(new Checkpoint(key.name(), hashed, builder.root()), key);
                store.putCheckpoint(h, hashed, now, note);
                knownCheckpoint = hashed;
                did = true;
                if (hashed == size) {
                  forceCheckpoint = false;
                }
              }
              return did;
            });
  }

  /**
   * Whether there are entries to hash or a checkpoint is due, read without taking a lock, in one
   * query: it runs after every change.
   */
  private boolean workDue() {
    LedgerStore.Progress p = store.progress();
    if (p.size() > p.hashed()) {
      return true;
    }
    knownCheckpoint = p.lastCheckpoint().map(last -> last[0]).orElse(0L);
    return checkpointDue(p.hashed(), p.lastCheckpoint());
  }

  private boolean checkpointDue(long hashed, java.util.Optional<long[]> last) {
    if (last.isEmpty()) {
      return true;
    }
    if (forceCheckpoint && hashed > last.get()[0]) {
      return true;
    }
    return hashed > last.get()[0]
        && (hashed - last.get()[0] >= every
            || Duration.ofMillis(clock.instant().toEpochMilli() - last.get()[1]).compareTo(interval)
                >= 0);
  }

  /**
   * Waits until every entry appended so far is hashed and covered by a checkpoint, publishing one
   * out of turn if needed. For tests and tools that need a checkpoint now.
   */
  public void awaitCheckpointed(Duration timeout) throws InterruptedException {
    forceCheckpoint = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long size = store.size();
      if (store.hashed() == size && store.checkpoints().stream().anyMatch(c -> c.size() == size)) {
        return;
      }
      // Set again every round: a batch that started before we asked may clear the request after
      // checkpointing a size below the one we wait for.
      forceCheckpoint = true;
      nudge();
      Thread.sleep(10);
    }
    throw new IllegalStateException(
        "the ledger writer did not catch up in "
            + timeout
            + (lastError == null ? "" : ": " + lastError));
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
