package dev.bulwark.policy;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The declared types of what a rule reads. Rules are type-checked against these when a bundle
 * loads, so a misspelled field is an error with its position then, never a surprise at a gate. The
 * runtime values are plain maps and lists built by {@link GateInput}.
 */
final class InputSchema {
  private InputSchema() {}

  static final StructType SERVICE =
      struct(
          "bulwark.Service",
          Map.of(
              "name", SimpleType.STRING,
              "team", SimpleType.STRING,
              "area", SimpleType.STRING,
              "criticality", SimpleType.STRING));

  static final StructType RELEASE =
      struct(
          "bulwark.Release",
          Map.of(
              "version", SimpleType.STRING,
              "digest", SimpleType.STRING,
              "sbom", SimpleType.BOOL,
              "components", SimpleType.INT));

  static final StructType FINDING =
      struct(
          "bulwark.Finding",
          Map.of(
              "id", SimpleType.STRING,
              "aliases", ListType.create(SimpleType.STRING),
              "kind", SimpleType.STRING,
              "severity", SimpleType.STRING,
              "state", SimpleType.STRING,
              "component", SimpleType.STRING,
              "slaDue", SimpleType.TIMESTAMP,
              "overdue", SimpleType.BOOL,
              "fixAvailable", SimpleType.BOOL,
              "fixedIn", SimpleType.STRING));

  static final StructType MATERIAL =
      struct("bulwark.Material", Map.of("uri", SimpleType.STRING, "digest", SimpleType.STRING));

  static final StructType ATTESTATION =
      struct(
          "bulwark.Attestation",
          Map.of(
              "predicateType", SimpleType.STRING,
              "verified", SimpleType.BOOL,
              "reason", SimpleType.STRING,
              "builderId", SimpleType.STRING,
              "sourceRepository", SimpleType.STRING,
              "materials", ListType.create(MATERIAL)));

  static final StructType TEST_REPORT =
      struct(
          "bulwark.TestReport",
          Map.of(
              "tool", SimpleType.STRING,
              "kind", SimpleType.STRING,
              "results", SimpleType.INT,
              "critical", SimpleType.INT,
              "high", SimpleType.INT,
              "medium", SimpleType.INT,
              "low", SimpleType.INT));

  static final StructType PROMOTION =
      struct(
          "bulwark.Promotion",
          Map.of(
              "environment", SimpleType.STRING,
              "event", SimpleType.STRING,
              "at", SimpleType.TIMESTAMP));

  static final StructType SEVERITY_COUNTS =
      struct(
          "bulwark.SeverityCounts",
          Map.of(
              "critical", SimpleType.INT,
              "high", SimpleType.INT,
              "medium", SimpleType.INT,
              "low", SimpleType.INT,
              "none", SimpleType.INT,
              "unknown", SimpleType.INT,
              "total", SimpleType.INT));

  static final StructType FINDING_SUMMARY =
      struct(
          "bulwark.FindingSummary",
          Map.of(
              "open", SEVERITY_COUNTS,
              "overdue", SEVERITY_COUNTS,
              "fixable", SEVERITY_COUNTS,
              "total", SimpleType.INT));

  /** The variables every rule may read, in the order the documentation lists them. */
  static final Map<String, CelType> VARIABLES = variables();

  private static Map<String, CelType> variables() {
    Map<String, CelType> v = new LinkedHashMap<>();
    v.put("service", SERVICE);
    v.put("release", RELEASE);
    v.put("findings", ListType.create(FINDING));
    v.put("summary", FINDING_SUMMARY);
    v.put("attestations", ListType.create(ATTESTATION));
    v.put("tests", ListType.create(TEST_REPORT));
    v.put("environment", SimpleType.STRING);
    v.put("promotions", ListType.create(PROMOTION));
    v.put("now", SimpleType.TIMESTAMP);
    return java.util.Collections.unmodifiableMap(v);
  }

  static final List<StructType> TYPES =
      List.of(
          SERVICE,
          RELEASE,
          FINDING,
          SEVERITY_COUNTS,
          FINDING_SUMMARY,
          MATERIAL,
          ATTESTATION,
          TEST_REPORT,
          PROMOTION);

  static StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = new LinkedHashMap<>(fields);
    return StructType.create(
        name, ImmutableSet.copyOf(copy.keySet()), f -> Optional.ofNullable(copy.get(f)));
  }

  /** The types above plus a policy's own variables type. */
  static CelTypeProvider provider(StructType extra) {
    List<CelType> all = new ArrayList<>(TYPES);
    if (extra != null) {
      all.add(extra);
    }
    ImmutableList<CelType> types = ImmutableList.copyOf(all);
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return types;
      }

      @Override
      public Optional<CelType> findType(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
      }
    };
  }
}
