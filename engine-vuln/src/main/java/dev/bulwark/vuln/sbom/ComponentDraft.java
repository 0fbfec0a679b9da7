package dev.bulwark.vuln.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the parser has read of one component so far: the identity fields and the generator
 * properties that say where it came from. {@link #build} turns it into a {@link Component} once the
 * whole document, and so its generator, is known.
 *
 * <p>The property names are those Syft and Trivy write (Syft: {@code
 * syft/format/internal/cyclonedxutil/helpers}, Trivy: {@code pkg/sbom/core}): {@code
 * syft:package:type}, {@code syft:metadata:source}/{@code sourceVersion} (deb), {@code
 * originPackage} (apk), {@code sourceRpm} (rpm), {@code syft:location:N:layerID}/{@code path};
 * Trivy's {@code SrcName}, {@code SrcVersion}, {@code SrcRelease}, {@code SrcEpoch}, {@code
 * PkgType}, {@code LayerDiffID}, {@code LayerDigest}, {@code FilePath}, prefixed {@code
 * aquasecurity:trivy:} in CycloneDX and written as {@code Key: value} annotations or attribution
 * texts in SPDX.
 */
final class ComponentDraft {
  /** Who wrote the document, as far as it says. */
  enum Generator {
    SYFT,
    TRIVY,
    /** {@code bulwark sbom from-dpkg}: records the source of every package. */
    BULWARK,
    OTHER;

    static Generator ofToolName(String name) {
      if (name == null) {
        return OTHER;
      }
      String n = name.strip().toLowerCase(java.util.Locale.ROOT);
      if (n.startsWith("syft")) {
        return SYFT;
      }
      if (n.startsWith("trivy")) {
        return TRIVY;
      }
      if (n.equals(DpkgSbom.TOOL_NAME)) {
        return BULWARK;
      }
      return OTHER;
    }
  }

  String ref;
  String name;
  String group;
  String version;
  String purl;

  /** CycloneDX {@code type} (library, operating-system, application, file, ...). */
  String cdxType;

  private String packageType;
  private String trivyPkgType;
  private String trivyType;
  private String source;
  private String sourceVersion;
  private String sourceRpm;
  private String srcName;
  private String srcVersion;
  private String srcRelease;
  private String srcEpoch;
  private String layerDiffId;
  private String layerDigest;
  private String filePath;
  private final Map<Integer, String[]> indexed = new TreeMap<>();

  private final List<String> occurrences = new ArrayList<>();

  /** Paths without a layer: SPDX {@code sourceInfo} (Syft) and contained files (Trivy). */
  final List<String> paths = new ArrayList<>();

  /** SPDX {@code sourceInfo}, read at {@link #build} (Trivy writes the source package there). */
  String sourceInfo;

  /** SPDX ids only: Syft writes its package type into the SPDXID. */
  String spdxId;

  /** A CycloneDX property of the component. */
  void property(String key, String value) {
    if (key == null || value == null || value.isBlank()) {
      return;
    }
    switch (key) {
      case "syft:package:type", "bulwark:package:type" -> packageType = value.strip();
      case "syft:metadata:source", "bulwark:source:name" -> source = value.strip();
      case "syft:metadata:sourceVersion", "bulwark:source:version" -> sourceVersion = value.strip();
      case "syft:metadata:originPackage" -> source = value.strip();
      case "syft:metadata:sourceRpm" -> sourceRpm = value.strip();
      default -> {
        if (key.startsWith("aquasecurity:trivy:")) {
          trivy(key.substring("aquasecurity:trivy:".length()), value);
        } else if (key.startsWith("syft:location:")) {
          indexedLocation(key.substring("syft:location:".length()), value);
        } else if (key.startsWith("bulwark:location:")) {
          indexedLocation(key.substring("bulwark:location:".length()), value);
        }
      }
    }
  }

  /** {@code N:layerID} or {@code N:path}; N orders the locations. */
  private void indexedLocation(String rest, String value) {
    int colon = rest.indexOf(':');
    if (colon <= 0 || colon > 6) {
      return;
    }
    int n;
    try {
      n = Integer.parseInt(rest.substring(0, colon));
    } catch (NumberFormatException e) {
      return;
    }
    String what = rest.substring(colon + 1);
    int slot =
        switch (what) {
          case "layerID", "layer" -> 0;
          case "path" -> 1;
          default -> -1;
        };
    if (slot >= 0 && n >= 0) {
      indexed.computeIfAbsent(n, k -> new String[2])[slot] = value.strip();
    }
  }

  /** A Trivy property, without its CycloneDX prefix (the SPDX annotation key). */
  void trivy(String key, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    String v = value.strip();
    switch (key) {
      case "SrcName" -> srcName = v;
      case "SrcVersion" -> srcVersion = v;
      case "SrcRelease" -> srcRelease = v;
      case "SrcEpoch" -> srcEpoch = v;
      case "PkgType" -> trivyPkgType = v;
      case "Type" -> trivyType = v;
      case "LayerDiffID" -> layerDiffId = v;
      case "LayerDigest" -> layerDigest = v;
      case "FilePath" -> filePath = v;
      default -> {}
    }
  }

  /** A CycloneDX evidence occurrence's location: a path. */
  void occurrence(String location) {
    if (location != null && !location.isBlank()) {
      occurrences.add(location.strip());
    }
  }

  /** An SPDX annotation comment or attribution text: Trivy writes {@code Key: value}. */
  void keyValue(String text) {
    if (text == null) {
      return;
    }
    int i = text.indexOf(": ");
    if (i > 0) {
      trivy(text.substring(0, i).strip(), text.substring(i + 2));
    }
  }

  Component build(Generator generator, String fallbackRef) {
    String sourceName = null;
    String srcVer = null;
    if (srcName != null) {
      sourceName = srcName;
      if (srcVersion != null) {
        // Trivy splits the source version as RPM does: epoch, version, release.
        srcVer =
            (srcEpoch != null && !srcEpoch.equals("0") ? srcEpoch + ":" : "")
                + srcVersion
                + (srcRelease != null ? "-" + srcRelease : "");
      }
    } else if (source != null) {
      sourceName = source;
      srcVer = sourceVersion;
    } else if (sourceRpm != null) {
      String[] nv = sourceRpm(sourceRpm);
      sourceName = nv[0];
      srcVer = nv[1];
    } else if (sourceInfo != null && sourceInfo.startsWith("built package from: ")) {
      String s = sourceInfo.substring("built package from: ".length()).strip();
      int sp = s.indexOf(' ');
      sourceName = sp < 0 ? s : s.substring(0, sp);
      srcVer = sp < 0 ? null : s.substring(sp + 1).strip();
    }
    if (sourceName == null) {
      String upstream = qualifier(purl, "upstream");
      if (upstream != null && !upstream.isBlank()) {
        if ("rpm".equals(PackageTypes.purlType(purl)) && upstream.endsWith(".rpm")) {
          String[] nv = sourceRpm(upstream);
          sourceName = nv[0];
          srcVer = nv[1];
        } else {
          int at = upstream.indexOf('@');
          sourceName = at < 0 ? upstream : upstream.substring(0, at);
          srcVer = at < 0 ? null : upstream.substring(at + 1);
        }
      }
    }
    if (sourceName != null && sourceName.isBlank()) {
      sourceName = null;
    }
    if (srcVer != null && (srcVer.isBlank() || srcVer.equals(version) || sourceName == null)) {
      srcVer = null;
    }
    if (sourceInfo != null && sourceInfo.startsWith("acquired package info from ")) {
      int colon = sourceInfo.indexOf(": ");
      if (colon > 0) {
        for (String p : sourceInfo.substring(colon + 2).split(", ")) {
          if (!p.isBlank()) {
            paths.add(p.strip());
          }
        }
      }
    }
    String type = packageType;
    if (type == null) {
      type = trivyPkgType;
    }
    if (type == null && (cdxType == null || cdxType.equals("library"))) {
      // Older Trivy puts the analyzer type on libraries too; on an application or an
      // operating-system component it names what the component holds, not its own type.
      type = trivyType;
    }
    if (type == null && generator == Generator.SYFT && spdxId != null) {
      type = syftTypeOfSpdxId(spdxId);
    }
    List<Component.Location> locations = new ArrayList<>();
    for (String[] l : indexed.values()) {
      if (l[0] != null || l[1] != null) {
        locations.add(new Component.Location(l[0], l[1]));
      }
    }
    String layer = layerDiffId != null ? layerDiffId : layerDigest;
    if (layer != null || filePath != null) {
      locations.add(new Component.Location(layer, filePath));
    }
    for (String o : occurrences) {
      // Trivy writes the path once as an occurrence: it belongs with the layer it names.
      if (filePath == null && layer != null && locations.size() == 1 && occurrences.size() == 1) {
        locations.set(0, new Component.Location(layer, o));
      } else if (!o.equals(filePath)) {
        locations.add(new Component.Location(null, o));
      }
    }
    for (String p : paths) {
      locations.add(new Component.Location(null, p));
    }
    boolean recorded = generator != Generator.OTHER;
    Component.Origin origin =
        sourceName == null && srcVer == null && type == null && !recorded && locations.isEmpty()
            ? Component.Origin.NONE
            : new Component.Origin(sourceName, srcVer, type, recorded, locations);
    return new Component(ref != null ? ref : fallbackRef, qualifiedName(), version, purl, origin);
  }

  private String qualifiedName() {
    return group == null || group.isBlank() || name == null ? name : group + "/" + name;
  }

  /** Name and version-release of a source RPM file name ({@code openssl-1.0.2k-16.el7.src.rpm}). */
  static String[] sourceRpm(String file) {
    String s = file.strip();
    for (String suffix : new String[] {".src.rpm", ".nosrc.rpm", ".rpm"}) {
      if (s.endsWith(suffix)) {
        s = s.substring(0, s.length() - suffix.length());
        break;
      }
    }
    int release = s.lastIndexOf('-');
    int ver = release <= 0 ? -1 : s.lastIndexOf('-', release - 1);
    if (ver <= 0) {
      return new String[] {s, null};
    }
    return new String[] {s.substring(0, ver), s.substring(ver + 1)};
  }

  /**
   * Syft's SPDX ids are {@code SPDXRef-Package-<type>-<name>-<id>}; its package type is the longest
   * known type the id starts with.
   */
  private static String syftTypeOfSpdxId(String id) {
    String prefix = "SPDXRef-Package-";
    if (!id.startsWith(prefix)) {
      return null;
    }
    String rest = id.substring(prefix.length());
    String best = null;
    for (String t :
        new String[] {
          "deb",
          "rpm",
          "apk",
          "npm",
          "python",
          "gem",
          "go-module",
          "java-archive",
          "jenkins-plugin",
          "rust-crate",
          "php-composer",
          "dotnet"
        }) {
      if (rest.startsWith(t + "-") && (best == null || t.length() > best.length())) {
        best = t;
      }
    }
    return best;
  }

  /**
   * One qualifier of a purl, percent-decoded; null when absent. Read from the text because the
   * parser does not otherwise build purl objects, and packageurl-java is left to the matcher.
   */
  static String qualifier(String purl, String key) {
    if (purl == null) {
      return null;
    }
    int q = purl.indexOf('?');
    if (q < 0) {
      return null;
    }
    int hash = purl.indexOf('#', q);
    String qs = hash < 0 ? purl.substring(q + 1) : purl.substring(q + 1, hash);
    for (String pair : qs.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(key)) {
        try {
          return java.net.URLDecoder.decode(
              pair.substring(eq + 1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return pair.substring(eq + 1);
        }
      }
    }
    return null;
  }
}
