package dev.bulwark.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Runs the test cases kept beside a bundle ({@code tests/*.yaml}) against the bundle exactly as the
 * gate evaluates it. A test file:
 *
 * <pre>
 * fixture:            # the input shared by the cases (any top-level input field)
 *   service: {name: payments, team: pay, area: data, criticality: critical}
 *   ...
 * cases:
 *   - name: an overdue critical finding blocks prod
 *     input:          # fields replacing the fixture's, whole
 *       findings: [{id: CVE-1, severity: critical, overdue: true}]
 *     waivers: []     # optional: {id, policy, rule, digest, findingId, expires}
 *     expect:
 *       decision: deny
 *       failing: [sla/no-overdue-critical]   # rules that fail or err; exact when given
 * </pre>
 */
public final class PolicyTests {
  private PolicyTests() {}

  /** One case's verdict: {@code problem} is null when it passed. */
  public record CaseResult(String file, int line, String name, String problem, Decision decision) {
    public boolean passed() {
      return problem == null;
    }
  }

  /** Reads and runs every test file under {@code dir/tests}; test files with errors throw. */
  public static List<CaseResult> run(PolicyBundle bundle, Path dir)
      throws PolicyException, IOException {
    Path tests = dir.resolve("tests");
    Map<String, String> files = new java.util.TreeMap<>();
    if (Files.isDirectory(tests)) {
      try (Stream<Path> walk = Files.walk(tests)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
          if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            files.put(
                dir.relativize(f).toString().replace('\\', '/'),
                Files.readString(f, StandardCharsets.UTF_8));
          }
        }
      }
    }
    return run(bundle, files);
  }

  public static List<CaseResult> run(PolicyBundle bundle, Map<String, String> files)
      throws PolicyException {
    List<Diagnostic> problems = new ArrayList<>();
    record Case(
        String file,
        int line,
        String name,
        GateInput input,
        List<Waiver> waivers,
        String decision,
        List<String> failing) {}
    List<Case> cases = new ArrayList<>();
    for (var f : files.entrySet()) {
      String file = f.getKey();
      for (Node doc : Yaml.documents(file, f.getValue(), problems)) {
        Map<String, Node> top = Yaml.mapping(file, doc, "a test file", problems);
        if (top == null) {
          continue;
        }
        Yaml.onlyKeys(file, top, List.of("fixture", "cases"), problems);
        Map<String, Node> fixture =
            top.containsKey("fixture")
                ? Yaml.mapping(file, top.get("fixture"), "fixture", problems)
                : Map.of();
        if (fixture == null) {
          continue;
        }
        if (!(top.get("cases") instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
          problems.add(
              Yaml.at(file, top.getOrDefault("cases", doc), "'cases' must be a non-empty list"));
          continue;
        }
        FixtureReader reader = new FixtureReader(file, problems);
        for (Node c : seq.getValue()) {
          Map<String, Node> m = Yaml.mapping(file, c, "a case", problems);
          if (m == null) {
            continue;
          }
          Yaml.onlyKeys(file, m, List.of("name", "input", "waivers", "expect"), problems);
          String name =
              m.containsKey("name") ? Yaml.string(file, m.get("name"), "name", problems) : null;
          if (name == null) {
            problems.add(Yaml.at(file, c, "a case needs a 'name'"));
          }
          Map<String, Node> over =
              m.containsKey("input")
                  ? Yaml.mapping(file, m.get("input"), "input", problems)
                  : Map.of();
          GateInput input = over == null ? null : reader.read(fixture, over, c);
          List<Waiver> waivers = waivers(file, m.get("waivers"), problems);
          Map<String, Node> expect =
              m.containsKey("expect")
                  ? Yaml.mapping(file, m.get("expect"), "expect", problems)
                  : null;
          if (!m.containsKey("expect")) {
            problems.add(Yaml.at(file, c, "a case needs 'expect'"));
          }
          String decision = null;
          List<String> failing = null;
          if (expect != null) {
            Yaml.onlyKeys(file, expect, List.of("decision", "failing"), problems);
            decision =
                expect.containsKey("decision")
                    ? Yaml.string(file, expect.get("decision"), "decision", problems)
                    : null;
            if (decision == null || !(decision.equals("allow") || decision.equals("deny"))) {
              problems.add(
                  Yaml.at(
                      file,
                      expect.getOrDefault("decision", m.get("expect")),
                      "expect.decision must be allow or deny"));
            }
            failing =
                expect.containsKey("failing")
                    ? Yaml.strings(file, expect.get("failing"), "expect.failing", problems)
                    : null;
          }
          if (name != null && input != null && decision != null) {
            cases.add(
                new Case(
                    file, c.getStartMark().getLine() + 1, name, input, waivers, decision, failing));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    List<CaseResult> out = new ArrayList<>();
    for (Case c : cases) {
      Decision d = bundle.evaluate(c.input(), c.waivers());
      List<String> problemsOfCase = new ArrayList<>();
      if (!d.decision().equals(c.decision())) {
        problemsOfCase.add("expected " + c.decision() + ", got " + d.decision());
      }
      TreeSet<String> failed = new TreeSet<>();
      d.results().stream()
          .filter(r -> r.outcome() == Outcome.fail || r.outcome() == Outcome.error)
          .forEach(r -> failed.add(r.id()));
      if (c.failing() != null && !failed.equals(new TreeSet<>(c.failing()))) {
        problemsOfCase.add("expected failing " + new TreeSet<>(c.failing()) + ", got " + failed);
      }
      out.add(
          new CaseResult(
              c.file(),
              c.line(),
              c.name(),
              problemsOfCase.isEmpty() ? null : String.join("; ", problemsOfCase),
              d));
    }
    return out;
  }

  private static List<Waiver> waivers(String file, Node n, List<Diagnostic> problems) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode seq)) {
      problems.add(Yaml.at(file, n, "waivers must be a list"));
      return List.of();
    }
    List<Waiver> out = new ArrayList<>();
    for (Node w : seq.getValue()) {
      Map<String, Node> m = Yaml.mapping(file, w, "a waiver", problems);
      if (m == null) {
        continue;
      }
      Yaml.onlyKeys(
          file, m, List.of("id", "policy", "rule", "digest", "findingId", "expires"), problems);
      String id = m.containsKey("id") ? Yaml.string(file, m.get("id"), "id", problems) : "waiver";
      String policy =
          m.containsKey("policy") ? Yaml.string(file, m.get("policy"), "policy", problems) : null;
      String rule =
          m.containsKey("rule") ? Yaml.string(file, m.get("rule"), "rule", problems) : null;
      String digest =
          m.containsKey("digest") ? Yaml.string(file, m.get("digest"), "digest", problems) : null;
      String finding =
          m.containsKey("findingId")
              ? Yaml.string(file, m.get("findingId"), "findingId", problems)
              : null;
      String expires =
          m.containsKey("expires")
              ? Yaml.string(file, m.get("expires"), "expires", problems)
              : null;
      if (policy == null || rule == null || expires == null) {
        problems.add(Yaml.at(file, w, "a waiver needs 'policy', 'rule' and 'expires'"));
        continue;
      }
      try {
        out.add(new Waiver(id, policy, rule, digest, finding, java.time.Instant.parse(expires)));
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(Yaml.at(file, m.get("expires"), "expires must be an RFC 3339 UTC time"));
      }
    }
    return out;
  }
}
