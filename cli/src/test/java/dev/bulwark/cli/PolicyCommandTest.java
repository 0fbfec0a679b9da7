package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark policy lint|test}, offline, on the starter bundle and on broken copies of it. */
class PolicyCommandTest {
  static final Path STARTER = Path.of("..", "policies", "starter");

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  Path copyOfStarter() throws Exception {
    Path copy = dir.resolve("bundle");
    try (var walk = Files.walk(STARTER)) {
      for (Path p : walk.toList()) {
        Path target = copy.resolve(STARTER.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }

  @Test
  void theStarterBundleLintsAndItsTestsPass() {
    Result lint = run("policy", "lint", STARTER.toString());
    assertThat(lint.code()).as(lint.err()).isZero();
    assertThat(lint.out()).contains("ok: 5 policies, 7 rules, bundle sha256:");
    Result test = run("policy", "test", STARTER.toString());
    assertThat(test.code()).as(test.out() + test.err()).isZero();
    assertThat(test.out()).contains("PASS an open critical finding past its SLA blocks prod");
    assertThat(test.out()).containsPattern("\\d+ cases: \\d+ passed, 0 failed");
  }

  @Test
  void aMismatchExitsOneAndSaysWhereAndWhy() throws Exception {
    Path b = copyOfStarter();
    // Weaken the SBOM rule: the cases that expect it to fail now mismatch.
    Path sbom = b.resolve("sbom.yaml");
    Files.writeString(
        sbom, Files.readString(sbom).replace("release.sbom && release.components > 0", "true"));
    Result test = run("policy", "test", b.toString());
    assertThat(test.code()).isEqualTo(1);
    assertThat(test.out())
        .contains("FAIL a release without an SBOM is denied everywhere")
        .contains("starter.yaml:")
        .contains("expected deny, got allow")
        .containsPattern("\\d+ cases: \\d+ passed, 2 failed");
  }

  @Test
  void aBundleThatDoesNotCompileIsRefusedWithEveryLocation() throws Exception {
    Path b = copyOfStarter();
    Files.writeString(
        b.resolve("sbom.yaml"),
        Files.readString(b.resolve("sbom.yaml"))
            .replace("release.components > 0", "release.componentz > 0"));
    Files.writeString(
        b.resolve("broken.yaml"), "name: broken\nrules:\n  - name: r\n    expression: 'now >'\n");
    for (String command : new String[] {"lint", "test"}) {
      Result r = run("policy", command, b.toString());
      assertThat(r.code()).as(command).isEqualTo(4);
      assertThat(r.err())
          .contains("sbom.yaml:5:40: ")
          .contains("undefined field 'componentz'")
          .contains("broken.yaml:4:")
          .contains("the bundle is refused: 2 problems");
    }
  }

  @Test
  void aTestFixtureWithAnUnknownFieldIsAnInputError() throws Exception {
    Path b = copyOfStarter();
    Path t = b.resolve("tests/starter.yaml");
    Files.writeString(t, Files.readString(t).replace("sbom: true", "sbom: true\n    sbomm: true"));
    Result r = run("policy", "test", b.toString());
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("starter.yaml:").contains("unknown field 'sbomm' of release");
  }

  @Test
  void aMissingDirectoryIsAnInputError() {
    Result r = run("policy", "lint", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).isEqualTo("bulwark: " + dir.resolve("nope") + ": no such directory\n");
  }

  /** Issue 12, repro 3: the bundle that made {@code policy test} use 5.6 GB. */
  @Test
  void aHostileBundleIsRefusedAtLoadOrReportsTheLimitAndNeverExhaustsMemory() throws Exception {
    Path b = dir.resolve("hostile");
    Files.createDirectories(b.resolve("tests"));
    String chain = ".replace('a', '%s')".formatted("a".repeat(100)).repeat(4);
    Files.writeString(
        b.resolve("p.yaml"),
        """
        name: hostile
        rules:
          - name: huge
            expression: "size('aaaaaaaaaaaaaaa'%s) > 0"
        """
            .formatted(chain));
    Files.writeString(
        b.resolve("tests/t.yaml"),
        """
        fixture:
          service: {name: payments, team: pay, area: data, criticality: critical}
          release: {version: 1.0.0, digest: "sha256:abc", sbom: true, components: 1}
          environment: prod
          now: 2026-11-27T12:00:00Z
        cases:
          - name: denies
            expect: {decision: deny, failing: [hostile/huge]}
        """);
    long before = allocated();
    Result refused = run("policy", "test", b.toString());
    assertThat(refused.code()).isEqualTo(4);
    assertThat(refused.err())
        .contains(b.resolve("p.yaml") + ":4:")
        .contains("characters; a rule may allocate 4000000 (policy.ruleMaxSize)");

    // Hidden from the load-time estimate behind variables: the rule errs at its budget, and the
    // case does not pass even though it expected the denial.
    Files.writeString(
        b.resolve("p.yaml"),
        """
        name: hostile
        variables:
          seed: aaaaaaaaaaaaaaa
          hundred: %s
        rules:
          - name: huge
            expression: size(vars.seed%s) > 0
        """
            .formatted("a".repeat(100), ".replace('a', vars.hundred)".repeat(4)));
    Result limited = run("policy", "test", b.toString());
    assertThat(limited.code()).as(limited.out() + limited.err()).isEqualTo(1);
    assertThat(limited.out())
        .contains("LIMIT denies")
        .contains(
            "hostile/huge error: budget exceeded: the rule would allocate more than 4000000"
                + " characters and list items (policy.ruleMaxSize)")
        .contains("1 cases: 0 passed, 1 failed");
    // With a larger budget given on the command line the limit moves with it.
    Result larger = run("policy", "test", "--rule-max-size", "20000000", b.toString());
    assertThat(larger.out()).contains("more than 20000000 characters");
    assertThat(allocated() - before).isLessThan(512L << 20);
  }

  static long allocated() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
