package dev.bulwark.bench;

import dev.bulwark.policy.Decision;
import dev.bulwark.policy.GateInput;
import dev.bulwark.policy.PolicyBundle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 6, engine side. {@code evals}: CEL rule evaluations per second on one thread (run it with
 * -XX:ActiveProcessorCount=1), a bundle of typical one-line rules evaluated over and over against
 * one input. {@code gate}: one gate decision of 100 rules over a release with 10,000 findings, and
 * how soon a gate of 1,000 rules of minutes of work stops after its 50 ms time ceiling.
 *
 * <p>{@code attest}: DSSE envelope verifications per second on one thread, per key type.
 *
 * <p>Usage: PolicyBench evals|gate|attest SECONDS
 */
public final class PolicyBench {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[1]);
    switch (args[0]) {
      case "evals" -> evals(seconds);
      case "gate" -> gate(seconds);
      case "attest" -> attest(seconds);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  public static GateInput input(int findings) {
    List<GateInput.Finding> list = new ArrayList<>(findings);
    String[] sev = {"critical", "high", "medium", "low"};
    for (int i = 0; i < findings; i++) {
      list.add(
          new GateInput.Finding(
              "CVE-2026-" + i,
              List.of("GHSA-" + i),
              "dependency",
              sev[i % 4],
              i % 3 == 0 ? "not_affected" : "open",
              "pkg:npm/p" + (i % 500) + "@1.0." + (i % 7),
              NOW.plusSeconds(86_400L * (1 + i % 90)),
              false,
              i % 2 == 0 ? "1.1.0" : null));
    }
    return new GateInput(
        new GateInput.Service("payments", "pay", "data", "critical"),
        new GateInput.Release("2.4.0", "sha256:" + "ab".repeat(32), true, 4800),
        list,
        List.of(
            new GateInput.Attestation(
                "https://slsa.dev/provenance/v1",
                true,
                "",
                "https://github.com/actions/runner/github-hosted",
                "https://github.com/example/payments",
                List.of())),
        List.of(new GateInput.TestReport("semgrep", "sast", 7, 0, 0, 2, 5)),
        "prod",
        List.of(new GateInput.Promotion("staging", "allowed", NOW.minusSeconds(3600))),
        NOW);
  }

  /** Ten rule shapes that read scalars, small lists and variables, as most gate rules do. */
  static final List<String> CHEAP =
      List.of(
          "release.sbom && release.components > 0",
          "release.digest.startsWith('sha256:')",
          "service.criticality != 'critical' || attestations.exists(a, a.verified && a.builderId in vars.builders)",
          "environment != 'prod' || promotions.exists(p, p.environment == 'staging' && p.event == 'allowed')",
          "tests.exists(t, t.kind == 'sast')",
          "!tests.exists(t, t.kind == 'sast' && (t.critical > 0 || t.high > 0))",
          "service.area in ['website', 'backend', 'data']",
          "size(release.version) > 0 && release.version != '0.0.0'",
          "service.team == 'pay' || environment != 'prod'",
          "now > timestamp('2026-01-01T00:00:00Z')");

  static PolicyBundle bundle(int cheap, List<String> heavy) throws Exception {
    Map<String, String> files = new TreeMap<>();
    files.put("bench.yaml", yaml(cheap, heavy));
    return PolicyBundle.compile(files, PolicyBundle.Limits.DEFAULT);
  }

  /** Ten rules over the findings summary (counts by severity: open, overdue, fixable). */
  static List<String> summaryRules() {
    List<String> summary = new ArrayList<>();
    String[] sev = {"critical", "high", "medium", "low", "unknown"};
    for (int i = 0; i < 10; i++) {
      String s = sev[i % sev.length];
      summary.add(
          i % 2 == 0
              ? "summary.overdue." + s + " == 0"
              : "summary.open." + s + " - summary.fixable." + s + " < 5000");
    }
    return summary;
  }

  static String yaml(int cheap, List<String> heavy) {
    StringBuilder yaml =
        new StringBuilder(
            "name: bench\nvariables:\n  builders: [https://github.com/actions/runner/github-hosted]\nrules:\n");
    for (int i = 0; i < cheap; i++) {
      yaml.append("  - name: r")
          .append(i)
          .append("\n    expression: \"")
          .append(CHEAP.get(i % CHEAP.size()))
          .append("\"\n");
    }
    for (int i = 0; i < heavy.size(); i++) {
      yaml.append("  - name: h")
          .append(i)
          .append("\n    expression: \"")
          .append(heavy.get(i))
          .append("\"\n");
    }
    return yaml.toString();
  }

  static void evals(int seconds) throws Exception {
    PolicyBundle b = bundle(100, List.of());
    GateInput in = input(20);
    long rules = 0;
    long end = System.nanoTime() + 3_000_000_000L; // warm-up
    while (System.nanoTime() < end) {
      b.evaluate(in, List.of());
    }
    List<Double> perSecond = new ArrayList<>();
    for (int s = 0; s < seconds; s++) {
      long t0 = System.nanoTime();
      long n = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        Decision d = b.evaluate(in, List.of());
        n += d.results().size();
      }
      perSecond.add(n / ((System.nanoTime() - t0) / 1e9));
      rules += n;
    }
    Collections.sort(perSecond);
    System.out.printf(
        "CEL rule evaluations (whole gate evaluations of 100 one-line rules, with explanations), one thread, %d cores visible: median %,.0f rules/s (min %,.0f, max %,.0f) over %d one-second runs%n",
        Runtime.getRuntime().availableProcessors(),
        perSecond.get(perSecond.size() / 2),
        perSecond.get(0),
        perSecond.get(perSecond.size() - 1),
        seconds);
  }

  static void gate(int seconds) throws Exception {
    GateInput in = input(10_000);
    // 100 rules: 90 one-line rules over the release, service, evidence and promotions, and 10 over
    // the findings through their summary (counts by severity: open, overdue, fixable).
    List<String> summary = summaryRules();
    time("100 rules (90 one-line, 10 on the findings summary)", bundle(90, summary), in, seconds);
    // The same with one rule that walks every finding in CEL: what such a rule costs.
    List<String> walking = new ArrayList<>(summary.subList(0, 9));
    walking.add("!findings.exists(f, f.severity == 'critical' && f.state == 'open' && f.overdue)");
    time(
        "100 rules, one of them walking all 10,000 findings (exists)",
        bundle(90, walking),
        in,
        seconds);
    ceiling(seconds);
  }

  /**
   * A policy of {@code rules} rules that each walk a 440 x 440 grid (193,600 iterations, within
   * CEL's per-rule limit): minutes of work in all, which only the gate's budget stops. Scoped to
   * {@code team} when it is not null.
   */
  static String slowYaml(int rules, String team) {
    String xs =
        java.util.stream.IntStream.range(0, 440)
            .mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(", "));
    StringBuilder y =
        new StringBuilder(
            "name: slow\n"
                + (team == null ? "" : "scope:\n  teams: [" + team + "]\n")
                + "variables:\n  xs: ["
                + xs
                + "]\nrules:\n");
    for (int i = 0; i < rules; i++) {
      y.append("  - name: r")
          .append(i)
          .append("\n    expression: vars.xs.all(x, vars.xs.all(z, x + z >= 0))\n");
    }
    return y.toString();
  }

  /**
   * How soon after the gate's time ceiling the meter stops: 1,000 rules that each walk a 440 x 440
   * grid (minutes of work without the ceiling), iterations unbounded, a 50 ms ceiling. The tests
   * prove the stop with a fake clock; this is its wall-clock figure.
   */
  static void ceiling(int seconds) throws Exception {
    dev.bulwark.policy.Budget tight =
        new dev.bulwark.policy.Budget(
            dev.bulwark.policy.Budget.DEFAULT.ruleSize(),
            java.time.Duration.ofSeconds(30),
            Long.MAX_VALUE,
            dev.bulwark.policy.Budget.DEFAULT.gateSize(),
            java.time.Duration.ofMillis(50));
    PolicyBundle b =
        PolicyBundle.compile(
            Map.of("slow.yaml", slowYaml(1000, null)), PolicyBundle.Limits.DEFAULT, tight);
    GateInput in = input(0);
    List<Double> ms = new ArrayList<>();
    int runs = Math.max(10, seconds * 10);
    for (int i = 0; i < runs + 5; i++) {
      long t0 = System.nanoTime();
      Decision d = b.evaluate(in, List.of());
      double took = (System.nanoTime() - t0) / 1e6;
      if (d.allowed() || d.results().size() != 1000) {
        throw new IllegalStateException("expected a denial of 1,000 results");
      }
      if (i >= 5) { // the first runs warm up
        ms.add(took);
      }
    }
    Collections.sort(ms);
    System.out.printf(
        "gate of 1,000 rules of minutes of work in all, 50 ms time ceiling, engine only: denied after median %.1f ms, p99 %.1f ms, max %.1f ms (%d decisions)%n",
        ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.99)), ms.get(ms.size() - 1), ms.size());
  }

  static void time(String what, PolicyBundle b, GateInput in, int seconds) {
    long end = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < end) {
      b.evaluate(in, List.of());
    }
    List<Double> ms = new ArrayList<>();
    end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      Decision d = b.evaluate(in, List.of());
      ms.add((System.nanoTime() - t0) / 1e6);
      if (d.results().size() != 100) {
        throw new IllegalStateException("expected 100 results");
      }
    }
    Collections.sort(ms);
    System.out.printf(
        "gate decision over 10,000 findings, engine only, %s: median %.3f ms, p99 %.3f ms, max %.3f ms (%,d decisions)%n",
        what,
        ms.get(ms.size() / 2),
        ms.get((int) (ms.size() * 0.99)),
        ms.get(ms.size() - 1),
        ms.size());
  }

  static void attest(int seconds) throws Exception {
    String digest = "sha256:" + "ab".repeat(32);
    String statement =
        "{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [{\"name\": \"x\", \"digest\": {\"sha256\": \""
            + "ab".repeat(32)
            + "\"}}], \"predicateType\": \"https://slsa.dev/provenance/v1\", \"predicate\": {\"runDetails\": {\"builder\": {\"id\": \"https://ci\"}}, \"buildDefinition\": {\"resolvedDependencies\": [{\"uri\": \"git+https://example/x\", \"digest\": {\"sha1\": \"abc\"}}]}}}";
    byte[] payload = statement.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (String[] kind :
        List.of(
            new String[] {"Ed25519", "Ed25519", null},
            new String[] {"EC", "SHA256withECDSA", "secp256r1"},
            new String[] {"RSA", "SHA256withRSA", "2048"})) {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(kind[0]);
      if (kind[0].equals("EC")) {
        g.initialize(new java.security.spec.ECGenParameterSpec(kind[2]));
      } else if (kind[0].equals("RSA")) {
        g.initialize(2048);
      }
      java.security.KeyPair kp = g.generateKeyPair();
      java.security.Signature sig = java.security.Signature.getInstance(kind[1]);
      sig.initSign(kp.getPrivate());
      sig.update(
          dev.bulwark.policy.provenance.Dsse.pae(
              dev.bulwark.policy.provenance.Dsse.IN_TOTO_PAYLOAD, payload));
      byte[] envelope =
          ("{\"payloadType\": \"application/vnd.in-toto+json\", \"payload\": \""
                  + java.util.Base64.getEncoder().encodeToString(payload)
                  + "\", \"signatures\": [{\"keyid\": \"\", \"sig\": \""
                  + java.util.Base64.getEncoder().encodeToString(sig.sign())
                  + "\"}]}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      List<dev.bulwark.policy.provenance.TrustedKey> keys =
          List.of(new dev.bulwark.policy.provenance.TrustedKey("k", kp.getPublic(), List.of()));
      long end = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < end) {
        dev.bulwark.policy.provenance.Dsse.verify(envelope, digest, keys, "t");
      }
      List<Double> perSecond = new ArrayList<>();
      for (int s = 0; s < seconds; s++) {
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < 1_000_000_000L) {
          if (!dev.bulwark.policy.provenance.Dsse.verify(envelope, digest, keys, "t").verified()) {
            throw new IllegalStateException("did not verify");
          }
          n++;
        }
        perSecond.add(n / ((System.nanoTime() - t0) / 1e9));
      }
      Collections.sort(perSecond);
      System.out.printf(
          "DSSE envelope verifications (parse, PAE, signature, statement, subject digest), %s, one thread: median %,.0f/s (min %,.0f, max %,.0f)%n",
          kind[1] + (kind[2] == null ? "" : " " + kind[2]),
          perSecond.get(perSecond.size() / 2),
          perSecond.get(0),
          perSecond.get(perSecond.size() - 1));
    }
  }
}
