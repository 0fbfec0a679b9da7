package dev.bulwark.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.MutableClock;
import dev.bulwark.server.testing.TestDatabases;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two nodes sharing one database never run the same job in the same period. */
class JobLockTest {
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration LEASE = Duration.ofMinutes(10);

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void oneNodePerPeriodAndAnExpiredLeaseIsTakenOver(TestDatabases.Kind kind) throws Exception {
    try (var t = TestDatabases.open(kind, Files.createTempDirectory("bulwark-jobs"))) {
      MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
      JobLock a = new JobLock(t.db(), clock);
      JobLock b = new JobLock(t.db(), clock);

      Optional<JobLock.Claim> first = a.claim("sync", "node-a", HOUR, LEASE);
      assertThat(first).isPresent();
      assertThat(b.claim("sync", "node-b", HOUR, LEASE)).as("held by node-a").isEmpty();
      assertThat(b.claim("other", "node-b", HOUR, LEASE)).as("jobs are independent").isPresent();
      assertThat(a.finish(first.get())).isTrue();
      assertThat(b.claim("sync", "node-b", HOUR, LEASE)).as("ran less than an hour ago").isEmpty();

      clock.advance(HOUR);
      Optional<JobLock.Claim> second = b.claim("sync", "node-b", HOUR, LEASE);
      assertThat(second).isPresent();
      // node-b dies without finishing: after the lease, node-a takes over; node-b's late finish
      // no longer counts.
      assertThat(a.claim("sync", "node-a", HOUR, LEASE)).isEmpty();
      clock.advance(LEASE.plusSeconds(1));
      Optional<JobLock.Claim> takeover = a.claim("sync", "node-a", HOUR, LEASE);
      assertThat(takeover).isPresent();
      assertThat(b.finish(second.get())).isFalse();
      assertThat(a.finish(takeover.get())).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void concurrentClaimsFromTwoNodesHaveOneWinner(TestDatabases.Kind kind) throws Exception {
    var dir = Files.createTempDirectory("bulwark-jobs");
    try (var t = TestDatabases.open(kind, dir);
        Database second =
            kind == TestDatabases.Kind.POSTGRESQL ? TestDatabases.secondPostgresNode(t) : null) {
      // On PostgreSQL half the claimers are a second node with its own pool; SQLite is one node.
      Database other = second == null ? t.db() : second;
      MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        for (int round = 0; round < 20; round++) {
          List<Callable<Boolean>> nodes = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            int n = i;
            String node = "node-" + n;
            nodes.add(
                () ->
                    new JobLock(n % 2 == 0 ? t.db() : other, clock)
                        .claim("race", node, HOUR, LEASE)
                        .isPresent());
          }
          int winners = 0;
          for (Future<Boolean> f : pool.invokeAll(nodes)) {
            winners += f.get() ? 1 : 0;
          }
          assertThat(winners).as("round %d", round).isEqualTo(1);
          clock.advance(HOUR.plus(LEASE));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
