package dev.bulwark.server.findings;

import dev.bulwark.server.releases.Releases;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A CycloneDX 1.6 VEX document for one release: every finding with its analysis. Built as plain
 * maps rather than through cyclonedx-core-java's model because the server only writes this one
 * shape and must keep key order stable for signatures and diffs; a test validates the output
 * against the CycloneDX 1.6 JSON schema with cyclonedx-core-java.
 */
final class VexDocument {
  private VexDocument() {}

  /**
   * Our verdicts accept both CycloneDX and OpenVEX justifications; CycloneDX VEX only knows its
   * own, so the OpenVEX ones map to the nearest CycloneDX value (the original is kept in the
   * detail).
   */
  static String cyclonedxJustification(String j) {
    return switch (j) {
      case "component_not_present", "vulnerable_code_not_present" -> "code_not_present";
      case "vulnerable_code_not_in_execute_path" -> "code_not_reachable";
      case "vulnerable_code_cannot_be_controlled_by_adversary",
          "inline_mitigations_already_exist" ->
          "protected_by_mitigating_control";
      default -> j;
    };
  }

  static Map<String, Object> build(
      String service,
      String version,
      List<Releases.ComponentView> components,
      List<Findings.Finding> findings,
      Instant now,
      String toolVersion) {
    java.util.Set<String> affected = new java.util.HashSet<>();
    findings.forEach(f -> affected.add(f.component()));
    List<Object> comps = new ArrayList<>();
    for (Releases.ComponentView c : components) {
      if (!affected.contains(c.ref())) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "library");
      m.put("bom-ref", c.ref());
      m.put("name", c.name() == null ? c.ref() : c.name());
      if (c.version() != null) {
        m.put("version", c.version());
      }
      if (c.purl() != null) {
        m.put("purl", c.purl());
      }
      comps.add(m);
    }
    List<Object> vulns = new ArrayList<>();
    for (Findings.Finding f : findings) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("bom-ref", "finding-" + f.findingId());
      v.put("id", f.id());
      v.put("source", Map.of("name", "OSV", "url", "https://osv.dev/vulnerability/" + f.id()));
      if (!f.aliases().isEmpty()) {
        List<Object> refs = new ArrayList<>();
        for (String a : f.aliases()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("id", a);
          r.put("source", Map.of("name", a.startsWith("CVE-") ? "NVD" : "OSV"));
          refs.add(r);
        }
        v.put("references", refs);
      }
      Map<String, Object> analysis = analysis(f);
      if (analysis != null) {
        v.put("analysis", analysis);
      }
      v.put("affects", List.of(Map.of("ref", f.component())));
      vulns.add(v);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("bomFormat", "CycloneDX");
    root.put("specVersion", "1.6");
    // A random serial each time would make two exports of an unchanged release differ; this one
    // changes exactly when the content or the moment of export does.
    root.put(
        "serialNumber",
        "urn:uuid:"
            + UUID.nameUUIDFromBytes(
                (service + "\n" + version + "\n" + now + "\n" + vulns)
                    .getBytes(StandardCharsets.UTF_8)));
    root.put("version", 1);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("timestamp", now.toString());
    meta.put(
        "tools",
        Map.of(
            "components",
            List.of(Map.of("type", "application", "name", "bulwark", "version", toolVersion))));
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("type", "application");
    subject.put("name", service);
    subject.put("version", version);
    meta.put("component", subject);
    root.put("metadata", meta);
    root.put("components", comps);
    root.put("vulnerabilities", vulns);
    return root;
  }

  /** No analysis for an open finding: nobody has looked yet, and VEX must not claim otherwise. */
  static Map<String, Object> analysis(Findings.Finding f) {
    Map<String, Object> a = new LinkedHashMap<>();
    switch (f.state()) {
      case "open" -> {
        return null;
      }
      case "triaged" -> a.put("state", "in_triage");
      case "affected" -> a.put("state", "exploitable");
      case "fixed" -> a.put("state", "resolved");
      case "not_affected" -> {
        a.put("state", "not_affected");
        if (f.justification() != null) {
          a.put("justification", cyclonedxJustification(f.justification()));
        }
      }
      case "risk_accepted" -> {
        a.put("state", "exploitable");
        a.put("response", List.of("will_not_fix"));
      }
      default -> throw new IllegalStateException("unknown finding state " + f.state());
    }
    StringBuilder detail = new StringBuilder(f.reason() == null ? "" : f.reason());
    if (f.justification() != null
        && !f.justification().equals(cyclonedxJustification(f.justification()))) {
      detail.append(" [justification: ").append(f.justification()).append(']');
    }
    if ("risk_accepted".equals(f.state()) && f.expiresAt() != null) {
      detail.append(" [risk accepted until ").append(f.expiresAt()).append(']');
    }
    if (!detail.isEmpty()) {
      a.put("detail", detail.toString().strip());
    }
    return a;
  }
}
