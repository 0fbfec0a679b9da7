package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Severity;
import dev.bulwark.vuln.sbom.Component;
import java.util.List;

/**
 * Every component of an SBOM lands in exactly one of four lists: {@link #vulnerable} (with its
 * findings), {@link #clean}, {@link #unmatched} (with the reason it could not be checked), or
 * {@link #notCovered}: its ecosystem is one for which no advisories are loaded, so it was not
 * checked and is not called clean.
 */
public record ScanResult(
    List<VulnerableComponent> vulnerable,
    List<Component> clean,
    List<Unmatched> unmatched,
    List<Component> notCovered) {
  public ScanResult {
    vulnerable = List.copyOf(vulnerable);
    clean = List.copyOf(clean);
    unmatched = List.copyOf(unmatched);
    notCovered = List.copyOf(notCovered);
  }

  /**
   * One vulnerability (an alias group) in one component. {@code severityFrom} is the id of the
   * record whose rating {@code severity} is: {@code id} or another record that matched, when they
   * carry one; else ({@code severityByAlias}) an alias that did not match this component but rates
   * the same vulnerability (a GHSA record rating a GO- record); null when no record of the group is
   * rated. {@code distroStatus} is the distribution's own verdict on the package where its record
   * carries one ("will not fix", "postponed", "not affected", ...), shown as such; null otherwise.
   */
  public record Finding(
      Component component,
      String id,
      List<String> aliases,
      Severity severity,
      String severityFrom,
      boolean severityByAlias,
      String fixed,
      String summary,
      String distroStatus) {
    public Finding(
        Component component,
        String id,
        List<String> aliases,
        Severity severity,
        String severityFrom,
        boolean severityByAlias,
        String fixed,
        String summary) {
      this(component, id, aliases, severity, severityFrom, severityByAlias, fixed, summary, null);
    }

    public Finding {
      aliases = List.copyOf(aliases);
      java.util.Objects.requireNonNull(severity, "severity");
      if (severity.known() != (severityFrom != null) || (severityByAlias && severityFrom == null)) {
        throw new IllegalArgumentException("a known severity names its record, an unknown none");
      }
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

  /**
   * A component that could not be checked, and why. {@code typeConflict} marks the components whose
   * purl type disagrees with the package type the SBOM's generator recorded (a purl {@code pkg:npm}
   * on a package Syft calls {@code deb}): which one is right cannot be told, so the component is
   * listed here, and the CLI warns about them, rather than matched under either.
   */
  public record Unmatched(Component component, String reason, boolean typeConflict) {
    public Unmatched(Component component, String reason) {
      this(component, reason, false);
    }
  }

  /** The unmatched components whose purl type and recorded package type disagree. */
  public List<Unmatched> typeConflicts() {
    return unmatched.stream().filter(Unmatched::typeConflict).toList();
  }

  public int findingCount() {
    return vulnerable.stream().mapToInt(v -> v.findings().size()).sum();
  }

  public int componentCount() {
    return vulnerable.size() + clean.size() + unmatched.size() + notCovered.size();
  }
}
