package dev.bulwark.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.LedgerEntry;
import dev.bulwark.ledger.LogVerifier;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The ledger endpoints over HTTP, on SQLite and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LedgerContractTest {
  static final String ADMIN = TestServer.ADMIN;
  TestServer ts;
  Http http;
  NoteKey.Verifier key;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-ledger"),
            c ->
                c.withLedger(
                    new ServerConfig.LedgerSettings(
                        "test.example/ledger", Optional.empty(), 4, Duration.ofHours(1))));
    http = ts.http;
    for (int i = 0; i < 10; i++) {
      http.put(
          "/api/v1/services/ledger-svc-" + i,
          ADMIN,
          Map.of("team", "alpha", "area", "data", "criticality", "low"));
    }
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    key = NoteKey.Verifier.parse(http.get("/api/v1/ledger/public-key", ADMIN).text());
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  Checkpoint latest() {
    Http.Response r = http.get("/api/v1/ledger/checkpoint", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    SignedNote.Result v = SignedNote.verify(r.text(), key);
    assertThat(v).isInstanceOf(SignedNote.Result.Valid.class);
    return ((SignedNote.Result.Valid) v).checkpoint();
  }

  @Test
  void anIdleWriterTakesNoLock() throws Exception {
    // Woken after every change, the writer must not queue behind (or in front of) the next one
    // when it has nothing to do: on SQLite a blocked writer sleeps in the busy handler.
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    try (var other = ts.testDb.db().jdbi().open()) {
      other.begin();
      other
          .createUpdate("UPDATE ledger_state SET value = value WHERE name = 'hashed'")
          .execute(); // holds SQLite's write lock, or PostgreSQL's lock on the row
      try {
        var run =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> ts.server.ledgerWriter().runOnce());
        assertThat(run.get(5, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
      } finally {
        other.rollback();
      }
    }
  }

  @Test
  void theCheckpointIsSignedAndCoversEveryEntry() {
    Checkpoint cp = latest();
    assertThat(cp.origin()).isEqualTo("test.example/ledger");
    assertThat(cp.size())
        .isEqualTo(
            http.get("/api/v1/ledger/entries?start=0&end=0", ADMIN).json().path("size").asLong());
    assertThat(cp.size()).isGreaterThanOrEqualTo(11); // the bootstrap token and ten services
  }

  @Test
  void entriesNameTheirSubjectsAndHashToTheirLeaves() throws Exception {
    JsonNode page = http.get("/api/v1/ledger/entries?start=0&end=50", ADMIN).json();
    List<String> actions = new ArrayList<>();
    for (JsonNode e : page.path("entries")) {
      byte[] canonical = e.path("canonical").asText().getBytes(StandardCharsets.UTF_8);
      assertThat(e.path("leafHash").asText()).isEqualTo(Hashes.hex(Hashes.leaf(canonical)));
      LedgerEntry parsed = LedgerEntry.parse(canonical);
      assertThat(parsed.index()).isEqualTo(e.path("index").asLong());
      actions.add(
          parsed.action() + " " + parsed.subject().get("kind") + ":" + parsed.subject().get("id"));
    }
    assertThat(actions.get(0)).isEqualTo("token.create token:tok_bootstrap");
    assertThat(actions).contains("service.create service:ledger-svc-3");
    JsonNode svc = page.path("entries").get(4).path("entry").path("subject");
    assertThat(svc.path("team").asText()).isEqualTo("alpha");
    assertThat(page.path("entries").get(4).path("entry").path("after").asText())
        .startsWith("sha256:");
  }

  @Test
  void theIndexedColumnsAndNodesAgreeWithTheHashedEntries() throws Exception {
    assertStoredRowsMatchTheirEntries();
  }

  @Test
  void concurrentChangesInSharedBatchesLeaveAVerifiableLedger() throws Exception {
    // Sixteen clients at once: the writer folds their changes into shared batches (several
    // entries in one flush), and the duplicate creates among them fail inside a batch, which then
    // reruns change by change (the non-deferred append, hashed later by the ledger writer).
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
    try {
      List<Future<Http.Response>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String name = "batched-" + (i % 48);
        results.add(
            pool.submit(
                () ->
                    http.post(
                        "/api/v1/services",
                        ADMIN,
                        Map.of(
                            "name", name, "team", "alpha", "area", "data", "criticality", "low"))));
      }
      for (Future<Http.Response> f : results) {
        byStatus.merge(f.get().status(), 1, Integer::sum);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(byStatus).containsEntry(201, 48).containsEntry(409, 16).hasSize(2);
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    assertThat(CrashTest.verify(http)).isInstanceOf(LogVerifier.Result.Valid.class);
    assertStoredRowsMatchTheirEntries();
  }

  /**
   * Listings and evidence bundles select by these columns and hand out the payload beside the
   * entry; the flush writes them apart from the canonical bytes (on PostgreSQL as parallel arrays
   * in one statement), so a column written from the wrong array must show here.
   */
  void assertStoredRowsMatchTheirEntries() throws Exception {
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    record StoredRow(
        long idx,
        String entry,
        String kind,
        String id,
        String service,
        long at,
        String payload,
        byte[] leaf) {}
    List<StoredRow> rows =
        ts.testDb
            .db()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            """
                            SELECT e.idx, e.entry, e.subject_kind, e.subject_id, e.service, e.at,
                              e.payload, n.hash
                            FROM ledger_entries e
                            LEFT JOIN ledger_nodes n ON n.level = 0 AND n.idx = e.idx
                            ORDER BY e.idx
                            """)
                        .map(
                            (rs, ctx) ->
                                new StoredRow(
                                    rs.getLong(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getLong(6),
                                    rs.getString(7),
                                    rs.getBytes(8)))
                        .list());
    assertThat(rows).hasSizeGreaterThanOrEqualTo(11);
    boolean sawServiceless = false;
    for (int i = 0; i < rows.size(); i++) {
      StoredRow r = rows.get(i);
      byte[] canonical = r.entry().getBytes(StandardCharsets.UTF_8);
      LedgerEntry e = LedgerEntry.parse(canonical);
      assertThat(r.idx()).isEqualTo(i).isEqualTo(e.index());
      assertThat(r.kind()).isEqualTo(e.subject().get("kind"));
      assertThat(r.id()).isEqualTo(e.subject().get("id"));
      String service =
          e.subject()
              .getOrDefault(
                  "service",
                  "service".equals(e.subject().get("kind")) ? e.subject().get("id") : null);
      assertThat(r.service()).isEqualTo(service);
      sawServiceless |= service == null;
      assertThat(r.at()).isEqualTo(e.time().toEpochMilli());
      assertThat(
              r.payload() == null
                  ? null
                  : LedgerAuditLog.digest(r.payload().getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(e.afterDigest());
      assertThat(r.leaf()).isEqualTo(Hashes.leaf(canonical));
    }
    assertThat(sawServiceless).isTrue(); // the bootstrap token's entry: a null in the arrays
  }

  @Test
  void everyInclusionProofVerifiesAgainstTheSignedRoot() {
    Checkpoint cp = latest();
    JsonNode entries =
        http.get("/api/v1/ledger/entries?start=0&end=" + cp.size(), ADMIN).json().path("entries");
    for (JsonNode e : entries) {
      long i = e.path("index").asLong();
      JsonNode proof =
          http.get("/api/v1/ledger/proofs/inclusion?index=" + i + "&size=" + cp.size(), ADMIN)
              .json();
      List<byte[]> hashes = new ArrayList<>();
      proof
          .path("hashes")
          .forEach(
              h -> {
                assertThat(h.asText()).matches("[0-9a-f]{64}");
                hashes.add(Hashes.fromHex(h.asText()));
              });
      assertThat(
              MerkleTree.verifyInclusion(
                  Hashes.fromHex(e.path("leafHash").asText()), i, cp.size(), hashes, cp.root()))
          .as("entry %d", i)
          .isTrue();
    }
  }

  @Test
  void consecutiveCheckpointsAreProvenConsistent() {
    JsonNode all = http.get("/api/v1/ledger/checkpoints", ADMIN).json().path("checkpoints");
    assertThat(all.size()).isGreaterThanOrEqualTo(3);
    Checkpoint previous = null;
    for (JsonNode c : all) {
      Checkpoint cp =
          ((SignedNote.Result.Valid) SignedNote.verify(c.path("note").asText(), key)).checkpoint();
      if (previous != null) {
        List<byte[]> proof = new ArrayList<>();
        http.get(
                "/api/v1/ledger/proofs/consistency?from=" + previous.size() + "&to=" + cp.size(),
                ADMIN)
            .json()
            .path("hashes")
            .forEach(h -> proof.add(Hashes.fromHex(h.asText())));
        assertThat(
                MerkleTree.verifyConsistency(
                    previous.size(), cp.size(), previous.root(), cp.root(), proof))
            .isTrue();
      }
      previous = cp;
    }
  }

  @Test
  void badProofRequestsAreProblems() {
    long size = latest().size();
    assertThat(
            http.get("/api/v1/ledger/proofs/inclusion?index=" + size + "&size=" + size, ADMIN)
                .status())
        .isEqualTo(422);
    assertThat(
            http.get("/api/v1/ledger/proofs/inclusion?index=0&size=" + (size + 1000), ADMIN)
                .status())
        .isEqualTo(404);
    assertThat(http.get("/api/v1/ledger/proofs/inclusion?index=x&size=2", ADMIN).status())
        .isEqualTo(422);
    assertThat(http.get("/api/v1/ledger/proofs/inclusion?size=2", ADMIN).status()).isEqualTo(422);
    assertThat(http.get("/api/v1/ledger/proofs/consistency?from=5&to=2", ADMIN).status())
        .isEqualTo(422);
    assertThat(http.get("/api/v1/ledger/entries?start=0&end=999999", ADMIN).status())
        .isEqualTo(422);
    assertThat(http.get("/api/v1/ledger/entries?start=-1", ADMIN).status()).isEqualTo(422);
    assertThat(http.get("/api/v1/ledger/export?since=yesterday", ADMIN).status()).isEqualTo(422);
  }

  @Test
  void anAuditorReadsTheLedgerAndADeveloperDoesNot() {
    String auditor = ts.token("auditor", "alpha");
    String developer = ts.token("developer", "alpha");
    assertThat(http.get("/api/v1/ledger/checkpoint", auditor).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/ledger/checkpoint", developer).status()).isEqualTo(403);
  }
}
