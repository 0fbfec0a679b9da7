package dev.bulwark.vuln.sbom;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A CycloneDX 1.6 SBOM of a Debian or Ubuntu system's installed packages, from {@code dpkg-query}
 * output and {@code /etc/os-release}: each package with its purl ({@code pkg:deb/ID/NAME@VERSION}
 * with {@code arch}, {@code distro=ID-VERSION_ID} and {@code upstream}), its source package and the
 * status file it is listed in. The document names this builder as its tool, so that the parser
 * knows the source package is always recorded.
 */
public final class DpkgSbom {
  /** The tool name written into {@code metadata.tools}; the parser recognises it. */
  public static final String TOOL_NAME = "bulwark-dpkg";

  /**
   * The {@code dpkg-query -W -f} format this builder reads: package, version, architecture, the
   * {@code Source} field (empty when the same as the package, else {@code NAME} or {@code NAME
   * (VERSION)}), the source version, and the status abbreviation.
   */
  public static final String QUERY_FORMAT =
      "${Package}\\t${Version}\\t${Architecture}\\t${Source}\\t${source:Version}\\t${db:Status-Abbrev}\\n";

  public static final String STATUS_FILE = "/var/lib/dpkg/status";

  /** One installed package. {@code sourceVersion} is null when it equals {@code version}. */
  public record Entry(
      String name, String version, String architecture, String source, String sourceVersion) {
    public Entry {
      if (name == null || name.isBlank() || version == null || version.isBlank()) {
        throw new IllegalArgumentException("a package has a name and a version");
      }
    }
  }

  /** The distribution, from {@code /etc/os-release}: {@code ID} and {@code VERSION_ID}. */
  public record Distro(String id, String versionId) {
    public String qualifier() {
      return versionId == null ? id : id + "-" + versionId;
    }
  }

  /** The packages read and how many lines named packages that are not installed. */
  public record Listing(List<Entry> packages, int notInstalled) {
    public Listing {
      packages = List.copyOf(packages);
    }
  }

  private DpkgSbom() {}

  /**
   * Reads {@code dpkg-query} output in {@link #QUERY_FORMAT} (the status column may be missing, as
   * with the five-column format). Packages whose status is not installed ({@code rc}: only their
   * configuration files remain) are counted, not listed.
   */
  public static Listing read(String name, String output) throws SbomFormatException {
    List<Entry> out = new ArrayList<>();
    int notInstalled = 0;
    int lineNo = 0;
    for (String line : output.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 5 || f.length > 6) {
        throw new SbomFormatException(
            name
                + ": line "
                + lineNo
                + ": expected 5 or 6 tab-separated fields (dpkg-query -f '"
                + QUERY_FORMAT
                + "'), found "
                + f.length);
      }
      if (f.length == 6 && !installed(f[5])) {
        notInstalled++;
        continue;
      }
      if (f[0].isBlank() || f[1].isBlank()) {
        throw new SbomFormatException(
            name + ": line " + lineNo + ": a package without a name or a version");
      }
      String source = f[3].strip();
      String sourceVersion = f[4].strip();
      int paren = source.indexOf(" (");
      if (paren > 0 && source.endsWith(")")) {
        if (sourceVersion.isEmpty()) {
          sourceVersion = source.substring(paren + 2, source.length() - 1);
        }
        source = source.substring(0, paren);
      }
      if (source.isEmpty()) {
        source = f[0].strip();
      }
      out.add(
          new Entry(
              f[0].strip(),
              f[1].strip(),
              f[2].strip(),
              source,
              sourceVersion.isEmpty() || sourceVersion.equals(f[1].strip())
                  ? null
                  : sourceVersion));
    }
    return new Listing(out, notInstalled);
  }

  /**
   * The second letter of dpkg's status abbreviation: n, c (config files only) are not installed.
   */
  private static boolean installed(String abbrev) {
    String s = abbrev.strip();
    return s.length() >= 2 && s.charAt(1) != 'n' && s.charAt(1) != 'c';
  }

  /** {@code ID} and {@code VERSION_ID} of an os-release file; null when it has no ID. */
  public static Distro osRelease(String text) {
    String id = null;
    String version = null;
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      if (key.equals("ID")) {
        id = value.toLowerCase(Locale.ROOT);
      } else if (key.equals("VERSION_ID")) {
        version = value;
      }
    }
    return id == null || id.isBlank() ? null : new Distro(id, version);
  }

  /** The purl of a package; packageurl-java does the percent-encoding. */
  public static String purl(Entry e, Distro distro) {
    TreeMap<String, String> q = new TreeMap<>();
    if (!e.architecture().isBlank()) {
      q.put("arch", e.architecture());
    }
    q.put("distro", distro.qualifier());
    if (!e.source().equals(e.name()) || e.sourceVersion() != null) {
      q.put("upstream", e.source() + (e.sourceVersion() == null ? "" : "@" + e.sourceVersion()));
    }
    try {
      return new PackageURL("deb", distro.id(), e.name(), e.version(), q, null).canonicalize();
    } catch (MalformedPackageURLException ex) {
      throw new IllegalArgumentException(e.name() + ": " + ex.getMessage(), ex);
    }
  }

  /** The {@code arch} qualifier of a purl, or null. */
  public static String architectureOf(String purl) {
    return ComponentDraft.qualifier(purl, "arch");
  }

  /** The SBOM, as CycloneDX 1.6 JSON. */
  public static String cycloneDx(
      Listing listing, Distro distro, String toolVersion, Instant now, UUID serial) {
    List<Object> components = new ArrayList<>();
    for (Entry e : listing.packages()) {
      String purl = purl(e, distro);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("type", "library");
      c.put("bom-ref", purl);
      c.put("name", e.name());
      c.put("version", e.version());
      c.put("purl", purl);
      List<Object> props = new ArrayList<>();
      props.add(property("bulwark:package:type", "deb"));
      props.add(property("bulwark:source:name", e.source()));
      if (e.sourceVersion() != null) {
        props.add(property("bulwark:source:version", e.sourceVersion()));
      }
      props.add(property("bulwark:location:0:path", STATUS_FILE));
      c.put("properties", props);
      components.add(c);
    }
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("type", "application");
    tool.put("name", TOOL_NAME);
    tool.put("version", toolVersion);
    Map<String, Object> os = new LinkedHashMap<>();
    os.put("type", "operating-system");
    os.put("bom-ref", "os:" + distro.qualifier());
    os.put("name", distro.id());
    if (distro.versionId() != null) {
      os.put("version", distro.versionId());
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("timestamp", now.toString());
    metadata.put("tools", Map.of("components", List.of(tool)));
    metadata.put("component", os);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("bomFormat", "CycloneDX");
    root.put("specVersion", "1.6");
    root.put("serialNumber", "urn:uuid:" + serial);
    root.put("version", 1);
    root.put("metadata", metadata);
    root.put("components", components);
    try {
      return JsonMapper.builder()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .build()
              .writeValueAsString(root)
          + "\n";
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static Map<String, Object> property(String name, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("value", value);
    return m;
  }
}
