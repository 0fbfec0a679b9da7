package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Someone with database access edits, deletes, reorders or inserts ledger rows; {@code bulwark
 * ledger verify} must fail and name the first bad index, on both databases.
 */
class LedgerTamperTest {
  record Result(int code, String out, String err) {}

  static Result verify(TestServer ts) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {
              "ledger",
              "verify",
              "--server=http://127.0.0.1:" + ts.server.port(),
              "--token=" + TestServer.ADMIN
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * A server whose ledger holds 21 entries (the bootstrap token and 20 services), all checkpointed.
   */
  static TestServer populated(TestDatabases.Kind kind) throws Exception {
    TestServer ts = new TestServer(kind, Files.createTempDirectory("bulwark-tamper"));
    for (int i = 0; i < 20; i++) {
      ts.http.put(
          "/api/v1/services/tamper-" + i,
          TestServer.ADMIN,
          Map.of("team", "t", "area", "data", "criticality", "low"));
    }
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    return ts;
  }

  static void tampered(
      TestDatabases.Kind kind, BiConsumer<Handle, TestServer> tamper, int expectedIndex)
      throws Exception {
    tampered(kind, tamper, "FAILED at index " + expectedIndex + ":");
  }

  static void tampered(
      TestDatabases.Kind kind, BiConsumer<Handle, TestServer> tamper, String expected)
      throws Exception {
    try (TestServer ts = populated(kind)) {
      Result clean = verify(ts);
      assertThat(clean.code()).as(clean.err()).isZero();
      assertThat(clean.out()).contains("ledger verified: 21 entries");
      ts.testDb.db().jdbi().useHandle(h -> tamper.accept(h, ts));
      Result r = verify(ts);
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.err()).contains(expected);
    }
  }

  static String entry(Handle h, long idx) {
    return h.createQuery("SELECT entry FROM ledger_entries WHERE idx = :i")
        .bind("i", idx)
        .mapTo(String.class)
        .one();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void anEditedEntryIsNamed(TestDatabases.Kind kind) throws Exception {
    tampered(
        kind,
        (h, ts) ->
            h.createUpdate("UPDATE ledger_entries SET entry = :e WHERE idx = 7")
                .bind("e", entry(h, 7).replace("token:tok_bootstrap", "token:tok_someone_else"))
                .execute(),
        7);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aDeletedEntryIsNamed(TestDatabases.Kind kind) throws Exception {
    tampered(kind, (h, ts) -> h.execute("DELETE FROM ledger_entries WHERE idx = 12"), 12);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void reorderedEntriesAreNamed(TestDatabases.Kind kind) throws Exception {
    tampered(
        kind,
        (h, ts) -> {
          String five = entry(h, 5);
          String nine = entry(h, 9);
          h.createUpdate("UPDATE ledger_entries SET entry = :e WHERE idx = 5")
              .bind("e", nine)
              .execute();
          h.createUpdate("UPDATE ledger_entries SET entry = :e WHERE idx = 9")
              .bind("e", five)
              .execute();
        },
        5);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void anInsertedEntryIsNamed(TestDatabases.Kind kind) throws Exception {
    tampered(
        kind,
        (h, ts) -> {
          // Make room at 4 by moving every later row up by one, from the end, then forge entry 4.
          for (long i = 20; i >= 4; i--) {
            h.createUpdate("UPDATE ledger_entries SET idx = :to WHERE idx = :from")
                .bind("to", i + 1)
                .bind("from", i)
                .execute();
          }
          String forged =
              entry(h, 5).replace("\"index\":4", "\"index\":4").replace("tamper-", "forged-");
          h.createUpdate(
                  "INSERT INTO ledger_entries (idx, entry, subject_kind, subject_id, at) VALUES (4, :e, 'service', 'forged', 0)")
              .bind("e", forged)
              .execute();
        },
        4);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void rewritingEntriesAndTheirHashesTogetherIsStillCaughtByTheSignatures(TestDatabases.Kind kind)
      throws Exception {
    tampered(
        kind,
        (h, ts) -> {
          String forged = entry(h, 15).replace("tamper-", "forged-");
          h.createUpdate("UPDATE ledger_entries SET entry = :e WHERE idx = 15")
              .bind("e", forged)
              .execute();
          h.createUpdate("UPDATE ledger_nodes SET hash = :h WHERE level = 0 AND idx = 15")
              .bind(
                  "h",
                  dev.bulwark.ledger.Hashes.leaf(
                      forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .execute();
        },
        "rewritten together with their stored hashes");
  }
}
