package dev.bulwark.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 * copied per rule. Which inputs there are, their types and their CEL values are declared once each
 * ({@link PolicyInput}, {@link CoreInputs}); this class holds the values of one question.
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

  /** The Java values by input name (derived inputs have none). */
  private final Map<String, Object> typed;

  private final Map<String, Object> values;
  private String digest;

  /** The findings' own digest, shared by inputs that differ only in environment, time, history. */
  private final FindingsDigest findingsDigest;

  private static final class FindingsDigest {
    private String value;
  }

  /** The core inputs; those a feature adds take their {@link PolicyInput#absent() absent} value. */
  public GateInput(
      Service service,
      Release release,
      List<Finding> findings,
      List<Attestation> attestations,
      List<TestReport> tests,
      String environment,
      List<Promotion> promotions,
      Instant now) {
    this(
        builder()
            .set(CoreInputs.SERVICE, Objects.requireNonNull(service, "service"))
            .set(CoreInputs.RELEASE, Objects.requireNonNull(release, "release"))
            .set(CoreInputs.FINDINGS, List.copyOf(findings))
            .set(CoreInputs.ATTESTATIONS, attestations)
            .set(CoreInputs.TESTS, tests)
            .set(CoreInputs.ENVIRONMENT, Objects.requireNonNull(environment, "environment"))
            .set(CoreInputs.PROMOTIONS, promotions)
            .set(CoreInputs.NOW, Objects.requireNonNull(now, "now")));
  }

  private GateInput(Builder b) {
    Map<String, Object> t = new LinkedHashMap<>();
    Map<String, Object> v = new LinkedHashMap<>();
    for (PolicyInput<?> in : PolicyInputs.all()) {
      if (in.kind() == PolicyInput.Kind.DERIVED) {
        continue;
      }
      Object value = b.values.containsKey(in.name()) ? b.values.get(in.name()) : in.absent();
      Objects.requireNonNull(value, in.name());
      t.put(in.name(), value);
      v.put(in.name(), cel(in, value));
    }
    for (String name : b.values.keySet()) {
      if (!t.containsKey(name)) {
        throw new IllegalArgumentException("no policy input '" + name + "' is declared");
      }
    }
    this.typed = java.util.Collections.unmodifiableMap(t);
    this.findingsDigest = new FindingsDigest();
    this.values = withDerived(v);
  }

  @SuppressWarnings("unchecked")
  private static <T> Object cel(PolicyInput<T> in, Object value) {
    return in.cel((T) value);
  }

  /** The values with the derived inputs added, in declaration order (they read typed values). */
  private Map<String, Object> withDerived(Map<String, Object> v) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (PolicyInput<?> in : PolicyInputs.all()) {
      ordered.put(
          in.name(), in.kind() == PolicyInput.Kind.DERIVED ? in.derive(this) : v.get(in.name()));
    }
    return java.util.Collections.unmodifiableMap(ordered);
  }

  /** Collects the inputs' values; one not set takes its declaration's absent value. */
  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    public <T> Builder set(PolicyInput<T> input, T value) {
      if (input.kind() == PolicyInput.Kind.DERIVED) {
        throw new IllegalArgumentException(input.name() + " is derived, never set");
      }
      values.put(input.name(), value);
      return this;
    }

    /** The input; a missing required value is a NullPointerException naming the input. */
    public GateInput build() {
      return new GateInput(this);
    }
  }

  /** An input's Java value (null for a derived input). */
  @SuppressWarnings("unchecked")
  public <T> T get(PolicyInput<T> input) {
    return (T) typed.get(input.name());
  }

  /**
   * The same facts asked about another environment, at another time, with the digest's promotion
   * history as it is now: the findings, their summary and the evidence are shared, not rebuilt. The
   * caller guarantees that the findings' time-dependent fields ({@code overdue}, effective state)
   * still hold at {@code now}.
   */
  public GateInput at(String environment, List<Promotion> promotions, Instant now) {
    Map<String, Object> t = new LinkedHashMap<>(typed);
    Map<String, Object> v = new LinkedHashMap<>(values);
    t.put(CoreInputs.ENVIRONMENT.name(), Objects.requireNonNull(environment, "environment"));
    t.put(CoreInputs.PROMOTIONS.name(), List.copyOf(promotions));
    t.put(CoreInputs.NOW.name(), Objects.requireNonNull(now, "now"));
    v.put(CoreInputs.ENVIRONMENT.name(), environment);
    v.put(CoreInputs.PROMOTIONS.name(), CoreInputs.promotions(promotions));
    v.put(CoreInputs.NOW.name(), timestamp(now));
    return new GateInput(t, v, findingsDigest, false);
  }

  static com.google.protobuf.Timestamp timestamp(Instant i) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(i.getEpochSecond())
        .setNanos(i.getNano())
        .build();
  }

  public Service service() {
    return get(CoreInputs.SERVICE);
  }

  public Release release() {
    return get(CoreInputs.RELEASE);
  }

  public String environment() {
    return get(CoreInputs.ENVIRONMENT);
  }

  public Instant now() {
    return get(CoreInputs.NOW);
  }

  public List<Finding> findings() {
    return get(CoreInputs.FINDINGS);
  }

  /** The CEL variables, shared read-only by every rule. */
  Map<String, Object> values() {
    return values;
  }

  /** The same input without some findings: how a waiver for one finding is tried. */
  GateInput withoutFindings(java.util.Set<String> ids) {
    Map<String, Object> t = new LinkedHashMap<>(typed);
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
    for (Finding f : findings()) {
      if (!ids.contains(f.id())) {
        keptFindings.add(f);
      }
    }
    t.put("findings", keptFindings);
    return new GateInput(t, v, new FindingsDigest(), true);
  }

  private GateInput(
      Map<String, Object> typed,
      Map<String, Object> values,
      FindingsDigest findingsDigest,
      boolean derive) {
    this.typed = java.util.Collections.unmodifiableMap(typed);
    this.findingsDigest = findingsDigest;
    this.values = derive ? withDerived(values) : java.util.Collections.unmodifiableMap(values);
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
    MessageDigest md = dev.bulwark.common.Sha256.digest();
    Canonical out = new Canonical(md);
    out.value(value);
    out.flush();
    return "sha256:" + HexFormat.of().formatHex(md.digest());
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
