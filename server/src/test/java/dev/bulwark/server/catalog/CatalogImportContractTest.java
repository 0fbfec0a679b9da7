package dev.bulwark.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Catalog imports in steps (issue 12, repro 6): one short transaction and one ledger entry per step
 * of {@link Catalog#IMPORT_BATCH} services, other writers between them, and still all or nothing.
 * On both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CatalogImportContractTest {
  static final String ADMIN = TestServer.ADMIN;
  TestServer ts;
  Http http;

  abstract TestDatabases.Kind kind();

  @BeforeAll
  void start() throws Exception {
    ts =
        new TestServer(
            kind(),
            Files.createTempDirectory("bulwark-catalog-import"),
            c -> c.withLimits(32L * 1024 * 1024, 1000));
    http = ts.http;
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  static byte[] catalog(String prefix, int n, String team, String criticality) {
    StringBuilder b = new StringBuilder("services:\n");
    for (int i = 0; i < n; i++) {
      b.append("  - name: ")
          .append(prefix)
          .append(i)
          .append("\n    team: ")
          .append(team)
          .append("\n    area: backend\n    criticality: ")
          .append(criticality)
          .append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  Http.Response importAs(String token, String requestId, byte[] yaml) {
    return http.send(
        http.builder("/api/v1/catalog/import", token)
            .timeout(java.time.Duration.ofMinutes(3))
            .header("Content-Type", "application/yaml")
            .header("X-Request-Id", requestId)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(yaml)));
  }

  long count(String sql, Object... args) {
    return ts.server
        .database()
        .jdbi()
        .withHandle(
            h -> {
              var q = h.createQuery(sql);
              for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
              }
              return q.mapTo(Long.class).one();
            });
  }

  @Test
  void anImportIsWrittenInStepsWithOneLedgerEntryEach() {
    int n = 2 * Catalog.IMPORT_BATCH + 200;
    Http.Response r = importAs(ADMIN, "import-steps", catalog("step-", n, "steps", "low"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("created")).hasSize(n);
    assertThat(count("SELECT COUNT(*) FROM services WHERE name LIKE 'step-%'")).isEqualTo(n);
    assertThat(
            count(
                "SELECT COUNT(*) FROM ledger_entries WHERE subject_kind = 'catalog-import' AND subject_id = ?",
                "import-steps"))
        .isEqualTo(3);
    assertThat(count("SELECT COUNT(*) FROM ledger_entries WHERE service LIKE 'step-%'")).isZero();
    // The entry lists what changed: a second import changing one service adds one entry.
    byte[] again = catalog("step-", n, "steps", "low");
    String text =
        new String(again, StandardCharsets.UTF_8)
            .replaceFirst(
                "name: step-7\n    team: steps\n    area: backend\n    criticality: low",
                "name: step-7\n    team: steps\n    area: backend\n    criticality: high");
    Http.Response second = importAs(ADMIN, "import-steps-2", text.getBytes(StandardCharsets.UTF_8));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("updated")).hasSize(1);
    assertThat(second.json().get("unchanged")).hasSize(n - 1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM ledger_entries WHERE subject_kind = 'catalog-import' AND subject_id = ?",
                "import-steps-2"))
        .isEqualTo(1);
  }

  @Test
  void anImportThatFailsInALaterStepIsUndoneAndSaysSo() throws Exception {
    String dev = ts.token("developer", "imp");
    int n = 16 * Catalog.IMPORT_BATCH;
    byte[] yaml = catalog("undo-", n, "imp", "low");
    var importing = CompletableFuture.supplyAsync(() -> importAs(dev, "import-undo", yaml));
    // Once the first step is in, a service the importer may not change takes the last name.
    for (int i = 0;
        i < 3000 && count("SELECT COUNT(*) FROM services WHERE name LIKE 'undo-%'") == 0;
        i++) {
      Thread.sleep(2);
    }
    Http.Response taken =
        http.put(
            "/api/v1/services/undo-" + (n - 1),
            ADMIN,
            Map.of("team", "elsewhere", "area", "backend", "criticality", "low"));
    assertThat(taken.status()).isEqualTo(201);
    Http.Response r = importing.get(3, TimeUnit.MINUTES);
    assertThat(r.status())
        .as("the import reached the taken name after it was taken")
        .isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(count("SELECT COUNT(*) FROM services WHERE name LIKE 'undo-%'")).isEqualTo(1);
    long steps =
        count(
            "SELECT COUNT(*) FROM ledger_entries WHERE subject_kind = 'catalog-import' AND subject_id = ? AND entry LIKE '%\"catalog.import\"%'",
            "import-undo");
    long undone =
        count(
            "SELECT COUNT(*) FROM ledger_entries WHERE subject_kind = 'catalog-import' AND subject_id = ? AND entry LIKE '%\"catalog.import.undo\"%'",
            "import-undo");
    assertThat(steps).isPositive();
    assertThat(undone).isEqualTo(steps);
  }

  @Test
  void anImportNamingAServiceOutOfScopeIsRefusedBeforeAnythingIsWritten() {
    http.put(
        "/api/v1/services/theirs-5",
        ADMIN,
        Map.of("team", "theirs", "area", "backend", "criticality", "low"));
    String dev = ts.token("developer", "mine");
    Http.Response r = importAs(dev, "import-scope", catalog("theirs-", 600, "mine", "low"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("detail").asText()).contains("theirs-5").contains("nothing");
    assertThat(count("SELECT COUNT(*) FROM services WHERE name LIKE 'theirs-%'")).isEqualTo(1);
  }
}
