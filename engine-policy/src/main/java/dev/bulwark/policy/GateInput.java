package dev.bulwark.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a rule may read about one question ("may this release go to this environment?"). The
 * CEL values are built once here, so every rule of every policy reads the same maps: nothing is
 * copied per rule. Field names and types are those of {@link InputSchema}; the schema and this
 * class change together (a test keeps them equal).
 */
public final class GateInput {
  public record Service(String name, String team, String area, String criticality) {
    public Service {
      Objects.requireNonNull(name, "service.name");
      Objects.requireNonNull(team, "service.team");
      Objects.requireNonNull(area, "service.area");
      Objects.requireNonNull(criticality, "service.criticality");
    }
  }

  public record Release(String version, String digest, boolean sbom, long components) {
    public Release {
      Objects.requireNonNull(version, "release.version");
      Objects.requireNonNull(digest, "release.digest");
    }
  }

  /** A finding of the release; {@code fixedIn} is empty when no fix is known. */
  public record Finding(
      String id,
      List<String> aliases,
      String kind,
      String severity,
      String state,
      String component,
      Instant slaDue,
      boolean overdue,
      String fixedIn) {
    public Finding {
      Objects.requireNonNull(id, "finding.id");
      aliases = List.copyOf(aliases);
      Objects.requireNonNull(kind, "finding.kind");
      Objects.requireNonNull(severity, "finding.severity");
      Objects.requireNonNull(state, "finding.state");
      component = component == null ? "" : component;
      Objects.requireNonNull(slaDue, "finding.slaDue");
      fixedIn = fixedIn == null ? "" : fixedIn;
    }
  }

  public record Material(String uri, String digest) {
    public Material {
      uri = uri == null ? "" : uri;
      digest = digest == null ? "" : digest;
    }
  }

  /** An attestation of the release digest; {@code reason} says why verification failed. */
  public record Attestation(
      String predicateType,
      boolean verified,
      String reason,
      String builderId,
      String sourceRepository,
      List<Material> materials) {
    public Attestation {
      Objects.requireNonNull(predicateType, "attestation.predicateType");
      reason = reason == null ? "" : reason;
      builderId = builderId == null ? "" : builderId;
      sourceRepository = sourceRepository == null ? "" : sourceRepository;
      materials = List.copyOf(materials);
    }
  }

  /** A security test report (SARIF) summarized per tool: result counts by severity. */
  public record TestReport(
      String tool, String kind, long results, long critical, long high, long medium, long low) {
    public TestReport {
      Objects.requireNonNull(tool, "test.tool");
      Objects.requireNonNull(kind, "test.kind");
    }
  }

  /** Where this digest has been: allowed by a gate, or deployed, in an environment. */
  public record Promotion(String environment, String event, Instant at) {
    public Promotion {
      Objects.requireNonNull(environment, "promotion.environment");
      Objects.requireNonNull(event, "promotion.event");
      Objects.requireNonNull(at, "promotion.at");
    }
  }

  private final Service service;
  private final Release release;
  private final String environment;
  private final Instant now;
  private final Map<String, Object> values;
  private final List<Finding> findings;
  private String digest;

  /** The findings' own digest, shared by inputs that differ only in environment, time, history. */
  private final FindingsDigest findingsDigest;

  private static final class FindingsDigest {
    private String value;
  }

  public GateInput(
      Service service,
      Release release,
      List<Finding> findings,
      List<Attestation> attestations,
      List<TestReport> tests,
      String environment,
      List<Promotion> promotions,
      Instant now) {
    this.service = Objects.requireNonNull(service, "service");
    this.release = Objects.requireNonNull(release, "release");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.now = Objects.requireNonNull(now, "now");
    this.findings = List.copyOf(findings);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(
        "service",
        Map.of(
            "name", service.name(),
            "team", service.team(),
            "area", service.area(),
            "criticality", service.criticality()));
    v.put(
        "release",
        Map.of(
            "version", release.version(),
            "digest", release.digest(),
            "sbom", release.sbom(),
            "components", release.components()));
    v.put("findings", this.findings.stream().map(GateInput::finding).toList());
    v.put("summary", summary(this.findings));
    v.put(
        "attestations",
        attestations.stream()
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
            .toList());
    v.put(
        "tests",
        tests.stream()
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
            .toList());
    v.put("environment", environment);
    v.put("promotions", promotions(promotions));
    v.put("now", timestamp(now));
    this.values = java.util.Collections.unmodifiableMap(v);
    this.findingsDigest = new FindingsDigest();
  }

  /**
   * The same facts asked about another environment, at another time, with the digest's promotion
   * history as it is now: the findings, their summary and the evidence are shared, not rebuilt. The
   * caller guarantees that the findings' time-dependent fields ({@code overdue}, effective state)
   * still hold at {@code now}.
   */
  public GateInput at(String environment, List<Promotion> promotions, Instant now) {
    Map<String, Object> v = new LinkedHashMap<>(values);
    v.put("environment", Objects.requireNonNull(environment, "environment"));
    v.put("promotions", promotions(promotions));
    v.put("now", timestamp(Objects.requireNonNull(now, "now")));
    return new GateInput(this, environment, now, v, findingsDigest);
  }

  private static List<Map<String, Object>> promotions(List<Promotion> promotions) {
    return promotions.stream()
        .map(
            p ->
                Map.<String, Object>of(
                    "environment", p.environment(),
                    "event", p.event(),
                    "at", timestamp(p.at())))
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
  private static Map<String, Object> summary(List<Finding> findings) {
    long[][] counts = new long[3][LEVELS.size()];
    for (Finding f : findings) {
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
  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>(16);
    m.put("aliases", f.aliases());
    m.put("component", f.component());
    m.put("fixAvailable", !f.fixedIn().isEmpty());
    m.put("fixedIn", f.fixedIn());
    m.put("id", f.id());
    m.put("kind", f.kind());
    m.put("overdue", f.overdue());
    m.put("severity", f.severity());
    m.put("slaDue", timestamp(f.slaDue()));
    m.put("state", f.state());
    return java.util.Collections.unmodifiableMap(m);
  }

  static com.google.protobuf.Timestamp timestamp(Instant i) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(i.getEpochSecond())
        .setNanos(i.getNano())
        .build();
  }

  public Service service() {
    return service;
  }

  public Release release() {
    return release;
  }

  public String environment() {
    return environment;
  }

  public Instant now() {
    return now;
  }

  public List<Finding> findings() {
    return findings;
  }

  /** The CEL variables, shared read-only by every rule. */
  Map<String, Object> values() {
    return values;
  }

  /** The same input without some findings: how a waiver for one finding is tried. */
  GateInput withoutFindings(java.util.Set<String> ids) {
    Map<String, Object> v = new LinkedHashMap<>(values);
    List<Object> kept = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> all = (List<Map<String, Object>>) values.get("findings");
    for (Map<String, Object> f : all) {
      if (!ids.contains((String) f.get("id"))) {
        kept.add(f);
      }
    }
    v.put("findings", kept);
    List<Finding> keptFindings = new ArrayList<>();
    for (Finding f : findings) {
      if (!ids.contains(f.id())) {
        keptFindings.add(f);
      }
    }
    v.put("summary", summary(keptFindings));
    GateInput copy = this.copyWith(v);
    return copy;
  }

  private GateInput(
      GateInput from,
      String environment,
      Instant now,
      Map<String, Object> values,
      FindingsDigest findingsDigest) {
    this.service = from.service;
    this.release = from.release;
    this.environment = environment;
    this.now = now;
    this.findings = from.findings;
    this.values = java.util.Collections.unmodifiableMap(values);
    this.findingsDigest = findingsDigest;
  }

  private GateInput copyWith(Map<String, Object> values) {
    return new GateInput(this, environment, now, values, new FindingsDigest());
  }

  /**
   * The input's digest, in two levels so that the findings (about 3 MB of JSON for ten thousand)
   * are hashed once per set of facts, not once per question: {@code findings} is the SHA-256 of the
   * RFC 8785 canonical JSON of the findings list, and the input digest is the SHA-256 of the
   * canonical JSON of the input with the findings list replaced by the string {@code
   * "sha256:<findings digest>"}. Both are as binding as one hash over everything; an auditor
   * recomputes them the same way.
   */
  public synchronized String digest() {
    if (digest == null) {
      Map<String, Object> v = new LinkedHashMap<>(values);
      v.put("findings", findingsDigest());
      digest = sha256(v);
    }
    return digest;
  }

  /** SHA-256 of the canonical JSON of the findings list, computed once per set of facts. */
  public String findingsDigest() {
    synchronized (findingsDigest) {
      if (findingsDigest.value == null) {
        findingsDigest.value = sha256(values.get("findings"));
      }
      return findingsDigest.value;
    }
  }

  static String sha256(Object value) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Canonical out = new Canonical(md);
      out.value(value);
      out.flush();
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Canonical JSON written into a message digest through a small buffer. */
  private static final class Canonical {
    private final MessageDigest md;
    private final StringBuilder buf = new StringBuilder(8192);

    Canonical(MessageDigest md) {
      this.md = md;
    }

    void value(Object v) {
      switch (v) {
        case Map<?, ?> m -> {
          String[] keys = m.keySet().toArray(String[]::new);
          for (int i = 1; i < keys.length; i++) {
            if (keys[i - 1].compareTo(keys[i]) > 0) {
              java.util.Arrays.sort(keys);
              break;
            }
          }
          buf.append('{');
          for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
              buf.append(',');
            }
            string(keys[i]);
            buf.append(':');
            value(m.get(keys[i]));
          }
          buf.append('}');
        }
        case List<?> l -> {
          buf.append('[');
          for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
              buf.append(',');
            }
            value(l.get(i));
          }
          buf.append(']');
        }
        case String s -> string(s);
        case com.google.protobuf.Timestamp t -> timestamp(t.getSeconds(), t.getNanos());
        default -> buf.append(v);
      }
      if (buf.length() >= 8192) {
        flush();
      }
    }

    /**
     * A timestamp as {@code Instant.toString()} writes it (ISO-8601 UTC, fraction in groups of
     * three digits when not zero), without the formatter's cost; years outside 0000-9999 go through
     * {@code Instant.toString()}.
     */
    private void timestamp(long seconds, int nanos) {
      java.time.LocalDateTime t =
          java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
      if (t.getYear() < 0 || t.getYear() > 9999) {
        string(Instant.ofEpochSecond(seconds, nanos).toString());
        return;
      }
      buf.append('"');
      pad(t.getYear(), 4);
      buf.append('-');
      pad(t.getMonthValue(), 2);
      buf.append('-');
      pad(t.getDayOfMonth(), 2);
      buf.append('T');
      pad(t.getHour(), 2);
      buf.append(':');
      pad(t.getMinute(), 2);
      buf.append(':');
      pad(t.getSecond(), 2);
      if (nanos > 0) {
        buf.append('.');
        if (nanos % 1_000_000 == 0) {
          pad(nanos / 1_000_000, 3);
        } else if (nanos % 1000 == 0) {
          pad(nanos / 1000, 6);
        } else {
          pad(nanos, 9);
        }
      }
      buf.append("Z\"");
    }

    private void pad(int value, int width) {
      String v = Integer.toString(value);
      for (int i = v.length(); i < width; i++) {
        buf.append('0');
      }
      buf.append(v);
    }

    /** RFC 8785 string escaping, as the ledger's entries use it. */
    private void string(String s) {
      buf.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> buf.append("\\\"");
          case '\\' -> buf.append("\\\\");
          case '\b' -> buf.append("\\b");
          case '\f' -> buf.append("\\f");
          case '\n' -> buf.append("\\n");
          case '\r' -> buf.append("\\r");
          case '\t' -> buf.append("\\t");
          default -> {
            if (c < 0x20) {
              buf.append("\\u00")
                  .append(Character.forDigit(c >> 4, 16))
                  .append(Character.forDigit(c & 0xf, 16));
            } else {
              buf.append(c);
            }
          }
        }
      }
      buf.append('"');
    }

    void flush() {
      md.update(buf.toString().getBytes(StandardCharsets.UTF_8));
      buf.setLength(0);
    }
  }

  /** The input as plain JSON-ready values (timestamps as strings), for explanations and tests. */
  static Object plain(Object v) {
    if (v instanceof com.google.protobuf.Timestamp t) {
      return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put((String) k, plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) {
        out.add(plain(x));
      }
      return Collections.unmodifiableList(out);
    }
    return v;
  }
}
