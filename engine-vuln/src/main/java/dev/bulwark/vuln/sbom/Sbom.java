package dev.bulwark.vuln.sbom;

import java.util.List;
import java.util.Map;

/**
 * What Bulwark keeps of an SBOM: its format, the components (nested ones flattened, in document
 * order) and the dependency graph by component reference.
 */
public record Sbom(
    String format,
    String specVersion,
    List<Component> components,
    Map<String, List<String>> dependencies) {
  public Sbom {
    components = List.copyOf(components);
    dependencies = Map.copyOf(dependencies);
  }
}
