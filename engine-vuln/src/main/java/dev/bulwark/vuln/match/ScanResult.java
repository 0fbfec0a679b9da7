package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.sbom.Component;
import java.util.List;

/**
 * Every component of an SBOM lands in exactly one of three lists: {@link #vulnerable} (with its
 * findings), {@link #clean}, or {@link #unmatched} (with the reason it could not be checked).
 */
public record ScanResult(
    List<VulnerableComponent> vulnerable, List<Component> clean, List<Unmatched> unmatched) {
  public ScanResult {
    vulnerable = List.copyOf(vulnerable);
    clean = List.copyOf(clean);
    unmatched = List.copyOf(unmatched);
  }

  /** One vulnerability (an alias group) in one component. */
  public record Finding(
      Component component,
      String id,
      List<String> aliases,
      Severity severity,
      String fixed,
      String summary) {
    public Finding {
      aliases = List.copyOf(aliases);
    }
  }

  /** The lowest version that clears the most findings, and how many it clears. */
  public record Advice(String version, int clears, int of) {}

  public record VulnerableComponent(Component component, List<Finding> findings, Advice advice) {
    public VulnerableComponent {
      findings = List.copyOf(findings);
    }

    public Severity.Level worst() {
      return findings.stream()
          .map(f -> f.severity().level())
          .max(Enum::compareTo)
          .orElse(Severity.Level.UNKNOWN);
    }
  }

  public record Unmatched(Component component, String reason) {}

  public int findingCount() {
    return vulnerable.stream().mapToInt(v -> v.findings().size()).sum();
  }

  public int componentCount() {
    return vulnerable.size() + clean.size() + unmatched.size();
  }
}
