package dev.bulwark.vuln.sbom;

import java.util.List;
import java.util.Objects;

/**
 * A component as an SBOM lists it; any field but {@code ref} and {@code origin} may be null. {@code
 * origin} holds what an image SBOM says beyond the purl: the source package an OS package was built
 * from, the package type the generator recorded, and the layers and paths it was found in. It is
 * {@link Origin#NONE} where the SBOM says nothing of the kind.
 */
public record Component(String ref, String name, String version, String purl, Origin origin) {
  public Component {
    Objects.requireNonNull(origin, "origin");
  }

  public Component(String ref, String name, String version, String purl) {
    this(ref, name, version, purl, Origin.NONE);
  }

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

  /**
   * Where a component came from, as the SBOM generator recorded it.
   *
   * @param sourceName the source package (Debian {@code Source:}, RPM source RPM name, apk origin)
   *     when the SBOM names one; null when it does not
   * @param sourceVersion the source package's version when it differs from the component's; null
   *     otherwise
   * @param packageType the generator's own package type ({@code deb}, {@code rpm}, {@code apk},
   *     {@code npm}, {@code go-module}, ...), null when not recorded; compared with the purl type
   * @param sourceRecorded true when the generator is known to record the source package whenever it
   *     differs from the binary package (Syft, Trivy, dpkg-query), so that a missing {@code
   *     sourceName} means "same as the binary"; false when a missing one means "unknown"
   * @param locations the image layers and file paths the component was found in, in SBOM order
   */
  public record Origin(
      String sourceName,
      String sourceVersion,
      String packageType,
      boolean sourceRecorded,
      List<Location> locations) {
    public static final Origin NONE = new Origin(null, null, null, false, List.of());

    public Origin {
      locations = List.copyOf(Objects.requireNonNull(locations, "locations"));
    }
  }

  /**
   * One place an image SBOM found a component: the layer (its digest or diff id, as the SBOM gives
   * it) and the path of the file that listed it (for example {@code /var/lib/dpkg/status}); either
   * may be null, not both.
   */
  public record Location(String layer, String path) {
    public Location {
      if (layer == null && path == null) {
        throw new IllegalArgumentException("a location names a layer, a path or both");
      }
    }
  }
}
