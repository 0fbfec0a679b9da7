package dev.bulwark.bench;

import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.InMemoryTree;
import dev.bulwark.ledger.LedgerEntry;
import dev.bulwark.ledger.LogVerifier;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.ledger.Ledger;
import dev.bulwark.server.ledger.LedgerStore;
import dev.bulwark.server.ledger.LedgerWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmarks of the ledger (issue 4), on the embedded SQLite store with durable commits (WAL,
 * synchronous=FULL).
 *
 * <ul>
 *   <li>{@code appends DIR SECONDS PRODUCERS}: producers each append one entry per change through
 *       the one batching writer, as the audit log does; counts acknowledged (committed) appends per
 *       second while the ledger writer hashes them and publishes checkpoints.
 *   <li>{@code proofs DIR ENTRIES}: fills a ledger of ENTRIES entries (in large transactions), lets
 *       the writer hash it, then times inclusion proofs read from the stored nodes.
 *   <li>{@code verify ENTRIES}: full verification (what {@code bulwark ledger verify} does after
 *       fetching): recompute every leaf, the tree and a checkpoint; leaves per second.
 * </ul>
 */
public final class LedgerBench {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "appends" ->
          appends(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "proofs" -> proofs(Path.of(args[1]), Long.parseLong(args[2]));
      case "verify" -> verify(Integer.parseInt(args[1]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static LedgerStore.Draft draft(long i) {
    return new LedgerStore.Draft(
        Instant.parse("2026-11-27T10:00:00Z").plusMillis(i),
        "token:tok_bench",
        "gate.decision",
        Map.of(
            "kind",
            "release",
            "id",
            "svc-" + (i % 1000) + "@1.0." + (i % 97),
            "service",
            "svc-" + (i % 1000),
            "environment",
            "prod"),
        "req-" + i,
        null,
        "sha256:" + "ab".repeat(32),
        "{\"decision\":\"allow\"}");
  }

  static void appends(Path dir, int seconds, int producers) throws Exception {
    Files.createDirectories(dir);
    try (Database db = Database.openSqlite(dir)) {
      LedgerStore store = new LedgerStore(db.jdbi(), db.dialect());
      NoteKey.Signer key = NoteKey.generate("bench.local/ledger");
      try (LedgerWriter writer =
          new LedgerWriter(store, key, Clock.systemUTC(), 10_000, Duration.ofSeconds(5))) {
        if (!Boolean.getBoolean("bench.noWriter")) {
          writer.start();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acked = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (int p = 0; p < producers; p++) {
          pool.submit(
              () -> {
                while (!stop.get()) {
                  long i = seq.getAndIncrement();
                  db.writes().inTransaction(h -> store.append(h, List.of(draft(i))));
                  acked.incrementAndGet();
                }
                return null;
              });
        }
        Thread.sleep(3000); // warm-up
        List<Double> rates = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
          long a0 = acked.get();
          long t0 = System.nanoTime();
          Thread.sleep(1000);
          rates.add((acked.get() - a0) / ((System.nanoTime() - t0) / 1e9));
        }
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        long size = store.size();
        long lag = size - store.hashed();
        if (!Boolean.getBoolean("bench.noWriter")) {
          writer.awaitCheckpointed(Duration.ofMinutes(5));
        }
        Collections.sort(rates);
        System.out.printf(
            "durable appends, %d producers: median %.0f /s (min %.0f, max %.0f) over %d one-second windows; %d entries, writer lag at stop %d entries, %d checkpoints%n",
            producers,
            rates.get(rates.size() / 2),
            rates.get(0),
            rates.get(rates.size() - 1),
            rates.size(),
            size,
            lag,
            store.checkpoints().size());
      }
    }
  }

  static void proofs(Path dir, long entries) throws Exception {
    Files.createDirectories(dir);
    try (Database db = Database.openSqlite(dir)) {
      LedgerStore store = new LedgerStore(db.jdbi(), db.dialect());
      NoteKey.Signer key = NoteKey.generate("bench.local/ledger");
      long have = store.size();
      long t0 = System.nanoTime();
      for (long start = have; start < entries; start += 50_000) {
        long from = start;
        long to = Math.min(entries, start + 50_000);
        db.writes()
            .inTransaction(
                h -> {
                  List<LedgerStore.Draft> batch = new ArrayList<>();
                  for (long i = from; i < to; i++) {
                    batch.add(draft(i));
                  }
                  return store.append(h, batch);
                });
      }
      long t1 = System.nanoTime();
      try (LedgerWriter writer =
          new LedgerWriter(store, key, Clock.systemUTC(), 1_000_000, Duration.ofHours(1))) {
        while (writer.runOnce()) {
          // hash everything
        }
        writer.awaitCheckpointed(Duration.ofMinutes(30));
      }
      long t2 = System.nanoTime();
      if (have < entries) {
        System.out.printf(
            "filled %d entries in %.0f s and hashed them in %.0f s%n",
            entries - have, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
      }
      long size = store.hashed();
      Ledger ledger = new Ledger(store);
      byte[] root = ledger.root(size);
      Random rnd = new Random(1);
      List<Double> micros = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        long index = (long) (rnd.nextDouble() * size);
        long s0 = System.nanoTime();
        List<byte[]> proof = ledger.inclusionProof(index, size);
        double us = (System.nanoTime() - s0) / 1e3;
        if (i >= 1000) {
          micros.add(us);
        }
        if (i % 500 == 0) {
          byte[] leaf = Hashes.leaf(store.entries(index, index + 1).get(0).bytes());
          if (!MerkleTree.verifyInclusion(leaf, index, size, proof, root)) {
            throw new IllegalStateException("a proof did not verify");
          }
        }
      }
      Collections.sort(micros);
      System.out.printf(
          "inclusion proof at %d entries (%d hashes each): median %.0f us, p99 %.0f us, max %.0f us over %d random indexes%n",
          size,
          MerkleTree.inclusionProof((l, i) -> new byte[32], 0, size).size(),
          micros.get(micros.size() / 2),
          micros.get((int) (micros.size() * 0.99)),
          micros.get(micros.size() - 1),
          micros.size());
    }
  }

  static void verify(int n) {
    List<LogVerifier.FetchedEntry> entries = new ArrayList<>(n);
    List<byte[]> leaves = new ArrayList<>(n);
    InMemoryTree reference = new InMemoryTree();
    for (int i = 0; i < n; i++) {
      LedgerStore.Draft d = draft(i);
      String canonical =
          new String(
              new LedgerEntry(
                      i,
                      d.time(),
                      d.actor(),
                      d.action(),
                      d.subject(),
                      d.requestId(),
                      d.beforeDigest(),
                      d.afterDigest())
                  .canonicalBytes(),
              StandardCharsets.UTF_8);
      entries.add(new LogVerifier.FetchedEntry(i, canonical));
      byte[] leaf = Hashes.leaf(canonical.getBytes(StandardCharsets.UTF_8));
      leaves.add(leaf);
      reference.append(leaf);
    }
    NoteKey.Signer key = NoteKey.generate("bench.local/ledger");
    String note =
        dev.bulwark.ledger.SignedNote.sign(
            new dev.bulwark.ledger.Checkpoint("bench.local/ledger", n, reference.root()), key);
    List<Double> rates = new ArrayList<>();
    for (int round = 0; round < 7; round++) {
      long t0 = System.nanoTime();
      LogVerifier.Result r = LogVerifier.verify(entries, leaves, List.of(note), key.verifier());
      double secs = (System.nanoTime() - t0) / 1e9;
      if (!(r instanceof LogVerifier.Result.Valid)) {
        throw new IllegalStateException(r.toString());
      }
      if (round >= 2) {
        rates.add(n / secs);
      }
    }
    Collections.sort(rates);
    System.out.printf(
        "full verification of %d entries (leaf per entry, tree, checkpoint): median %.0f leaves/s (min %.0f, max %.0f) over %d runs%n",
        n, rates.get(rates.size() / 2), rates.get(0), rates.get(rates.size() - 1), rates.size());
  }
}
