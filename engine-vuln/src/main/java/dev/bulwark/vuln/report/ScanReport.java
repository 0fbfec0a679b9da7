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
import java.nio.file.Path;
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

  /** Findings whose severity no record of their vulnerability gives. */
  public static int unknownSeverity(List<Scanned> scans) {
    return bySeverity(scans).getOrDefault(Severity.Level.UNKNOWN, 0);
  }

  /** Findings whose severity an alias gives, not a record that matched. */
  public static int ratedByAlias(List<Scanned> scans) {
    int n = 0;
    for (Scanned s : scans) {
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        n += (int) v.findings().stream().filter(ScanResult.Finding::severityByAlias).count();
      }
    }
    return n;
  }

  /**
   * The ecosystems of components that were not covered, by OSV name (Maven, npm, ...), sorted: for
   * these no advisories were loaded.
   */
  public static java.util.SortedSet<String> notCoveredEcosystems(List<Scanned> scans) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (Scanned s : scans) {
      for (Component c : s.result().notCovered()) {
        out.add(ecosystemOf(c));
      }
    }
    return out;
  }

  private static String ecosystemOf(Component c) {
    return dev.bulwark.vuln.match.PackageRef.fromPurl(c.purl())
            instanceof dev.bulwark.vuln.match.PackageRef.Parsed.Ok ok
        ? ok.ref().ecosystem().osvName()
        : "?";
  }

  public static int notCovered(List<Scanned> scans) {
    return scans.stream().mapToInt(s -> s.result().notCovered().size()).sum();
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
        parts.add(sev.get(l) + " " + l.label() + (l == Severity.Level.UNKNOWN ? " severity" : ""));
      }
    }
    int byAlias = ratedByAlias(scans);
    if (byAlias > 0) {
      parts.add(byAlias + " rated by an alias");
    }
    int notCovered = notCovered(scans);
    return String.format(
        Locale.ROOT,
        "%d SBOM%s, %d components: %d vulnerable (%d findings%s), %d clean, %d unmatched%s; %d ms",
        scans.size(),
        scans.size() == 1 ? "" : "s",
        components,
        vulnerable,
        findings,
        parts.isEmpty() ? "" : ": " + String.join(", ", parts),
        clean,
        unmatched,
        notCovered == 0
            ? ""
            : ", "
                + notCovered
                + " not covered (no advisories for "
                + String.join(", ", notCoveredEcosystems(scans))
                + ")",
        elapsedMillis);
  }

  /**
   * The rating of a finding as a person reads it: the source type and score, and the record it came
   * from when that is not the finding's id; empty when unknown.
   */
  static String rating(ScanResult.Finding f) {
    if (!f.severity().known()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    if (!f.id().equals(f.severityFrom())) {
      parts.add((f.severityByAlias() ? "alias " : "") + f.severityFrom());
    }
    if (f.severity().source() != null) {
      parts.add(f.severity().source());
    }
    if (f.severity().score() != null) {
      parts.add(String.format(Locale.ROOT, "%.1f", f.severity().score()));
    }
    return parts.isEmpty() ? "" : "[" + String.join(" ", parts) + "]";
  }

  /**
   * Where a component came from, as its SBOM says (image SBOMs): {@code packageType}, {@code
   * sourcePackage} ({@code name}, {@code version}) and {@code locations} ({@code layer}, {@code
   * path}), each only when known, into {@code m}.
   */
  static void putOrigin(Map<String, Object> m, Component c) {
    Component.Origin o = c.origin();
    if (o.packageType() != null) {
      m.put("packageType", o.packageType());
    }
    if (o.sourceName() != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", o.sourceName());
      if (o.sourceVersion() != null) {
        s.put("version", o.sourceVersion());
      }
      m.put("sourcePackage", s);
    }
    if (!o.locations().isEmpty()) {
      m.put("locations", locations(c));
    }
  }

  static List<Object> locations(Component c) {
    List<Object> out = new ArrayList<>();
    for (Component.Location l : c.origin().locations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (l.layer() != null) {
        m.put("layer", l.layer());
      }
      if (l.path() != null) {
        m.put("path", l.path());
      }
      out.add(m);
    }
    return out;
  }

  /** One location as a person reads it: {@code layer sha256:0123456789ab, /var/lib/dpkg/status}. */
  static String where(Component.Location l, boolean shortLayer) {
    List<String> parts = new ArrayList<>();
    if (l.layer() != null) {
      parts.add("layer " + (shortLayer ? shortLayer(l.layer()) : l.layer()));
    }
    if (l.path() != null) {
      parts.add(l.path());
    }
    return String.join(", ", parts);
  }

  /** A layer digest shortened as docker prints image ids: the algorithm and 12 hex digits. */
  static String shortLayer(String layer) {
    int colon = layer.indexOf(':');
    return colon > 0 && layer.length() > colon + 13 ? layer.substring(0, colon + 13) : layer;
  }

  /** The table's lines for a component's origin: its source package and where it was found. */
  private static void printOrigin(PrintWriter out, Component c, String indent) {
    Component.Origin o = c.origin();
    if (o.sourceName() != null && !o.sourceName().equals(c.name())) {
      out.println(
          indent
              + "source package "
              + o.sourceName()
              + (o.sourceVersion() == null ? "" : " " + o.sourceVersion()));
    }
    List<Component.Location> ls = o.locations();
    int shown = Math.min(ls.size(), 3);
    for (int i = 0; i < shown; i++) {
      out.println(indent + "found in " + where(ls.get(i), true));
    }
    if (ls.size() > shown) {
      out.println(indent + "and in " + (ls.size() - shown) + " more places (see --format json)");
    }
  }

  public static int typeConflicts(List<Scanned> scans) {
    return scans.stream().mapToInt(s -> s.result().typeConflicts().size()).sum();
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
        printOrigin(out, v.component(), "    ");
        for (ScanResult.Finding f : v.findings()) {
          String sev = String.format(Locale.ROOT, "%-8s", f.severity().level().label());
          out.println(
              "  "
                  + paint(sev, f.severity().level(), colour)
                  + " "
                  + f.id()
                  + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")")
                  + (f.fixed() == null ? "" : "  fixed in " + f.fixed())
                  + (f.summary() == null ? "" : "  " + f.summary())
                  + (rating(f).isEmpty() ? "" : "  " + rating(f))
                  + (f.distroStatus() == null ? "" : "  [distro: " + f.distroStatus() + "]"));
        }
      }
      if (!s.result().unmatched().isEmpty()) {
        out.println("Not checked:");
        for (ScanResult.Unmatched u : s.result().unmatched()) {
          out.println("  " + u.component().label() + ": " + u.reason());
          if (u.typeConflict()) {
            printOrigin(out, u.component(), "    ");
          }
        }
      }
      if (!s.result().notCovered().isEmpty()) {
        out.println(
            "Not covered (no advisories loaded for "
                + String.join(", ", notCoveredEcosystems(List.of(s)))
                + "): "
                + s.result().notCovered().size()
                + " components, neither checked nor clean");
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
          m.put("severitySource", severitySource(f));
          m.put("summary", f.summary());
          if (f.distroStatus() != null) {
            m.put("distroStatus", f.distroStatus());
          }
          putOrigin(m, v.component());
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
        if (u.typeConflict()) {
          m.put("typeConflict", true);
        }
        putOrigin(m, u.component());
        m.put("sbom", s.sbom());
        unmatched.add(m);
      }
    }
    List<Object> notCovered = new ArrayList<>();
    for (Scanned s : scans) {
      for (Component c : s.result().notCovered()) {
        Map<String, Object> m =
            ordered("component", c.label(), "purl", c.purl(), "ecosystem", ecosystemOf(c));
        putOrigin(m, c);
        m.put("sbom", s.sbom());
        notCovered.add(m);
      }
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("findings", findings);
    root.put("unmatched", unmatched);
    root.put("notCovered", notCovered);
    root.put("advice", advice);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("sboms", scans.size());
    counts.put("components", scans.stream().mapToInt(s -> s.result().componentCount()).sum());
    counts.put("vulnerable", scans.stream().mapToInt(s -> s.result().vulnerable().size()).sum());
    counts.put("clean", scans.stream().mapToInt(s -> s.result().clean().size()).sum());
    counts.put("unmatched", unmatched.size());
    counts.put("typeConflicts", typeConflicts(scans));
    counts.put("notCovered", notCovered.size());
    counts.put("notCoveredEcosystems", new ArrayList<>(notCoveredEcosystems(scans)));
    counts.put("findings", findings.size());
    counts.put("unknownSeverity", unknownSeverity(scans));
    counts.put("ratedByAlias", ratedByAlias(scans));
    Map<String, Integer> sev = new LinkedHashMap<>();
    bySeverity(scans).forEach((k, v) -> sev.put(k.label(), v));
    counts.put("bySeverity", sev);
    counts.put("elapsedMillis", elapsedMillis);
    root.put("summary", counts);
    return root;
  }

  /**
   * Where a finding's severity came from: the record ({@code record}), whether it is an alias that
   * did not match the component ({@code alias}), the rating's type (CVSS_V3, CVSS_V4,
   * database_specific.severity, ...), its score and vector. Null when the severity is unknown.
   */
  public static Map<String, Object> severitySource(ScanResult.Finding f) {
    if (!f.severity().known()) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record", f.severityFrom());
    m.put("alias", f.severityByAlias());
    m.put("type", f.severity().source());
    m.put("score", f.severity().score());
    m.put("vector", f.severity().vector());
    return m;
  }

  // ---- SARIF 2.1.0 ----

  /** The base id of artifact URIs relative to the directory the scan ran in (GitHub's usage). */
  public static final String SRCROOT = "%SRCROOT%";

  /** The base id of an SBOM outside that directory: its URI is then its file name. */
  public static final String SBOMDIR = "SBOMDIR";

  /**
   * SARIF 2.1.0 as GitHub code scanning reads it: one rule per vulnerability with {@code helpUri}
   * (its OSV page) and {@code properties.security-severity} (a number as a string); one result per
   * finding with {@code level} from the severity, the SBOM as a relative {@code
   * artifactLocation.uri} with a {@code uriBaseId}, and {@code partialFingerprints} of the package
   * (without its version) and the vulnerability, so an alert stays the same alert across runs and
   * across upgrades that do not fix it. {@code base} is the directory SBOM paths are made relative
   * to (the working directory of the scan).
   */
  public static Map<String, Object> sarif(List<Scanned> scans, String toolVersion, Path base) {
    Path root = base.toAbsolutePath().normalize();
    Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
    List<Object> results = new ArrayList<>();
    for (Scanned s : scans) {
      Map<String, Object> artifact = artifactLocation(root, s.sbom());
      for (ScanResult.VulnerableComponent v : s.result().vulnerable()) {
        for (ScanResult.Finding f : v.findings()) {
          rules.computeIfAbsent(f.id(), id -> rule(f));
          Map<String, Object> res = new LinkedHashMap<>();
          res.put("ruleId", f.id());
          res.put("level", level(f.severity().level()));
          res.put(
              "message",
              ordered(
                  "text",
                  v.component().label()
                      + " is affected by "
                      + f.id()
                      + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")")
                      + "; severity "
                      + f.severity().level().label()
                      + (rating(f).isEmpty() ? "" : " " + rating(f))
                      + (f.fixed() == null
                          ? "; no fixed version is known"
                          : "; fixed in " + f.fixed())
                      + (f.distroStatus() == null ? "" : "; distribution: " + f.distroStatus())
                      + foundIn(v.component())));
          Map<String, Object> location =
              ordered(
                  "physicalLocation",
                  ordered("artifactLocation", artifact, "region", ordered("startLine", 1)));
          List<Object> logical = logicalLocations(v.component());
          if (!logical.isEmpty()) {
            location.put("logicalLocations", logical);
          }
          res.put("locations", List.of(location));
          res.put(
              "partialFingerprints",
              ordered("bulwark/v1", fingerprint(fingerprintKey(v.component(), f))));
          Map<String, Object> props = new LinkedHashMap<>();
          props.put("purl", v.component().purl());
          props.put("severity", f.severity().level().label());
          if (f.severity().known()) {
            props.put("severitySource", severitySource(f));
          }
          if (f.distroStatus() != null) {
            props.put("distroStatus", f.distroStatus());
          }
          putOrigin(props, v.component());
          res.put("properties", props);
          results.add(res);
        }
      }
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "Bulwark");
    driver.put("version", toolVersion);
    driver.put("rules", new ArrayList<>(rules.values()));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", ordered("driver", driver));
    run.put("results", results);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    doc.put("version", "2.1.0");
    doc.put("runs", List.of(run));
    return doc;
  }

  /** The message's last part for an image SBOM: where the package was found. */
  private static String foundIn(Component c) {
    List<Component.Location> ls = c.origin().locations();
    if (ls.isEmpty()) {
      return "";
    }
    return "; found in "
        + where(ls.get(0), false)
        + (ls.size() > 1 ? " (and " + (ls.size() - 1) + " more)" : "");
  }

  /**
   * The layers and paths of an image SBOM as SARIF logical locations: the SBOM file stays the
   * physical location, which code scanning needs, and these say where in the image it is.
   */
  private static List<Object> logicalLocations(Component c) {
    List<Object> out = new ArrayList<>();
    for (Component.Location l : c.origin().locations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", l.path() != null ? l.path() : l.layer());
      m.put(
          "fullyQualifiedName",
          l.layer() == null ? l.path() : l.path() == null ? l.layer() : l.layer() + l.path());
      m.put("kind", l.path() != null ? "resource" : "module");
      out.add(m);
    }
    return out;
  }

  /**
   * What identifies an alert across scans: the package without its version and the vulnerability,
   * and for an image SBOM the first path the package was found at (so that the same library in two
   * places of an image makes two alerts). Layers are left out: every rebuild changes them.
   */
  static String fingerprintKey(Component c, ScanResult.Finding f) {
    String key = packageOf(c) + "|" + f.id();
    String path = firstPath(c);
    return path == null ? key : key + "|" + path;
  }

  /** The first path an image SBOM found the component at; null for other SBOMs. */
  static String firstPath(Component c) {
    for (Component.Location l : c.origin().locations()) {
      if (l.path() != null) {
        return l.path();
      }
    }
    return null;
  }

  private static Map<String, Object> rule(ScanResult.Finding f) {
    String id = f.id();
    String help = "https://osv.dev/vulnerability/" + id;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("name", id.replaceAll("[^A-Za-z0-9]", ""));
    r.put("shortDescription", ordered("text", f.summary() == null ? id : f.summary()));
    r.put(
        "help",
        ordered(
            "text",
            (f.summary() == null ? id : f.summary())
                + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")")
                + ". Details: "
                + help));
    r.put("helpUri", help);
    r.put("defaultConfiguration", ordered("level", level(f.severity().level())));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("tags", List.of("security", "vulnerability", "dependency"));
    String securitySeverity = securitySeverity(f.severity());
    if (securitySeverity != null) {
      props.put("security-severity", securitySeverity);
    }
    r.put("properties", props);
    return r;
  }

  /**
   * SARIF's level: critical and high are errors, medium a warning, low and none notes. Unknown is a
   * warning: not a note, which reads as harmless, and not an error, which nothing supports.
   */
  static String level(Severity.Level l) {
    return switch (l) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM, UNKNOWN -> "warning";
      case LOW, NONE -> "note";
    };
  }

  /**
   * GitHub's {@code security-severity}: the CVSS base score; for a rating without a score, a score
   * inside its band of GitHub's scale (critical over 9.0, high 7.0-8.9, medium 4.0-6.9, low
   * 0.1-3.9); none when unknown, so GitHub falls back to {@code level}.
   */
  static String securitySeverity(Severity s) {
    if (s.score() != null) {
      return String.format(Locale.ROOT, "%.1f", s.score());
    }
    return switch (s.level()) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "2.0";
      case NONE -> "0.0";
      case UNKNOWN -> null;
    };
  }

  /**
   * The SBOM as a relative URI: relative to {@code root} with {@link #SRCROOT} when it lies under
   * it, else its file name with {@link #SBOMDIR}. Absolute paths would name the machine that ran
   * the scan, and code scanning matches alerts to files of the repository by relative path.
   */
  static Map<String, Object> artifactLocation(Path root, String sbom) {
    Path p = root.resolve(sbom).normalize();
    Path rel;
    String baseId;
    if (p.startsWith(root) && !p.equals(root)) {
      rel = root.relativize(p);
      baseId = SRCROOT;
    } else {
      rel = p.getFileName() == null ? Path.of(sbom) : p.getFileName();
      baseId = SBOMDIR;
    }
    List<String> segments = new ArrayList<>();
    for (Path part : rel) {
      segments.add(part.toString());
    }
    String path = String.join("/", segments);
    if (segments.get(0).contains(":")) {
      path = "./" + path; // a first segment with a colon would read as a scheme
    }
    String uri;
    try {
      // The multi-argument constructor quotes what a URI path may not hold (spaces, %, ...).
      uri = new java.net.URI(null, null, path, null).getRawPath();
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null) {
      uri = path.replaceAll("[^A-Za-z0-9._~/-]", "_");
    }
    return ordered("uri", uri, "uriBaseId", baseId);
  }

  /** The package of a component without its version: what stays the same across upgrades. */
  static String packageOf(Component c) {
    String purl = c.purl();
    if (purl == null || purl.isBlank()) {
      return c.name() == null ? c.label() : c.name();
    }
    String p = purl;
    int cut = p.length();
    for (char ch : new char[] {'?', '#'}) {
      int i = p.indexOf(ch);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    p = p.substring(0, cut);
    int at = p.lastIndexOf('@');
    int slash = p.lastIndexOf('/');
    return at > slash ? p.substring(0, at) : p;
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
        // One VDR component per package and place: the same purl found at two paths of an
        // image is two components, as it is two findings.
        String key = c.label() + "|" + firstPath(c);
        String ref =
            refs.computeIfAbsent(
                key,
                k -> c.ref() != null && !refs.containsValue(c.ref()) ? c.ref() : "c" + refs.size());
        if (components.size() < refs.size()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("type", "library");
          m.put("bom-ref", ref);
          m.put("name", c.name() == null ? c.label() : c.name());
          if (c.version() != null) {
            m.put("version", c.version());
          }
          m.put("purl", c.purl());
          vdrOrigin(m, c);
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
                    if (f.severity().known()) {
                      rating.put(
                          "source",
                          ordered(
                              "name",
                              f.severityFrom(),
                              "url",
                              "https://osv.dev/vulnerability/" + f.severityFrom()));
                    }
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
          Map<String, Object> affected = ordered("ref", ref);
          if (!affects.contains(affected)) {
            affects.add(affected);
          }
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

  /**
   * An image SBOM's origin on a VDR component: the paths as CycloneDX 1.6 evidence occurrences, the
   * layers, source package and package type as {@code bulwark:} properties (CycloneDX has no field
   * for them; the names follow Syft's {@code syft:location:N:layerID}).
   */
  private static void vdrOrigin(Map<String, Object> m, Component c) {
    Component.Origin o = c.origin();
    List<Object> props = new ArrayList<>();
    if (o.packageType() != null) {
      props.add(ordered("name", "bulwark:package:type", "value", o.packageType()));
    }
    if (o.sourceName() != null) {
      props.add(ordered("name", "bulwark:source:name", "value", o.sourceName()));
      if (o.sourceVersion() != null) {
        props.add(ordered("name", "bulwark:source:version", "value", o.sourceVersion()));
      }
    }
    List<Object> occurrences = new ArrayList<>();
    for (int i = 0; i < o.locations().size(); i++) {
      Component.Location l = o.locations().get(i);
      if (l.layer() != null) {
        props.add(ordered("name", "bulwark:location:" + i + ":layer", "value", l.layer()));
      }
      if (l.path() != null) {
        props.add(ordered("name", "bulwark:location:" + i + ":path", "value", l.path()));
        occurrences.add(ordered("location", l.path()));
      }
    }
    if (!occurrences.isEmpty()) {
      m.put("evidence", ordered("occurrences", occurrences));
    }
    if (!props.isEmpty()) {
      m.put("properties", props);
    }
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
