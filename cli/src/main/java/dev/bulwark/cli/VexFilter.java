package dev.bulwark.cli;

import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.findings.VexImport;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.sbom.Component;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies VEX statements to an offline scan: a finding that a not_affected or fixed statement
 * covers (same vulnerability by any alias, same package, and the same version when the statement's
 * purl names one) leaves the report and is listed as suppressed, so nothing disappears unseen.
 */
final class VexFilter {
  private final List<VexImport.Statement> statements;
  private final List<Map<String, String>> suppressed = new ArrayList<>();

  private VexFilter(List<VexImport.Statement> statements) {
    this.statements = statements;
  }

  static VexFilter read(List<Path> files) {
    List<VexImport.Statement> all = new ArrayList<>();
    for (Path f : files) {
      byte[] body = InputFiles.read(f);
      try {
        for (VexImport.Statement s : VexImport.parse(body)) {
          if (s.state().equals("not_affected") || s.state().equals("fixed")) {
            all.add(s);
          }
        }
      } catch (DomainException.Invalid e) {
        // The message already is the first error; the others follow it, one a line.
        StringBuilder why = new StringBuilder(f + ": " + e.getMessage());
        for (DomainException.FieldError fe : e.errors()) {
          String line = fe.field() + ": " + fe.message();
          if (!e.getMessage().equals(line)) {
            why.append("\n  ").append(line);
          }
        }
        throw CliException.input(why.toString());
      }
    }
    return new VexFilter(all);
  }

  List<Map<String, String>> suppressed() {
    return suppressed;
  }

  ScanResult apply(ScanResult r) {
    if (statements.isEmpty()) {
      return r;
    }
    List<ScanResult.VulnerableComponent> vulnerable = new ArrayList<>();
    List<Component> clean = new ArrayList<>(r.clean());
    for (ScanResult.VulnerableComponent v : r.vulnerable()) {
      List<ScanResult.Finding> kept = new ArrayList<>();
      for (ScanResult.Finding f : v.findings()) {
        VexImport.Statement s = covering(v.component(), f);
        if (s == null) {
          kept.add(f);
        } else {
          Map<String, String> m = new LinkedHashMap<>();
          m.put("purl", v.component().purl());
          m.put("id", f.id());
          m.put("state", s.state());
          m.put("justification", s.justification());
          m.put("detail", s.detail());
          suppressed.add(m);
        }
      }
      if (kept.isEmpty()) {
        clean.add(v.component());
      } else {
        vulnerable.add(new ScanResult.VulnerableComponent(v.component(), kept, v.advice()));
      }
    }
    return new ScanResult(vulnerable, clean, r.unmatched(), r.notCovered());
  }

  private VexImport.Statement covering(Component c, ScanResult.Finding f) {
    if (c.purl() == null || !(PackageRef.fromPurl(c.purl()) instanceof PackageRef.Parsed.Ok ok)) {
      return null;
    }
    for (VexImport.Statement s : statements) {
      boolean sameVuln = s.vuln().equals(f.id()) || f.aliases().contains(s.vuln());
      boolean samePackage =
          s.ecosystem().equals(ok.ref().ecosystem().name()) && s.pkg().equals(ok.ref().name());
      boolean sameVersion = s.version() == null || s.version().equals(ok.version());
      if (sameVuln && samePackage && sameVersion) {
        return s;
      }
    }
    return null;
  }
}
