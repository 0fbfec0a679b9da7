package dev.bulwark.server.advisories;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.db.Database;
import dev.bulwark.server.testing.MutableClock;
import dev.bulwark.server.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes' advisory indexes over one database, in one process: a sync on one is reloaded by the
 * other's poll, a node with other sources says so, a failed reload keeps the old index and is
 * retried, and a node starting later loads the current sources. On PostgreSQL the second node has
 * its own connection pool; SQLite has one node, whose own syncs the poll ignores.
 */
class AdvisoryFollowerTest {
  @TempDir Path dir;

  static void copy(String resource, Path to) throws IOException {
    try (var in = AdvisoryFollowerTest.class.getResourceAsStream(resource)) {
      Files.write(to, in.readAllBytes());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aSyncOnOneNodeIsReloadedByTheOther(TestDatabases.Kind kind) throws Exception {
    Path srcA = Files.createDirectories(dir.resolve("a"));
    Path srcB = Files.createDirectories(dir.resolve("b"));
    copy("/osv/GO-2020-0001.json", srcA.resolve("GO-2020-0001.json"));
    // The same record under another name: the stamp names records, not files.
    copy("/osv/GO-2020-0001.json", srcB.resolve("gin.json"));
    MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    try (var t = TestDatabases.open(kind, dir.resolve("db"));
        Database second =
            kind == TestDatabases.Kind.POSTGRESQL ? TestDatabases.secondPostgresNode(t) : null) {
      Database other = second == null ? t.db() : second;
      Advisories a = new Advisories(List.of(srcA));
      Advisories b = new Advisories(List.of(srcB));
      AdvisoryFollower fa = new AdvisoryFollower(a, t.db(), clock);
      AdvisoryFollower fb = new AdvisoryFollower(b, other, clock);
      fa.loadAtStart();
      fb.loadAtStart();
      assertThat(a.stamp()).isEqualTo(b.stamp()).startsWith("1:");
      assertThat(fa.seen()).isZero();

      // Upstream publishes a record; both nodes' sources get it, node A syncs.
      copy("/osv/GO-2022-0493.json", srcA.resolve("GO-2022-0493.json"));
      copy("/osv/GO-2022-0493.json", srcB.resolve("GO-2022-0493.json"));
      assertThat(a.load().changedIds()).containsExactly("GO-2022-0493");
      assertThat(fa.seen()).as("its own announcement").isEqualTo(1);
      assertThat(b.index().size()).as("before node B polls").isEqualTo(1);
      fb.poll();
      assertThat(b.index().size()).isEqualTo(2);
      assertThat(b.stamp()).isEqualTo(a.stamp());
      assertThat(fb.seen()).isEqualTo(1);
      fb.poll(); // nothing new: nothing reloaded
      assertThat(fb.seen()).isEqualTo(1);

      // Node A's sources hold a record node B's do not: node B reloads what it has, and the
      // stamps differ (its log names both).
      copy("/osv-webhooks/BULWARK-TEST-0001.json", srcA.resolve("BULWARK-TEST-0001.json"));
      a.load();
      fb.poll();
      assertThat(fb.seen()).isEqualTo(2);
      assertThat(b.index().size()).isEqualTo(2);
      assertThat(b.stamp()).isNotEqualTo(a.stamp());
      assertThat(a.stamp()).startsWith("3:");

      // A reload that fails keeps node B's index, and the next poll tries again.
      copy("/osv-webhooks/BULWARK-TEST-0001.json", srcB.resolve("BULWARK-TEST-0001.json"));
      Files.writeString(srcB.resolve("broken.json"), "{\"id\": ");
      a.load();
      fb.poll();
      assertThat(fb.seen()).as("not reloaded").isEqualTo(2);
      assertThat(b.index().size()).isEqualTo(2);
      Files.delete(srcB.resolve("broken.json"));
      fb.poll();
      assertThat(fb.seen()).isEqualTo(3);
      assertThat(b.index().size()).isEqualTo(3);
      assertThat(b.stamp()).isEqualTo(a.stamp());

      // A node started after the syncs loads its current sources and needs no reload.
      Advisories c = new Advisories(List.of(srcA));
      AdvisoryFollower fc = new AdvisoryFollower(c, other, clock);
      fc.loadAtStart();
      assertThat(fc.seen()).isEqualTo(3);
      assertThat(c.stamp()).isEqualTo(a.stamp());
      assertThat(c.index().size()).isEqualTo(3);

      // Node A polls its own announcements without reloading.
      fa.poll();
      assertThat(fa.seen()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aSyncThatCannotAnnounceStillLoads(TestDatabases.Kind kind) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    copy("/osv/GO-2020-0001.json", src.resolve("GO-2020-0001.json"));
    var t = TestDatabases.open(kind, dir.resolve("db"));
    Advisories a = new Advisories(List.of(src));
    AdvisoryFollower f = new AdvisoryFollower(a, t.db(), MutableClock.at("2026-12-01T10:00:00Z"));
    f.loadAtStart();
    t.close(); // the database is gone
    copy("/osv/GO-2022-0493.json", src.resolve("GO-2022-0493.json"));
    assertThat(a.load().changedIds()).containsExactly("GO-2022-0493");
    assertThat(a.index().size()).isEqualTo(2);
    f.poll(); // logs, does not throw
  }
}
