package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real server: output, and the contract's exit codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {
  TestServer ts;
  Path data;
  @TempDir Path tmp;

  record Result(int code, String out, String err) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("bulwark-cli");
    ts = new TestServer(TestDatabases.Kind.SQLITE, data);
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** An unscoped security token for a subject, minted by the admin. */
  String mint(String subject) {
    Result r =
        client(
            "tokens",
            "create",
            "--name=" + subject,
            "--role=security",
            "--team=*",
            "--subject=" + subject,
            "--format=json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().path("subject").asText()).isEqualTo(subject);
    return r.json().path("token").asText();
  }

  Result as(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + token);
    return run(all.toArray(String[]::new));
  }

  Result client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + TestServer.ADMIN);
    return run(all.toArray(String[]::new));
  }

  @Test
  void versionAndHelp() {
    Result v = run("--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("bulwark ");
    assertThat(run("--help").out())
        .contains("server", "services", "tokens", "backup", "restore", "generate-completion");
  }

  @Test
  void shellCompletionIsGenerated() {
    Result r = run("generate-completion");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("complete").contains("bulwark");
  }

  @Test
  void servicesRoundTrip() {
    Result put =
        client(
            "services",
            "put",
            "cli-svc",
            "--team",
            "cli-rt",
            "--area",
            "backend",
            "--criticality",
            "high",
            "--value",
            "42");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.out()).contains("cli-svc").contains("backend");
    Result get = client("services", "get", "cli-svc", "--format", "json");
    assertThat(get.json().path("value").asDouble()).isEqualTo(42.0);
    Result list = client("services", "list", "--team", "cli-rt");
    assertThat(list.out().lines().toList()).hasSize(2);
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("NAME");
    assertThat(client("services", "delete", "cli-svc").code()).isZero();
    Result gone = client("services", "get", "cli-svc");
    assertThat(gone.code()).isEqualTo(4);
    assertThat(gone.err()).contains("Not Found");
  }

  @Test
  void refusalsOfTheServerExitFourWithItsReasonsAndUsageErrorsTwo() {
    Result bad =
        client("services", "put", "x", "--team", "t", "--area", "moon", "--criticality", "low");
    assertThat(bad.code()).isEqualTo(4);
    assertThat(bad.err()).contains("area").contains("website, backend, data");
    assertThat(run("services", "put", "x").code()).isEqualTo(2);
    assertThat(run("no-such-command").code()).isEqualTo(2);
    Result noToken = run("services", "list", "--server=http://127.0.0.1:" + ts.server.port());
    if (System.getenv("BULWARK_TOKEN") == null) {
      assertThat(noToken.code()).isEqualTo(4);
      assertThat(noToken.err()).contains("BULWARK_TOKEN");
    }
    Result wrongToken =
        run(
            "services",
            "list",
            "--server=http://127.0.0.1:" + ts.server.port(),
            "--token=bwk_nope");
    assertThat(wrongToken.code()).isEqualTo(4);
    assertThat(wrongToken.err()).contains("Unauthorized");
  }

  @Test
  void theDeprecatedSpellingsStillWorkWithAWarning() throws IOException {
    Result json = client("services", "list", "--output", "json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.json().has("services")).isTrue();
    assertThat(json.err())
        .isEqualTo(
            "bulwark: warning: --output json is deprecated: --output now names a file; use --format json (this spelling goes in the next release)\n");
    Path file = tmp.resolve("deprecated-out.txt");
    Result out = client("services", "list", "--out", file.toString());
    assertThat(out.code()).as(out.err()).isZero();
    assertThat(out.out()).isEmpty();
    assertThat(Files.readString(file)).startsWith("NAME");
    assertThat(out.err())
        .isEqualTo(
            "bulwark: warning: --out is deprecated: use -o/--output FILE (--out goes in the next release)\n");
  }

  @Test
  void aTableResultGoesToTheOutputFileAndNothingElseToStandardOutput() throws IOException {
    client("services", "put", "cli-o", "--team=cli-o", "--area=data", "--criticality=low");
    Path file = tmp.resolve("services.txt");
    Result r = client("services", "list", "--team=cli-o", "-o", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(Files.readAllLines(file)).hasSize(2).last().asString().startsWith("cli-o");
    Path json = tmp.resolve("services.json");
    assertThat(
            client("services", "get", "cli-o", "--format=json", "--output", json.toString()).code())
        .isZero();
    assertThat(Json.MAPPER.readTree(json.toFile()).path("team").asText()).isEqualTo("cli-o");
    Path deleted = tmp.resolve("deleted.txt");
    assertThat(client("services", "delete", "cli-o", "-o", deleted.toString()).out()).isEmpty();
    assertThat(Files.readString(deleted)).isEqualTo("deleted cli-o\n");
  }

  @Test
  void quietLeavesOnlyTheResult() {
    Result loud = client("ledger", "verify");
    assertThat(loud.code()).as(loud.err()).isZero();
    assertThat(loud.err()).contains("trusting the server's own key");
    Result quiet = client("ledger", "verify", "-q");
    assertThat(quiet.code()).as(quiet.err()).isZero();
    assertThat(quiet.err()).isEmpty();
    assertThat(quiet.out()).startsWith("ledger verified: ");
  }

  @Test
  void anUnreachableServerExitsThree() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run("services", "list", "--server=http://127.0.0.1:" + port, "--token=bwk_x");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach");
  }

  @Test
  void tokensCreateShowsTheSecretOnce() {
    Result created =
        client(
            "tokens",
            "create",
            "--name",
            "cli-ci",
            "--role",
            "ci",
            "--team",
            "cli",
            "--format",
            "json");
    assertThat(created.code()).as(created.err()).isZero();
    String secret = created.json().path("token").asText();
    assertThat(secret).startsWith("bwk_");
    Result list = client("tokens", "list");
    assertThat(list.out()).contains("cli-ci").doesNotContain(secret);
    Result revoke = client("tokens", "revoke", created.json().path("id").asText());
    assertThat(revoke.code()).isZero();
  }

  @Test
  void catalogImportReportsEveryRejectedEntity() throws IOException {
    Path good = tmp.resolve("catalog.yaml");
    Files.writeString(
        good, "services:\n  - {name: cli-cat, team: cli, area: data, criticality: low}\n");
    Result ok = client("catalog", "import", good.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("created 1");
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        "services:\n  - {name: a, team: cli, area: x, criticality: low}\n  - {name: b, team: cli, area: data, criticality: y}\n");
    Result r = client("catalog", "import", bad.toString());
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err())
        .contains("bad.yaml:2:5")
        .contains("bad.yaml:3:5")
        .contains("nothing was imported");
    assertThat(client("catalog", "import", tmp.resolve("missing.yaml").toString()).code())
        .isEqualTo(4);
  }

  @Test
  void backupThenRestoreAndRestoreRefusesARunningServersDirectory() throws IOException {
    client(
        "services", "put", "cli-backed", "--team", "cli", "--area", "data", "--criticality", "low");
    Path out = tmp.resolve("bulwark.backup");
    Result b = client("backup", "-o", out.toString());
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(Files.size(out)).isPositive();
    assertThat(client("backup", "-o", out.toString()).code()).isEqualTo(4);

    Result refused = run("restore", out.toString(), "--data", data.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("refused");

    Path fresh = tmp.resolve("restored");
    Result restored = run("restore", out.toString(), "--data", fresh.toString());
    assertThat(restored.code()).as(restored.err()).isZero();
    assertThat(fresh.resolve("bulwark.db")).exists();
    Path notBackup = tmp.resolve("nope.db");
    Files.writeString(notBackup, "hello");
    assertThat(run("restore", notBackup.toString(), "--data", tmp.resolve("r2").toString()).code())
        .isEqualTo(4);
  }

  @Test
  void sbomUploadAndPlan() throws IOException {
    client(
        "services",
        "put",
        "cli-rel",
        "--team",
        "cli",
        "--area",
        "backend",
        "--criticality",
        "high");
    Path sbom = tmp.resolve("app.cdx.json");
    Files.writeString(
        sbom,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{\"bom-ref\": \"a\", \"name\": \"a\", \"version\": \"1.0.0\", \"purl\": \"pkg:npm/a@1.0.0\"}]}");
    Result up =
        client(
            "sbom",
            "upload",
            "--service",
            "cli-rel",
            "--version",
            "1.0.0",
            "--digest",
            "sha256:" + "c".repeat(64),
            sbom.toString());
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(up.out()).contains("SBOM stored").contains("1 components");
    Result again =
        client(
            "sbom",
            "upload",
            "--service",
            "cli-rel",
            "--version",
            "1.0.0",
            "--digest",
            "sha256:" + "c".repeat(64),
            sbom.toString());
    assertThat(again.out()).contains("SBOM unchanged");
    Result plan = client("plan", "--service", "cli-rel", "--version", "1.0.0");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).startsWith("COMPONENT");
    assertThat(client("plan", "--service", "cli-rel", "--version", "9.9").code()).isEqualTo(4);

    Result sync = client("advisories", "sync");
    assertThat(sync.code()).as(sync.err()).isZero();
    assertThat(sync.out()).contains("CHANGED").contains("CLOSED");

    Result found = client("portfolio", "components", "--purl", "pkg:npm/a");
    assertThat(found.code()).as(found.err()).isZero();
    assertThat(found.out()).contains("cli-rel").contains("1.0.0");
    Result outOfRange =
        client("portfolio", "components", "--purl", "pkg:npm/a", "--range", "vers:npm/>=2.0.0");
    assertThat(outOfRange.out()).doesNotContain("cli-rel");
    assertThat(client("portfolio", "components", "--purl", "not a purl").code()).isEqualTo(4);
    Result affected = client("portfolio", "affected", "CVE-2021-44228", "--format", "json");
    assertThat(affected.code()).as(affected.err()).isZero();
    assertThat(affected.out()).contains("\"releases\" : [ ]");

    Path vex = tmp.resolve("cli.vex.json");
    Result export =
        client("vex", "export", "--service", "cli-rel", "--version", "1.0.0", "-o", vex.toString());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(Files.readString(vex)).contains("\"specVersion\" : \"1.6\"");
    Path openVex = tmp.resolve("open.vex.json");
    Files.writeString(
        openVex,
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": \"GHSA-xxxx-yyyy-zzzz\", \"products\": [\"pkg:npm/a@1.0.0\"], \"status\": \"not_affected\", \"justification\": \"component_not_present\"}]}");
    Result imported = client("vex", "import", "--service", "cli-rel", openVex.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("STATEMENTS");
    Files.writeString(
        openVex, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{}]}");
    Result refused = client("vex", "import", "--service", "cli-rel", openVex.toString());
    assertThat(refused.code()).isEqualTo(4);
    assertThat(refused.err()).contains("statements[0].vulnerability");
  }

  @Test
  void serverOptionsThatCannotBeUsedExitTwoAndADataDirectoryInUseThree() {
    Result r = run("server", "--port", "99999", "--data", tmp.resolve("s").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("port");
    Result inUse = run("server", "--port", "0", "--data", data.toString());
    assertThat(inUse.code()).isEqualTo(3);
    assertThat(inUse.err()).contains("in use");
    // An unusable --sla or --config file is an input error (4): BadInputTest covers it.
  }

  @Test
  void policyPushGateAndDeployFromTheCommandLine() throws IOException {
    client("services", "put", "gate-api", "--team=gate", "--area=backend", "--criticality=low");
    Result rel =
        client(
            "sbom",
            "upload",
            "--service=gate-api",
            "--version=1.0",
            "--digest=sha256:" + "c".repeat(64),
            sbomFile().toString());
    assertThat(rel.code()).as(rel.out() + rel.err()).isZero();
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(
        bundle.resolve("p.yaml"),
        "name: p\nrules:\n  - name: sbom\n    expression: release.sbom\n  - name: not-in-prod\n    expression: environment != 'prod'\n    message: not yet\n");
    // The admin mints people: alice pushes the global bundle, bob (another subject) approves it.
    String alice = mint("alice");
    String bob = mint("bob");
    Result push = as(alice, "policy", "push", bundle.toString());
    assertThat(push.code()).as(push.err()).isZero();
    assertThat(push.out()).contains("sha256:").contains("pending");
    long pending =
        as(alice, "policy", "push", bundle.toString(), "--format=json").json().path("id").asLong();
    Result self = as(alice, "policy", "approve", Long.toString(pending));
    assertThat(self.code()).isEqualTo(4);
    assertThat(self.err()).contains("someone other than its pusher");
    Result approved = as(bob, "policy", "approve", Long.toString(pending));
    assertThat(approved.code()).as(approved.err()).isZero();
    assertThat(approved.out()).contains("active").contains("bob");

    Result allow = client("gate", "--service=gate-api", "--version=1.0", "--env=staging");
    assertThat(allow.code()).as(allow.out() + allow.err()).isZero();
    assertThat(allow.out()).contains("PASS    p/sbom").contains("ALLOW gate-api 1.0");
    Result deny = client("gate", "--service=gate-api", "--version=1.0", "--env=prod");
    assertThat(deny.code()).isEqualTo(1);
    // Captured, not a terminal: the outcomes are words, never escape codes.
    assertThat(deny.out() + deny.err()).doesNotContain("\u001b");
    Path decision = tmp.resolve("decision.txt");
    Result toFile =
        client(
            "gate", "--service=gate-api", "--version=1.0", "--env=prod", "-o", decision.toString());
    assertThat(toFile.code()).isEqualTo(1);
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(decision))
        .contains("FAIL    p/not-in-prod: not yet")
        .contains("DENY gate-api");
    assertThat(deny.out()).contains("FAIL    p/not-in-prod: not yet").contains("DENY gate-api");
    Result json =
        client("gate", "--service=gate-api", "--version=1.0", "--env=prod", "--format=json");
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.json().path("ledgerIndex").asLong()).isPositive();

    assertThat(
            client("deploy", "record", "--service=gate-api", "--version=1.0", "--env=staging")
                .code())
        .isZero();
    // Refused because no gate decision allows the digest there: the gate's verdict, exit 1.
    Result refused =
        client("deploy", "record", "--service=gate-api", "--version=1.0", "--env=prod");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("bulwark: deployment refused: Conflict: ")
        .contains("denied");
    assertThat(client("deploy", "list", "--env=staging").out()).contains("gate-api");

    // Auditors read the decisions back, explanation included.
    Result listed = client("decisions", "list", "--service=gate-api", "--env=prod");
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("deny").doesNotContain("staging");
    long id =
        client("decisions", "list", "--service=gate-api", "--limit=1", "--format=json")
            .json()
            .path("decisions")
            .get(0)
            .path("id")
            .asLong();
    Result shown = client("decisions", "show", Long.toString(id));
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out())
        .contains("FAIL    p/not-in-prod: not yet")
        .contains("DENY gate-api 1.0")
        .contains("explanation matches the digest in its ledger entry (sha256:");
    assertThat(client("decisions", "show", "999999").code()).isEqualTo(4);
    assertThat(client("decisions", "list", "--limit=0").code()).isEqualTo(4);
    assertThat(client("gate", "--service=gate-api", "--version=9", "--env=prod").code())
        .isEqualTo(4);
  }

  Path sbomFile() throws IOException {
    Path f = tmp.resolve("gate-sbom.json");
    Files.writeString(
        f,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{\"bom-ref\": \"a\", \"type\": \"library\", \"name\": \"left-pad\", \"version\": \"1.0.0\", \"purl\": \"pkg:npm/left-pad@1.0.0\"}]}");
    return f;
  }
}
