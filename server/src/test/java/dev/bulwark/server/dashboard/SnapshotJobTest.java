package dev.bulwark.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.db.JobLock;
import dev.bulwark.server.findings.SlaPolicy;
import dev.bulwark.server.testing.MutableClock;
import dev.bulwark.server.testing.TestDatabases;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The snapshot job aggregates a day once: it records today only when today has no snapshot. */
class SnapshotJobTest {
  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void twoRunsOnOneDayRecordItOnceAndTheNextDayIsRecordedAgain(TestDatabases.Kind kind)
      throws Exception {
    try (var t = TestDatabases.open(kind, Files.createTempDirectory("bulwark-snapshots"))) {
      MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
      Dashboards dashboards = new Dashboards(t.db(), SlaPolicy.DEFAULTS, clock);
      SnapshotJob job = new SnapshotJob(dashboards, new JobLock(t.db(), clock));
      // A second node of the same deployment, as after a restart or beside this one.
      SnapshotJob other = new SnapshotJob(dashboards, new JobLock(t.db(), clock));

      assertThat(job.runIfDue()).as("start: today is missing").isTrue();
      clock.advance(Duration.ofHours(1));
      assertThat(job.runIfDue()).as("an hour later, the same day").isFalse();
      clock.advance(Duration.ofHours(12));
      assertThat(other.runIfDue()).as("another node, the same day").isFalse();
      assertThat(recordedAt(t)).containsExactly(Instant.parse("2026-11-27T10:00:00Z"));

      clock.advance(Duration.ofHours(1)); // 2026-11-28T00:00Z
      assertThat(other.runIfDue()).as("the next day").isTrue();
      assertThat(job.runIfDue()).isFalse();
      assertThat(recordedAt(t))
          .containsExactly(
              Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-28T00:00:00Z"));
    }
  }

  /** When each recorded day was recorded, oldest day first. */
  static List<Instant> recordedAt(TestDatabases.TestDb t) {
    return t.db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT recorded_at FROM dashboard_days ORDER BY day")
                    .mapTo(Long.class)
                    .map(Instant::ofEpochMilli)
                    .list());
  }
}
