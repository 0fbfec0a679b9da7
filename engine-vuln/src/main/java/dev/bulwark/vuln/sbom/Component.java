package dev.bulwark.vuln.sbom;

/** A component as an SBOM lists it; any field but {@code ref} may be null. */
public record Component(String ref, String name, String version, String purl) {
  /** A label for reports: the purl, else name and version, else the reference. */
  public String label() {
    if (purl != null) {
      return purl;
    }
    if (name != null) {
      return name + (version == null ? "" : "@" + version);
    }
    return ref;
  }
}
