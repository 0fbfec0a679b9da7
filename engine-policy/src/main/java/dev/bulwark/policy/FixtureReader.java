package dev.bulwark.policy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a gate input written by hand (a policy test case) with the same field names a rule reads.
 * Unknown fields are errors with their position, so a fixture cannot silently test nothing.
 */
final class FixtureReader {
  private final String file;
  private final List<Diagnostic> problems;

  FixtureReader(String file, List<Diagnostic> problems) {
    this.file = file;
    this.problems = problems;
  }

  static final List<String> TOP =
      List.of(
          "service",
          "release",
          "findings",
          "attestations",
          "tests",
          "environment",
          "promotions",
          "now");

  /** The input from the top-level fields, each taken from {@code over} first, else {@code base}. */
  GateInput read(Map<String, Node> base, Map<String, Node> over, Node where) {
    Map<String, Node> m = new java.util.LinkedHashMap<>(base);
    m.putAll(over);
    for (var e : over.entrySet()) {
      if (!TOP.contains(e.getKey())) {
        problems.add(
            Yaml.at(
                file,
                e.getValue(),
                "unknown input field '" + e.getKey() + "' (expected one of " + TOP + ")"));
      }
    }
    for (String required : List.of("service", "release", "environment", "now")) {
      if (!m.containsKey(required)) {
        problems.add(Yaml.at(file, where, "the input needs '" + required + "'"));
      }
    }
    if (!m.keySet().containsAll(List.of("service", "release", "environment", "now"))) {
      return null;
    }
    int before = problems.size();
    Instant now = instant(m.get("now"), "now");
    Map<String, Node> s =
        fields(m.get("service"), "service", List.of("name", "team", "area", "criticality"));
    Map<String, Node> r =
        fields(m.get("release"), "release", List.of("version", "digest", "sbom", "components"));
    GateInput.Service service =
        s == null
            ? null
            : new GateInput.Service(
                str(s, "name", "service", null),
                str(s, "team", "service", null),
                str(s, "area", "service", null),
                str(s, "criticality", "service", null));
    GateInput.Release release =
        r == null
            ? null
            : new GateInput.Release(
                str(r, "version", "release", null),
                str(r, "digest", "release", null),
                bool(r, "sbom", true),
                integer(r, "components", 0));
    List<GateInput.Finding> findings = new ArrayList<>();
    for (Map<String, Node> f :
        list(
            m.get("findings"),
            "findings",
            List.of(
                "id",
                "aliases",
                "kind",
                "severity",
                "state",
                "component",
                "slaDue",
                "overdue",
                "fixedIn"))) {
      findings.add(
          new GateInput.Finding(
              str(f, "id", "finding", null),
              f.containsKey("aliases")
                  ? Yaml.strings(file, f.get("aliases"), "aliases", problems)
                  : List.of(),
              str(f, "kind", "finding", "dependency"),
              str(f, "severity", "finding", null),
              str(f, "state", "finding", "open"),
              str(f, "component", "finding", ""),
              f.containsKey("slaDue") ? instant(f.get("slaDue"), "slaDue") : now,
              bool(f, "overdue", false),
              str(f, "fixedIn", "finding", "")));
    }
    List<GateInput.Attestation> attestations = new ArrayList<>();
    for (Map<String, Node> a :
        list(
            m.get("attestations"),
            "attestations",
            List.of(
                "predicateType",
                "verified",
                "reason",
                "builderId",
                "sourceRepository",
                "materials"))) {
      List<GateInput.Material> materials = new ArrayList<>();
      for (Map<String, Node> mat :
          list(a.get("materials"), "materials", List.of("uri", "digest"))) {
        materials.add(
            new GateInput.Material(
                str(mat, "uri", "material", ""), str(mat, "digest", "material", "")));
      }
      attestations.add(
          new GateInput.Attestation(
              str(a, "predicateType", "attestation", null),
              bool(a, "verified", false),
              str(a, "reason", "attestation", ""),
              str(a, "builderId", "attestation", ""),
              str(a, "sourceRepository", "attestation", ""),
              materials));
    }
    List<GateInput.TestReport> tests = new ArrayList<>();
    for (Map<String, Node> t :
        list(
            m.get("tests"),
            "tests",
            List.of("tool", "kind", "results", "critical", "high", "medium", "low"))) {
      long critical = integer(t, "critical", 0);
      long high = integer(t, "high", 0);
      long medium = integer(t, "medium", 0);
      long low = integer(t, "low", 0);
      tests.add(
          new GateInput.TestReport(
              str(t, "tool", "test", null),
              str(t, "kind", "test", null),
              integer(t, "results", critical + high + medium + low),
              critical,
              high,
              medium,
              low));
    }
    List<GateInput.Promotion> promotions = new ArrayList<>();
    for (Map<String, Node> p :
        list(m.get("promotions"), "promotions", List.of("environment", "event", "at"))) {
      promotions.add(
          new GateInput.Promotion(
              str(p, "environment", "promotion", null),
              str(p, "event", "promotion", "allowed"),
              p.containsKey("at") ? instant(p.get("at"), "at") : now));
    }
    String environment = Yaml.string(file, m.get("environment"), "environment", problems);
    if (problems.size() > before) {
      return null;
    }
    try {
      return new GateInput(
          service, release, findings, attestations, tests, environment, promotions, now);
    } catch (NullPointerException e) {
      problems.add(Yaml.at(file, where, "missing field: " + e.getMessage()));
      return null;
    }
  }

  private final Map<Map<String, Node>, Node> owners = new java.util.IdentityHashMap<>();

  private Map<String, Node> fields(Node n, String what, List<String> allowed) {
    Map<String, Node> m = Yaml.mapping(file, n, what, problems);
    if (m != null) {
      owners.put(m, n);
      for (var e : m.entrySet()) {
        if (!allowed.contains(e.getKey())) {
          problems.add(
              Yaml.at(
                  file,
                  e.getValue(),
                  "unknown field '"
                      + e.getKey()
                      + "' of "
                      + what
                      + " (expected one of "
                      + allowed
                      + ")"));
        }
      }
    }
    return m;
  }

  private List<Map<String, Node>> list(Node n, String what, List<String> allowed) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode seq)) {
      problems.add(Yaml.at(file, n, what + " must be a list"));
      return List.of();
    }
    List<Map<String, Node>> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Map<String, Node> m = fields(item, what + " item", allowed);
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  private String str(Map<String, Node> m, String key, String what, String dflt) {
    Node n = m.get(key);
    if (n == null) {
      if (dflt == null) {
        problems.add(Yaml.at(file, owners.get(m), what + " needs '" + key + "'"));
      }
      return dflt;
    }
    return Yaml.string(file, n, what + "." + key, problems);
  }

  private boolean bool(Map<String, Node> m, String key, boolean dflt) {
    Node n = m.get(key);
    if (n == null) {
      return dflt;
    }
    if (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":bool")) {
      return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
    }
    problems.add(Yaml.at(file, n, key + " must be true or false"));
    return dflt;
  }

  private long integer(Map<String, Node> m, String key, long dflt) {
    Node n = m.get(key);
    if (n == null) {
      return dflt;
    }
    if (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":int")) {
      try {
        return Long.parseLong(s.getValue());
      } catch (NumberFormatException e) {
        // falls through to the diagnostic
      }
    }
    problems.add(Yaml.at(file, n, key + " must be an integer"));
    return dflt;
  }

  private Instant instant(Node n, String what) {
    String v = Yaml.string(file, n, what, problems);
    if (v == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      problems.add(
          Yaml.at(file, n, what + " must be an RFC 3339 UTC time such as 2026-11-27T00:00:00Z"));
      return Instant.EPOCH;
    }
  }
}
