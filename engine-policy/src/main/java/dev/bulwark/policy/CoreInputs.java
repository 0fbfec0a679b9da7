package dev.bulwark.policy;

import static dev.bulwark.policy.InputType.BOOL;
import static dev.bulwark.policy.InputType.INT;
import static dev.bulwark.policy.InputType.STRING;
import static dev.bulwark.policy.InputType.TIMESTAMP;
import static dev.bulwark.policy.InputType.field;
import static dev.bulwark.policy.InputType.list;
import static dev.bulwark.policy.InputType.struct;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The inputs every rule may read, each declared once. A new input is one more constant here (or one
 * from a server feature, {@link PolicyInputs#register}), its line in {@code docs/policies.md} and,
 * for a fact, its builder on the server.
 */
public final class CoreInputs {
  private CoreInputs() {}

  static final InputType.Struct SERVICE_TYPE =
      struct(
          "Service",
          field("name", STRING),
          field("team", STRING),
          field("area", STRING),
          field("criticality", STRING));

  static final InputType.Struct RELEASE_TYPE =
      struct(
          "Release",
          field("version", STRING),
          field("digest", STRING),
          field("sbom", BOOL),
          field("components", INT));

  static final InputType.Struct FINDING_TYPE =
      struct(
          "Finding",
          field("id", STRING),
          field("aliases", list(STRING)),
          field("kind", STRING),
          field("severity", STRING),
          field("state", STRING),
          field("component", STRING),
          field("slaDue", TIMESTAMP),
          field("overdue", BOOL),
          field("fixAvailable", BOOL),
          field("fixedIn", STRING));

  static final InputType.Struct SEVERITY_COUNTS_TYPE =
      struct(
          "SeverityCounts",
          field("critical", INT),
          field("high", INT),
          field("medium", INT),
          field("low", INT),
          field("none", INT),
          field("unknown", INT),
          field("total", INT));

  static final InputType.Struct FINDING_SUMMARY_TYPE =
      struct(
          "FindingSummary",
          field("open", SEVERITY_COUNTS_TYPE),
          field("overdue", SEVERITY_COUNTS_TYPE),
          field("fixable", SEVERITY_COUNTS_TYPE),
          field("total", INT));

  static final InputType.Struct MATERIAL_TYPE =
      struct("Material", field("uri", STRING), field("digest", STRING));

  static final InputType.Struct ATTESTATION_TYPE =
      struct(
          "Attestation",
          field("predicateType", STRING),
          field("verified", BOOL),
          field("reason", STRING),
          field("builderId", STRING),
          field("sourceRepository", STRING),
          field("materials", list(MATERIAL_TYPE)));

  static final InputType.Struct TEST_REPORT_TYPE =
      struct(
          "TestReport",
          field("tool", STRING),
          field("kind", STRING),
          field("results", INT),
          field("critical", INT),
          field("high", INT),
          field("medium", INT),
          field("low", INT));

  static final InputType.Struct PROMOTION_TYPE =
      struct(
          "Promotion",
          field("environment", STRING),
          field("event", STRING),
          field("at", TIMESTAMP));

  public static final PolicyInput<GateInput.Service> SERVICE =
      PolicyInput.fact(
          "service",
          SERVICE_TYPE,
          "the catalog entry",
          s ->
              Map.of(
                  "name", s.name(),
                  "team", s.team(),
                  "area", s.area(),
                  "criticality", s.criticality()),
          CoreInputs::service,
          null);

  public static final PolicyInput<GateInput.Release> RELEASE =
      PolicyInput.fact(
          "release",
          RELEASE_TYPE,
          "the release asked about",
          r ->
              Map.of(
                  "version", r.version(),
                  "digest", r.digest(),
                  "sbom", r.sbom(),
                  "components", r.components()),
          CoreInputs::release,
          null);

  public static final PolicyInput<List<GateInput.Finding>> FINDINGS =
      PolicyInput.fact(
          "findings",
          list(FINDING_TYPE),
          "the release's dependency findings (`component` a purl) with their effective state (an"
              + " expired risk acceptance counts as `open`)",
          fs -> fs.stream().map(CoreInputs::finding).toList(),
          CoreInputs::findings,
          List.of());

  public static final PolicyInput<Object> SUMMARY =
      PolicyInput.derived(
          "summary",
          FINDING_SUMMARY_TYPE,
          "counts over the findings in state `open`, `triaged` or `affected`, computed once per"
              + " gate",
          in -> summary(in.get(FINDINGS)));

  public static final PolicyInput<List<GateInput.Attestation>> ATTESTATIONS =
      PolicyInput.fact(
          "attestations",
          list(ATTESTATION_TYPE),
          "every attestation stored for the release, also those that failed verification (with"
              + " `reason`)",
          as ->
              as.stream()
                  .map(
                      a ->
                          Map.of(
                              "predicateType", a.predicateType(),
                              "verified", a.verified(),
                              "reason", a.reason(),
                              "builderId", a.builderId(),
                              "sourceRepository", a.sourceRepository(),
                              "materials",
                                  a.materials().stream()
                                      .map(m -> Map.of("uri", m.uri(), "digest", m.digest()))
                                      .toList()))
                  .toList(),
          CoreInputs::attestations,
          List.of());

  public static final PolicyInput<List<GateInput.TestReport>> TESTS =
      PolicyInput.fact(
          "tests",
          list(TEST_REPORT_TYPE),
          "the latest SARIF upload per tool (`kind` is `sast` or `dast`)",
          ts ->
              ts.stream()
                  .map(
                      t ->
                          Map.<String, Object>of(
                              "tool", t.tool(),
                              "kind", t.kind(),
                              "results", t.results(),
                              "critical", t.critical(),
                              "high", t.high(),
                              "medium", t.medium(),
                              "low", t.low()))
                  .toList(),
          CoreInputs::tests,
          List.of());

  public static final PolicyInput<String> ENVIRONMENT =
      PolicyInput.question(
          "environment",
          STRING,
          "the environment asked about",
          e -> e,
          (f, n) -> f.string(n, "environment"),
          null);

  public static final PolicyInput<List<GateInput.Promotion>> PROMOTIONS =
      PolicyInput.question(
          "promotions",
          list(PROMOTION_TYPE),
          "this digest's history (`event` is `allowed` or `deployed`): first gate allow and first"
              + " deployment per environment",
          CoreInputs::promotions,
          CoreInputs::promotions,
          List.of());

  public static final PolicyInput<Instant> NOW =
      PolicyInput.question(
          "now",
          TIMESTAMP,
          "the server's time of the decision",
          GateInput::timestamp,
          (f, n) -> f.instant(n, "now"),
          null);

  /** In the documentation's order. */
  public static final List<PolicyInput<?>> ALL =
      List.of(
          SERVICE, RELEASE, FINDINGS, SUMMARY, ATTESTATIONS, TESTS, ENVIRONMENT, PROMOTIONS, NOW);

  private static GateInput.Service service(Fixture f, Node n) {
    Map<String, Node> s = f.fields(n, "service", SERVICE_TYPE.fieldNames());
    return s == null
        ? null
        : new GateInput.Service(
            f.str(s, "name", "service", null),
            f.str(s, "team", "service", null),
            f.str(s, "area", "service", null),
            f.str(s, "criticality", "service", null));
  }

  private static GateInput.Release release(Fixture f, Node n) {
    Map<String, Node> r = f.fields(n, "release", RELEASE_TYPE.fieldNames());
    return r == null
        ? null
        : new GateInput.Release(
            f.str(r, "version", "release", null),
            f.str(r, "digest", "release", null),
            f.bool(r, "sbom", true),
            f.integer(r, "components", 0));
  }

  private static List<GateInput.Finding> findings(Fixture f, Node n) {
    List<GateInput.Finding> out = new ArrayList<>();
    for (Map<String, Node> m : f.list(n, "findings", FINDING_TYPE.fieldNamesBut("fixAvailable"))) {
      out.add(
          new GateInput.Finding(
              f.str(m, "id", "finding", null),
              f.strings(m, "aliases"),
              f.str(m, "kind", "finding", "dependency"),
              f.str(m, "severity", "finding", null),
              f.str(m, "state", "finding", "open"),
              f.str(m, "component", "finding", ""),
              f.instant(m, "slaDue", f.now()),
              f.bool(m, "overdue", false),
              f.str(m, "fixedIn", "finding", "")));
    }
    return out;
  }

  private static List<GateInput.Attestation> attestations(Fixture f, Node n) {
    List<GateInput.Attestation> out = new ArrayList<>();
    for (Map<String, Node> a : f.list(n, "attestations", ATTESTATION_TYPE.fieldNames())) {
      List<GateInput.Material> materials = new ArrayList<>();
      for (Map<String, Node> mat :
          f.list(a.get("materials"), "materials", MATERIAL_TYPE.fieldNames())) {
        materials.add(
            new GateInput.Material(
                f.str(mat, "uri", "material", ""), f.str(mat, "digest", "material", "")));
      }
      out.add(
          new GateInput.Attestation(
              f.str(a, "predicateType", "attestation", null),
              f.bool(a, "verified", false),
              f.str(a, "reason", "attestation", ""),
              f.str(a, "builderId", "attestation", ""),
              f.str(a, "sourceRepository", "attestation", ""),
              materials));
    }
    return out;
  }

  private static List<GateInput.TestReport> tests(Fixture f, Node n) {
    List<GateInput.TestReport> out = new ArrayList<>();
    for (Map<String, Node> t : f.list(n, "tests", TEST_REPORT_TYPE.fieldNames())) {
      long critical = f.integer(t, "critical", 0);
      long high = f.integer(t, "high", 0);
      long medium = f.integer(t, "medium", 0);
      long low = f.integer(t, "low", 0);
      out.add(
          new GateInput.TestReport(
              f.str(t, "tool", "test", null),
              f.str(t, "kind", "test", null),
              f.integer(t, "results", critical + high + medium + low),
              critical,
              high,
              medium,
              low));
    }
    return out;
  }

  private static List<GateInput.Promotion> promotions(Fixture f, Node n) {
    List<GateInput.Promotion> out = new ArrayList<>();
    for (Map<String, Node> p : f.list(n, "promotions", PROMOTION_TYPE.fieldNames())) {
      out.add(
          new GateInput.Promotion(
              f.str(p, "environment", "promotion", null),
              f.str(p, "event", "promotion", "allowed"),
              f.instant(p, "at", f.now())));
    }
    return out;
  }

  static List<Map<String, Object>> promotions(List<GateInput.Promotion> promotions) {
    return promotions.stream()
        .map(
            p ->
                Map.<String, Object>of(
                    "environment", p.environment(),
                    "event", p.event(),
                    "at", GateInput.timestamp(p.at())))
        .toList();
  }

  /** Findings still to act on: not fixed, not judged not affected, not accepted. */
  static final java.util.Set<String> OPEN_STATES = java.util.Set.of("open", "triaged", "affected");

  static final List<String> LEVELS =
      List.of("critical", "high", "medium", "low", "none", "unknown");

  /**
   * Counts by severity, computed once here so that rules such as "no overdue critical finding" read
   * one number instead of walking ten thousand findings in the interpreter.
   */
  static Map<String, Object> summary(List<GateInput.Finding> findings) {
    long[][] counts = new long[3][LEVELS.size()];
    for (GateInput.Finding f : findings) {
      if (!OPEN_STATES.contains(f.state())) {
        continue;
      }
      int level = LEVELS.indexOf(f.severity());
      if (level < 0) {
        level = LEVELS.size() - 1;
      }
      counts[0][level]++;
      if (f.overdue()) {
        counts[1][level]++;
      }
      if (!f.fixedIn().isEmpty()) {
        counts[2][level]++;
      }
    }
    return Map.of(
        "open", counts(counts[0]),
        "overdue", counts(counts[1]),
        "fixable", counts(counts[2]),
        "total", (long) findings.size());
  }

  private static Map<String, Object> counts(long[] c) {
    Map<String, Object> m = new LinkedHashMap<>();
    long total = 0;
    for (int i = 0; i < LEVELS.size(); i++) {
      m.put(LEVELS.get(i), c[i]);
      total += c[i];
    }
    m.put("total", total);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Keys in sorted order, so that the canonical digest need not sort them. */
  private static Map<String, Object> finding(GateInput.Finding f) {
    Map<String, Object> m = new LinkedHashMap<>(16);
    m.put("aliases", f.aliases());
    m.put("component", f.component());
    m.put("fixAvailable", !f.fixedIn().isEmpty());
    m.put("fixedIn", f.fixedIn());
    m.put("id", f.id());
    m.put("kind", f.kind());
    m.put("overdue", f.overdue());
    m.put("severity", f.severity());
    m.put("slaDue", GateInput.timestamp(f.slaDue()));
    m.put("state", f.state());
    return java.util.Collections.unmodifiableMap(m);
  }
}
