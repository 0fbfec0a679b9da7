package dev.bulwark.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The writer's fairness as an ordering, not a latency (issue 12, repro 6; the latency under heavy
 * uploads is {@code bench/run fairwrites}): an ordinary change queued behind a heavy operation's
 * bulk steps waits for at most the step that is running.
 */
class WriteBatcherTest {
  @Test
  void anOrdinaryChangeOvertakesQueuedBulkStepsAndWaitsForAtMostTheRunningOne() throws Exception {
    Jdbi jdbi =
        Jdbi.create("jdbc:sqlite:" + Files.createTempDirectory("bulwark-writer").resolve("w.db"));
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (WriteBatcher writes = new WriteBatcher(jdbi, 64)) {
      CompletableFuture<Void> running =
          CompletableFuture.runAsync(
              () ->
                  writes.inBulkTransaction(
                      h -> {
                        order.add("bulk step 1");
                        inside.countDown();
                        await(release);
                        return null;
                      }));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      // Two more bulk steps queue while the first holds the writer; each caller then waits.
      List<Thread> queued = new ArrayList<>();
      for (int i = 2; i <= 3; i++) {
        String name = "bulk step " + i;
        Thread t =
            Thread.ofPlatform()
                .start(
                    () ->
                        writes.inBulkTransaction(
                            h -> {
                              order.add(name);
                              return null;
                            }));
        while (t.getState() != Thread.State.WAITING) {
          Thread.onSpinWait(); // queued, and waiting for its result
        }
        queued.add(t);
      }
      CompletableFuture<Object> ordinary =
          writes.submit(
              h -> {
                order.add("ordinary");
                return null;
              });
      assertThat(ordinary).isNotDone();
      release.countDown();
      ordinary.get(30, TimeUnit.SECONDS);
      running.get(30, TimeUnit.SECONDS);
      for (Thread t : queued) {
        t.join();
      }
    }
    assertThat(order).containsExactly("bulk step 1", "ordinary", "bulk step 2", "bulk step 3");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
