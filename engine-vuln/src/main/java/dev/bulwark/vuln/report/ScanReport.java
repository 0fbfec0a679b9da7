package dev.bulwark.vuln.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bulwark.common.Sha256;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.sbom.Component;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Renders scan results of one or more SBOMs: a table for people, JSON, SARIF 2.1.0 for
 * code-scanning tools, and a CycloneDX 1.6 VDR. Pure functions of the results.
 */
public final class ScanReport {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** The results of one SBOM. */
  public record Scanned(String sbom, ScanResult result) {}

  private ScanReport() {}

  public static Map<Severity.Level, Integer> bySeverity(List<Scanned> scans) {
    Map<Severity.Level, Integer> counts = new EnumMap<>(Severity.Level.class);
    for (Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          counts.merge(f.severity().level(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  public static String summary(List<Scanned> scans, long elapsedMillis) {
    int components = 0, vulnerable = 0, clean = 0, unmatched = 0, findings = 0;
    for (Scanned s : scans) {
      components += s.result().componentCount();
      vulnerable += s.result().vulnerable().size();
      clean += s.result().clean().size();
      unmatched += s.result().unmatched().size();
      findings += s.result().findingCount();
    }
    Map<Severity.Level, Integer> sev = bySeverity(scans);
    List<String> parts = new ArrayList<>();
    for (Severity.Level l :
        List.of(
            Severity.Level.CRITICAL,
            Severity.Level.HIGH,
            Severity.Level.MEDIUM,
            Severity.Level.LOW,
            Severity.Level.NONE,
            Severity.Level.UNKNOWN)) {
      if (sev.containsKey(l)) {
        parts.add(sev.get(l) + " " + l.label());
      }
    }
    return String.format(
        Locale.ROOT,
        "%d SBOM%s, %d components: %d vulnerable (%d findings%s), %d clean, %d unmatched; %d ms",
        scans.size(),
        scans.size() == 1 ? "" : "s",
        components,
        vulnerable,
        findings,
        parts.isEmpty() ? "" : ": " + String.join(", ", parts),
        clean,
        unmatched,
        elapsedMillis);
  }

  // ---- table ----

  public static void table(PrintWriter out, List<Scanned> scans, boolean colour) {
    for (Scanned s : scans) {
      if (scans.size() > 1) {
        out.println("== " + s.sbom());
      }
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        String advice =
            v.advice() == null
                ? "no fixed version known"
                : "upgrade to "
                    + v.advice().version()
                    + " (clears "
                    + v.advice().clears()
                    + " of "
                    + v.advice().of()
                    + ")";
        out.println(v.component().label() + "  ->  " + advice);
        for (ScanResult.Finding f : v.findings()) {
          String sev = String.format(Locale.ROOT, "%-8s", f.severity().level().label());
          out.println(
              "  "
                  + paint(sev, f.severity().level(), colour)
                  + " "
                  + f.id()
                  + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")")
                  + (f.fixed() == null ? "" : "  fixed in " + f.fixed())
                  + (f.summary() == null ? "" : "  " + f.summary()));
        }
      }
      if (!s.result().unmatched().isEmpty()) {
        out.println("Not checked:");
        for (ScanResult.Unmatched u : s.result().unmatched()) {
          out.println("  " + u.component().label() + ": " + u.reason());
        }
      }
    }
    out.flush();
  }

  private static String paint(String text, Severity.Level level, boolean colour) {
    if (!colour) {
      return text;
    }
    String code =
        switch (level) {
          case CRITICAL -> "\u001b[1;31m";
          case HIGH -> "\u001b[31m";
          case MEDIUM -> "\u001b[33m";
          case LOW -> "\u001b[36m";
          default -> "\u001b[2m";
        };
    return code + text + "\u001b[0m";
  }

  // ---- JSON ----

  public static Map<String, Object> json(List<Scanned> scans, long elapsedMillis) {
    List<Object> findings = new ArrayList<>();
    List<Object> unmatched = new ArrayList<>();
    List<Object> advice = new ArrayList<>();
    for (Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("purl", v.component().purl());
          m.put("id", f.id());
          m.put("aliases", f.aliases());
          m.put("severity", f.severity().level().label());
          m.put("fixed", f.fixed());
          if (f.severity().score() != null) {
            m.put("score", f.severity().score());
            m.put("vector", f.severity().vector());
          }
          m.put("summary", f.summary());
          m.put("sbom", s.sbom());
          findings.add(m);
        }
        if (v.advice() != null) {
          advice.add(
              ordered(
                  "purl",
                  v.component().purl(),
                  "upgradeTo",
                  v.advice().version(),
                  "clears",
                  v.advice().clears(),
                  "of",
                  v.advice().of(),
                  "sbom",
                  s.sbom()));
        }
      }
      for (ScanResult.Unmatched u : s.result().unmatched()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("component", u.component().label());
        m.put("ref", u.component().ref());
        m.put("purl", u.component().purl());
        m.put("reason", u.reason());
        m.put("sbom", s.sbom());
        unmatched.add(m);
      }
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("findings", findings);
    root.put("unmatched", unmatched);
    root.put("advice", advice);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("sboms", scans.size());
    counts.put("components", scans.stream().mapToInt(s -> s.result().componentCount()).sum());
    counts.put("vulnerable", scans.stream().mapToInt(s -> s.result().vulnerable().size()).sum());
    counts.put("clean", scans.stream().mapToInt(s -> s.result().clean().size()).sum());
    counts.put("unmatched", unmatched.size());
    counts.put("findings", findings.size());
    Map<String, Integer> sev = new LinkedHashMap<>();
    bySeverity(scans).forEach((k, v) -> sev.put(k.label(), v));
    counts.put("bySeverity", sev);
    counts.put("elapsedMillis", elapsedMillis);
    root.put("summary", counts);
    return root;
  }

  // ---- SARIF 2.1.0 ----

  public static Map<String, Object> sarif(List<Scanned> scans, String toolVersion) {
    Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
    List<Object> results = new ArrayList<>();
    for (Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          rules.computeIfAbsent(
              f.id(),
              id -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", id);
                r.put("name", id.replaceAll("[^A-Za-z0-9]", ""));
                r.put("shortDescription", ordered("text", f.summary() == null ? id : f.summary()));
                r.put("helpUri", "https://osv.dev/vulnerability/" + id);
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("tags", List.of("security", "vulnerability", "dependency"));
                if (f.severity().score() != null) {
                  props.put(
                      "security-severity",
                      String.format(Locale.ROOT, "%.1f", f.severity().score()));
                }
                r.put("properties", props);
                return r;
              });
          Map<String, Object> res = new LinkedHashMap<>();
          res.put("ruleId", f.id());
          res.put(
              "level",
              switch (f.severity().level()) {
                case CRITICAL, HIGH -> "error";
                case MEDIUM -> "warning";
                default -> "note";
              });
          res.put(
              "message",
              ordered(
                  "text",
                  v.component().label()
                      + " is affected by "
                      + f.id()
                      + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")")
                      + (f.fixed() == null
                          ? "; no fixed version is known"
                          : "; fixed in " + f.fixed())));
          res.put(
              "locations",
              List.of(
                  ordered(
                      "physicalLocation",
                      ordered(
                          "artifactLocation", ordered("uri", s.sbom()),
                          "region", ordered("startLine", 1)))));
          res.put(
              "partialFingerprints",
              ordered("bulwark/v1", fingerprint(v.component().label() + "|" + f.id())));
          results.add(res);
        }
      }
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "Bulwark");
    driver.put("version", toolVersion);
    driver.put("informationUri", "https://github.com/bulwark");
    driver.put("rules", new ArrayList<>(rules.values()));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", ordered("driver", driver));
    run.put("results", results);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    root.put("runs", List.of(run));
    return root;
  }

  private static String fingerprint(String s) {
    return Sha256.hex(s).substring(0, 32);
  }

  // ---- CycloneDX 1.6 VDR ----

  public static Map<String, Object> vdr(
      List<Scanned> scans, String toolVersion, Instant now, UUID serial) {
    List<Object> components = new ArrayList<>();
    List<Object> vulns = new ArrayList<>();
    Map<String, String> refs = new LinkedHashMap<>();
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    for (Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        Component c = v.component();
        String ref =
            refs.computeIfAbsent(c.label(), k -> c.ref() != null ? c.ref() : "c" + refs.size());
        if (components.size() < refs.size()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("type", "library");
          m.put("bom-ref", ref);
          m.put("name", c.name() == null ? c.label() : c.name());
          if (c.version() != null) {
            m.put("version", c.version());
          }
          m.put("purl", c.purl());
          components.add(m);
        }
        for (ScanResult.Finding f : v.findings()) {
          Map<String, Object> vuln =
              byId.computeIfAbsent(
                  f.id(),
                  id -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", id);
                    m.put(
                        "source",
                        ordered("name", "OSV", "url", "https://osv.dev/vulnerability/" + id));
                    List<Object> aliases = new ArrayList<>();
                    for (String a : f.aliases()) {
                      aliases.add(
                          ordered(
                              "id",
                              a,
                              "source",
                              ordered("name", a.startsWith("CVE-") ? "NVD" : "OSV")));
                    }
                    if (!aliases.isEmpty()) {
                      m.put("references", aliases);
                    }
                    Map<String, Object> rating = new LinkedHashMap<>();
                    rating.put(
                        "severity",
                        f.severity().level() == Severity.Level.UNKNOWN
                            ? "unknown"
                            : f.severity().level().label());
                    if (f.severity().score() != null) {
                      rating.put("score", f.severity().score());
                      rating.put(
                          "method",
                          f.severity().vector() != null
                                  && f.severity().vector().startsWith("CVSS:4")
                              ? "CVSSv4"
                              : f.severity().vector() != null
                                      && f.severity().vector().startsWith("CVSS:3.0")
                                  ? "CVSSv3"
                                  : "CVSSv31");
                      rating.put("vector", f.severity().vector());
                    }
                    m.put("ratings", List.of(rating));
                    if (f.summary() != null) {
                      m.put("description", f.summary());
                    }
                    m.put("affects", new ArrayList<>());
                    vulns.add(m);
                    return m;
                  });
          @SuppressWarnings("unchecked")
          List<Object> affects = (List<Object>) vuln.get("affects");
          affects.add(ordered("ref", ref));
          if (f.fixed() != null) {
            vuln.putIfAbsent("recommendation", "Upgrade to " + f.fixed() + " or later");
          }
        }
      }
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("bomFormat", "CycloneDX");
    root.put("specVersion", "1.6");
    root.put("serialNumber", "urn:uuid:" + serial);
    root.put("version", 1);
    root.put(
        "metadata",
        ordered(
            "timestamp",
            now.toString(),
            "tools",
            ordered(
                "components",
                List.of(
                    ordered("type", "application", "name", "bulwark", "version", toolVersion)))));
    root.put("components", components);
    root.put("vulnerabilities", vulns);
    return root;
  }

  /** Map.of iterates in a random order per JVM; reports must be byte-for-byte repeatable. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
