package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup taken through the CLI over HTTP restores into a new data directory on which a second
 * server serves a ledger that {@code bulwark ledger verify} accepts, with the first server's key.
 */
class BackupCliTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  static Result client(TestServer ts, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--server=http://127.0.0.1:" + ts.server.port();
    all[args.length + 1] = "--token=" + TestServer.ADMIN;
    return run(all);
  }

  static void change(TestServer ts, String name) throws InterruptedException {
    ts.http.put(
        "/api/v1/services/" + name,
        TestServer.ADMIN,
        Map.of("team", "pay", "area", "backend", "criticality", "high"));
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
  }

  @Test
  void aRestoredBackupServesALedgerThatVerifies() throws Exception {
    Path archive = tmp.resolve("bulwark-backup.zip");
    Path noKeys = tmp.resolve("nokeys.zip");
    String key;
    Path firstKeyFile;
    try (TestServer ts = new TestServer(TestDatabases.Kind.SQLITE, tmp.resolve("live"))) {
      change(ts, "payments");
      change(ts, "website");
      key = client(ts, "ledger", "public-key").out().strip();
      Result b = client(ts, "backup", "-o", archive.toString());
      assertThat(b.code()).as(b.err()).isZero();
      assertThat(b.out()).contains("mode 0600").contains("with the ledger signing key");
      assertThat(b.err()).contains("store it as you store that key");
      Result w = client(ts, "backup", "--without-key", "-o", noKeys.toString());
      assertThat(w.code()).as(w.err()).isZero();
      assertThat(w.err())
          .contains("holds no keys")
          .contains("restore --key FILE")
          .contains("checkpoints will not verify");
      firstKeyFile = ts.dataDir.resolve("ledger-signing.key");
    }
    for (Path f : new Path[] {archive, noKeys}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as(f.toString())
          .isEqualTo("rw-------");
    }

    Path fresh = tmp.resolve("restored");
    Result r = run("restore", archive.toString(), "--data", fresh.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("the ledger signing key");
    assertThat(run("restore", archive.toString(), "--data", fresh.toString()).err())
        .contains("is not empty");

    Path keyless = tmp.resolve("restored-keyless");
    Result refused = run("restore", noKeys.toString(), "--data", keyless.toString());
    assertThat(refused.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(refused.err()).contains("--key FILE");
    Result withKey =
        run(
            "restore",
            noKeys.toString(),
            "--data",
            keyless.toString(),
            "--key",
            firstKeyFile.toString());
    assertThat(withKey.code()).as(withKey.err()).isZero();

    for (Path data : new Path[] {fresh, keyless}) {
      try (TestServer second = new TestServer(TestDatabases.Kind.SQLITE, data)) {
        Result asServed = client(second, "ledger", "verify");
        assertThat(asServed.code()).as(asServed.err()).isZero();
        assertThat(asServed.out()).contains("ledger verified");
        change(second, "after-restore");
        Result withFirstKey = client(second, "ledger", "verify", "--key", key);
        assertThat(withFirstKey.code()).as(withFirstKey.err()).isZero();
      }
    }
  }
}
