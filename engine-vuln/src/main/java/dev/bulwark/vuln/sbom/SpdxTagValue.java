package dev.bulwark.vuln.sbom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPDX 2.x tag-value ({@code Tag: value} lines, {@code <text>...</text>} for multi-line values), as
 * Trivy writes it with {@code --format spdx}. Written here because the only Java SPDX library
 * (spdx-java-library) loads whole documents into its model store, with dozens of dependencies, to
 * read the handful of tags matching needs.
 */
final class SpdxTagValue {
  /** Longer lines than any real document has are refused rather than buffered. */
  static final int MAX_LINE = 1 << 20;

  private SpdxTagValue() {}

  static Sbom parse(String name, InputStream in) throws SbomFormatException, IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    List<ComponentDraft> packages = new ArrayList<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    Map<String, String> files = new HashMap<>();
    Map<String, ComponentDraft> byId = new HashMap<>();
    ComponentDraft.Generator generator = ComponentDraft.Generator.OTHER;
    String spdxVersion = null;
    ComponentDraft current = null;
    String fileName = null;
    String annotationRef = null;
    String line;
    int lineNo = 0;
    boolean first = true;
    while ((line = readLine(r, name, lineNo + 1)) != null) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (first) {
        first = false;
        if (!line.startsWith("SPDXVersion:")) {
          throw new SbomFormatException(
              name
                  + ": not an SBOM (expected CycloneDX JSON or XML, or SPDX JSON or tag-value, which"
                  + " starts with SPDXVersion)");
        }
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new SbomFormatException(
            name + ": line " + lineNo + ": not an SPDX tag-value line (expected 'Tag: value')");
      }
      String tag = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (value.startsWith("<text>")) {
        StringBuilder sb = new StringBuilder(value.substring(6));
        int start = lineNo;
        while (sb.indexOf("</text>") < 0) {
          String more = readLine(r, name, lineNo + 1);
          if (more == null) {
            throw new SbomFormatException(
                name + ": line " + start + ": <text> is not closed by </text>");
          }
          lineNo++;
          sb.append('\n').append(more);
          if (sb.length() > MAX_LINE) {
            throw new SbomFormatException(
                name + ": line " + start + ": a <text> value longer than " + MAX_LINE + " bytes");
          }
        }
        value = sb.substring(0, sb.indexOf("</text>")).strip();
      }
      switch (tag) {
        case "SPDXVersion" -> spdxVersion = value;
        case "Creator" -> generator = SbomParser.creator(value, generator);
        case "PackageName" -> {
          current = new ComponentDraft();
          current.name = value;
          packages.add(current);
          fileName = null;
        }
        case "FileName" -> {
          current = null;
          fileName = value;
        }
        case "SPDXID" -> {
          if (current != null && current.ref == null) {
            current.ref = current.spdxId = value;
            byId.put(value, current);
          } else if (fileName != null) {
            files.put(value, fileName);
            fileName = null;
          }
        }
        case "PackageVersion" -> {
          if (current != null) {
            current.version = value;
          }
        }
        case "PackageSourceInfo" -> {
          if (current != null) {
            current.sourceInfo = value;
          }
        }
        case "PackageAttributionText" -> {
          if (current != null) {
            current.keyValue(value);
          }
        }
        case "ExternalRef" -> {
          String[] parts = value.split("\\s+", 3);
          if (current != null && parts.length == 3 && parts[1].equals("purl")) {
            if (current.purl == null) {
              current.purl = parts[2];
            }
          }
        }
        case "SPDXREF" -> annotationRef = value;
        case "AnnotationComment" -> {
          ComponentDraft target = annotationRef == null ? null : byId.get(annotationRef);
          if (target != null) {
            target.keyValue(value);
          }
        }
        case "Relationship" -> {
          String[] parts = value.split("\\s+");
          if (parts.length == 3) {
            String from = parts[0], type = parts[1], to = parts[2];
            if (type.equals("DEPENDS_ON") || type.equals("CONTAINS")) {
              deps.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
            } else if (type.equals("DEPENDENCY_OF")) {
              deps.computeIfAbsent(to, k -> new ArrayList<>()).add(from);
            }
          }
        }
        default -> {}
      }
    }
    if (spdxVersion == null || !spdxVersion.startsWith("SPDX-")) {
      throw new SbomFormatException(name + ": not an SBOM (no SPDXVersion)");
    }
    SbomParser.spdxContainedFiles(packages, deps, files);
    return new Sbom(
        "SPDX", spdxVersion.substring(5), SbomParser.build(packages, generator, "package-"), deps);
  }

  private static String readLine(BufferedReader r, String name, int lineNo)
      throws IOException, SbomFormatException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = r.read()) != -1) {
      if (c == '\n') {
        return sb.toString();
      }
      if (c != '\r') {
        sb.append((char) c);
      }
      if (sb.length() > MAX_LINE) {
        throw new SbomFormatException(
            name + ": line " + lineNo + ": longer than " + MAX_LINE + " bytes");
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }
}
