package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Provenance;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first gate under the starter bundle, with the CLI alone: SBOM upload, SARIF upload
 * and a provenance attestation take a critical service from deny to allow in staging, and the
 * staging pass lets the same digest into prod.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirstGateTest {
  static final Path STARTER = Path.of("..", "policies", "starter");
  static final String DIGEST = "sha256:" + "ab".repeat(32);

  TestServer ts;
  ServerCli cli;
  KeyPair builder;
  @TempDir Path tmp;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-first-gate");
    builder = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path keys = Provenance.trustedKeys(dir, builder.getPublic());
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            dir.resolve("data"),
            c ->
                c.withGates(
                    new ServerConfig.GateSettings(
                        List.of("dev", "staging", "prod"), 30, Optional.of(keys))));
    cli = new ServerCli(ts);
    // The starter bundle, pushed by one person and approved by another.
    String alice = cli.mint("alice", "security", "*");
    String bob = cli.mint("bob", "security", "*");
    long bundle =
        cli.ok(alice, "policy", "push", STARTER.toString(), "--format=json")
            .json()
            .path("id")
            .asLong();
    cli.ok(bob, "policy", "approve", Long.toString(bundle));
    assertThat(cli.ok(alice, "policy", "list").out()).contains("active");
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  static String sarif(String level) {
    return """
        {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
         "runs": [{"tool": {"driver": {"name": "semgrep", "rules": [{"id": "java.weak-hash"}]}},
           "results": [{"ruleId": "java.weak-hash", "level": "%s",
             "message": {"text": "MD5 is a weak hash"},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/Main.java"},
               "region": {"startLine": 12}}}]}]}]}
        """
        .formatted(level);
  }

  @Test
  void sbomSarifAndAttestationTakeTheFirstGateFromDenyToAllow() throws Exception {
    String admin = TestServer.ADMIN;
    cli.ok(
        admin,
        "services",
        "put",
        "pay-api",
        "--team=pay",
        "--area=backend",
        "--criticality=critical");
    String ci = cli.mint("ci-pay", "ci", "pay");
    Path sbom = tmp.resolve("sbom.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "lp", "type": "library", "name": "left-pad", "version": "1.3.0",
           "purl": "pkg:npm/left-pad@1.3.0"}]}
        """);
    cli.ok(
        ci,
        "sbom",
        "upload",
        "--service=pay-api",
        "--version=1.0",
        "--digest=" + DIGEST,
        sbom.toString());

    ServerCli.Result before =
        cli.as(ci, "gate", "--service=pay-api", "--version=1.0", "--env=staging");
    assertThat(before.code()).as(before.all()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(before.out())
        .contains("FAIL    sast/sast-results-present: no SAST results were uploaded")
        .contains("FAIL    provenance/provenance-from-allowed-builder")
        .contains("PASS    sbom/sbom-required");

    Path results = tmp.resolve("semgrep.sarif");
    Files.writeString(results, sarif("warning"));
    ServerCli.Result up =
        cli.ok(ci, "sarif", "upload", "--service=pay-api", "--version=1.0", results.toString());
    assertThat(up.out().strip())
        .isEqualTo("pay-api 1.0: sast results from semgrep.sarif: 1 read, 1 new, 0 already known");

    Path envelope = tmp.resolve("provenance.dsse.json");
    Files.write(envelope, Provenance.envelope(builder.getPrivate(), DIGEST));
    cli.ok(ci, "attest", "--service=pay-api", "--version=1.0", envelope.toString());

    ServerCli.Result staging =
        cli.ok(ci, "gate", "--service=pay-api", "--version=1.0", "--env=staging");
    assertThat(staging.out())
        .contains("PASS    sast/sast-results-present")
        .contains("PASS    sast/no-high-sast-result")
        .contains("PASS    provenance/provenance-from-allowed-builder")
        .contains("ALLOW pay-api 1.0");
    cli.ok(ci, "deploy", "record", "--service=pay-api", "--version=1.0", "--env=staging");
    ServerCli.Result prod = cli.ok(ci, "gate", "--service=pay-api", "--version=1.0", "--env=prod");
    assertThat(prod.out()).contains("PASS    promotion/passed-staging").contains("ALLOW pay-api");
    cli.ok(ci, "deploy", "record", "--service=pay-api", "--version=1.0", "--env=prod");
    assertThat(cli.ok(ci, "deploy", "list", "--env=prod").out()).contains("pay-api");

    // What the uploads stored, as the CLI reads it back.
    assertThat(cli.ok(ci, "releases", "code-findings", "--service=pay-api", "--version=1.0").out())
        .contains("semgrep")
        .contains("java.weak-hash")
        .contains("src/Main.java");
    ServerCli.Result attestations =
        cli.ok(ci, "attestations", "list", "--service=pay-api", "--version=1.0", "--format=json");
    assertThat(attestations.json().path("attestations").get(0).path("verified").asBoolean())
        .isTrue();
  }

  @Test
  void aHighSastResultDeniesWithTheToolNamedAndABrokenLogIsAnInputError() throws Exception {
    cli.ok(
        TestServer.ADMIN,
        "services",
        "put",
        "web-app",
        "--team=web",
        "--area=website",
        "--criticality=low");
    String ci = cli.mint("ci-web", "ci", "web");
    Path results = tmp.resolve("high.sarif");
    Files.writeString(results, sarif("error"));
    String digest = "sha256:" + "cd".repeat(32);
    // --digest creates the release: SAST may run before the SBOM is built.
    cli.ok(
        ci,
        "sarif",
        "upload",
        "--service=web-app",
        "--version=2.0",
        "--digest=" + digest,
        results.toString());
    ServerCli.Result again =
        cli.ok(
            ci,
            "sarif",
            "upload",
            "--service=web-app",
            "--version=2.0",
            "--format=json",
            results.toString());
    assertThat(again.json().path("known").asInt()).isEqualTo(1);
    assertThat(again.json().path("added").asInt()).isZero();

    Path sbom = tmp.resolve("web.cdx.json");
    Files.writeString(
        sbom,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{\"bom-ref\": \"a\", \"type\": \"library\", \"name\": \"a\", \"version\": \"1.0.0\", \"purl\": \"pkg:npm/a@1.0.0\"}]}");
    cli.ok(
        ci,
        "sbom",
        "upload",
        "--service=web-app",
        "--version=2.0",
        "--digest=" + digest,
        sbom.toString());
    ServerCli.Result deny =
        cli.as(ci, "gate", "--service=web-app", "--version=2.0", "--env=staging");
    assertThat(deny.code()).as(deny.all()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(deny.out())
        .contains(
            "FAIL    sast/no-high-sast-result: SAST reports high or critical results: semgrep (1)")
        .contains("DENY web-app 2.0");
    ServerCli.Result missing =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=2.0", "nope.sarif");
    assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(missing.err().strip()).isEqualTo("bulwark: nope.sarif: no such file");
    Path notSarif = tmp.resolve("not.sarif");
    Files.writeString(notSarif, "{\"version\": \"1.0\"}");
    ServerCli.Result wrong =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=2.0", notSarif.toString());
    assertThat(wrong.code()).as(wrong.all()).isEqualTo(ExitCodes.INPUT);
    assertThat(wrong.err().strip())
        .isEqualTo(
            "bulwark: "
                + notSarif
                + ": not a SARIF 2.1.0 log (expected an object with \"version\": \"2.1.0\" and \"runs\")");
    Files.writeString(notSarif, "this is not JSON\n");
    ServerCli.Result notJson =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=2.0", notSarif.toString());
    assertThat(notJson.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(notJson.err().strip())
        .startsWith("bulwark: " + notSarif + ": not JSON (line 1")
        .endsWith("expected a SARIF 2.1.0 log");
    ServerCli.Result dir =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=2.0", tmp.toString());
    assertThat(dir.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(dir.err()).contains(tmp + ": is a directory");
    // The server still reads every result: a result without a message is refused there.
    Files.writeString(
        notSarif,
        "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"t\"}}, \"results\": [{\"ruleId\": 7}]}]}");
    ServerCli.Result server =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=2.0", notSarif.toString());
    assertThat(server.code()).as(server.all()).isEqualTo(ExitCodes.INPUT);
    ServerCli.Result noRelease =
        cli.as(ci, "sarif", "upload", "--service=web-app", "--version=9", results.toString());
    ServerCli.refused(noRelease, "Not Found");
  }
}
