package dev.bulwark.vuln.osv;

import java.util.List;
import java.util.Objects;

/**
 * One OSV record, as the engine needs it. {@code source} says where it was read (file or zip
 * entry), for error messages and reports.
 */
public record Advisory(
    String id,
    String modified,
    boolean withdrawn,
    List<String> aliases,
    List<String> upstream,
    String summary,
    Severity severity,
    List<AffectedPackage> affected,
    String source) {
  public Advisory {
    Objects.requireNonNull(id, "id");
    aliases = List.copyOf(aliases);
    upstream = List.copyOf(upstream);
    affected = List.copyOf(affected);
    Objects.requireNonNull(severity, "severity");
  }
}
