package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Evidence bundles and witnessing, through the CLI, against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerCliTest {
  TestServer ts;
  @TempDir Path tmp;
  String key;

  record Result(int code, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  Result client(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--server=http://127.0.0.1:" + ts.server.port();
    all[args.length + 1] = "--token=" + TestServer.ADMIN;
    return run(all);
  }

  void change(String name) throws Exception {
    ts.http.put(
        "/api/v1/services/" + name,
        TestServer.ADMIN,
        Map.of(
            "team",
            name.startsWith("pay") ? "pay" : "web",
            "area",
            "backend",
            "criticality",
            "high"));
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
  }

  @BeforeAll
  void start() throws Exception {
    ts = new TestServer(TestDatabases.Kind.SQLITE, Files.createTempDirectory("bulwark-ledger-cli"));
    change("payments");
    change("website");
    change("payments-db");
    key = client("ledger", "public-key").out().strip();
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  @Test
  void aBundleForOneServiceVerifiesOfflineAndNothingElseDoes() throws Exception {
    Path bundle = tmp.resolve("payments.json");
    Result export = client("ledger", "export", "-o", bundle.toString(), "--service", "payments");
    assertThat(export.code()).as(export.err()).isZero();
    var doc = Json.MAPPER.readTree(Files.readAllBytes(bundle));
    assertThat(doc.path("entries")).hasSize(1);
    assertThat(doc.path("howToVerify").asText()).contains("SHA-256(0x00");
    Result ok = run("ledger", "verify-bundle", bundle.toString(), "--key", key);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("1 entries are in the ledger");

    Path keyFile = tmp.resolve("ledger.vkey");
    Files.writeString(keyFile, key + "\n");
    assertThat(
            run("ledger", "verify-bundle", bundle.toString(), "--key", keyFile.toString()).code())
        .isZero();

    String otherKey =
        dev.bulwark.ledger.NoteKey.generate("bulwark.local/ledger").verifier().encoded();
    Result wrongKey = run("ledger", "verify-bundle", bundle.toString(), "--key", otherKey);
    assertThat(wrongKey.code()).isEqualTo(1);
    assertThat(wrongKey.err()).contains("unknown key").doesNotContain("Exception");

    byte[] bytes = Files.readAllBytes(bundle);
    Path truncated = tmp.resolve("truncated.json");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Result cut = run("ledger", "verify-bundle", truncated.toString(), "--key", key);
    // A file that is not JSON is not a bundle at all: an input error, not a failed verification.
    assertThat(cut.code()).isEqualTo(4);
    assertThat(cut.err())
        .contains("truncated.json: not an evidence bundle (not JSON at line")
        .doesNotContain("\tat ");

    ObjectNode edited = (ObjectNode) Json.MAPPER.readTree(bytes);
    ObjectNode entry = (ObjectNode) edited.path("entries").get(0);
    entry.put(
        "canonical",
        entry.path("canonical").asText().replace("\"team\":\"pay\"", "\"team\":\"web\""));
    Path forged = tmp.resolve("forged.json");
    Files.write(forged, Json.write(edited));
    Result f = run("ledger", "verify-bundle", forged.toString(), "--key", key);
    assertThat(f.code()).isEqualTo(1);
    assertThat(f.err()).contains("is not in the signed tree");

    ObjectNode badProof = (ObjectNode) Json.MAPPER.readTree(bytes);
    ((com.fasterxml.jackson.databind.node.ArrayNode)
            badProof.path("entries").get(0).path("inclusionProof"))
        .add("zz");
    Path bp = tmp.resolve("badproof.json");
    Files.write(bp, Json.write(badProof));
    assertThat(run("ledger", "verify-bundle", bp.toString(), "--key", key).err())
        .contains("malformed proof");
    assertThat(run("ledger", "verify-bundle", bundle.toString(), "--key", "not-a-key").code())
        .isEqualTo(4);
    assertThat(
            run("ledger", "verify-bundle", tmp.resolve("missing.json").toString(), "--key", key)
                .code())
        .isEqualTo(4);
  }

  @Test
  void aWitnessFollowsTheLogAndRefusesARollbackOrAFork() throws Exception {
    Path state = tmp.resolve("witness.json");
    Result first = client("ledger", "witness", "--state", state.toString(), "--key", key);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("first contact");
    change("website-2");
    Result next = client("ledger", "witness", "--state", state.toString());
    assertThat(next.code()).as(next.err()).isZero();
    assertThat(next.out()).contains("accepted");

    // The witness remembers a bigger tree than the server now shows: a rollback.
    ObjectNode s = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(state));
    Checkpoint remembered = Checkpoint.parse(s.path("checkpoint").asText());
    Checkpoint bigger =
        new Checkpoint(remembered.origin(), remembered.size() + 100, remembered.root());
    s.put("checkpoint", bigger.body());
    Files.write(state, Json.write(s));
    Result rollback = client("ledger", "witness", "--state", state.toString());
    assertThat(rollback.code()).isEqualTo(1);
    assertThat(rollback.err()).contains("rollback");

    // Same size, another root: a fork.
    Checkpoint current =
        Checkpoint.parse(
            client(
                            "ledger",
                            "witness",
                            "--state",
                            tmp.resolve("fresh.json").toString(),
                            "--key",
                            key)
                        .code()
                    == 0
                ? Json.MAPPER
                    .readTree(Files.readAllBytes(tmp.resolve("fresh.json")))
                    .path("checkpoint")
                    .asText()
                : "");
    s.put(
        "checkpoint",
        new Checkpoint(
                current.origin(),
                current.size(),
                Hashes.leaf("other".getBytes(StandardCharsets.UTF_8)))
            .body());
    Files.write(state, Json.write(s));
    Result fork = client("ledger", "witness", "--state", state.toString());
    assertThat(fork.code()).isEqualTo(1);
    assertThat(fork.err()).contains("fork");

    // A smaller tree that the log does not extend: also a fork, caught by the consistency proof.
    s.put(
        "checkpoint",
        new Checkpoint(current.origin(), 2, Hashes.leaf("x".getBytes(StandardCharsets.UTF_8)))
            .body());
    Files.write(state, Json.write(s));
    Result inconsistent = client("ledger", "witness", "--state", state.toString());
    assertThat(inconsistent.code()).isEqualTo(1);
    assertThat(inconsistent.err()).contains("fork").contains("not an extension");

    Files.writeString(state, "{broken");
    assertThat(client("ledger", "witness", "--state", state.toString()).code()).isEqualTo(4);
  }

  @Test
  void verifyPassesOnAnUntouchedLogAndPublicKeyReadsTheDataDirectory() {
    Result v = client("ledger", "verify", "--key", key);
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(v.err()).doesNotContain("trusting");
    Result local = run("ledger", "public-key", "--data", ts.dataDir.toString());
    assertThat(local.out().strip()).isEqualTo(key);
  }
}
