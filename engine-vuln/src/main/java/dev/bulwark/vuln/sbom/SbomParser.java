package dev.bulwark.vuln.sbom;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams CycloneDX (1.2 to 1.6, JSON and XML) and SPDX 2.3 JSON into {@link Sbom}. Only the fields
 * matching needs are kept, so memory grows with the number of components, not with the document's
 * bytes. Written on Jackson's streaming parser and the JDK's StAX reader because the CycloneDX and
 * SPDX libraries bind whole documents into object graphs. XML is hardened: a DTD is refused
 * outright, so there are no external entities and no entity expansion.
 */
public final class SbomParser {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(500)
                  .maxStringLength(50_000_000)
                  .build())
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private SbomParser() {}

  public static Sbom parse(Path file) throws SbomFormatException, IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return parse(file.toString(), in);
    }
  }

  public static Sbom parse(String name, InputStream input) throws SbomFormatException, IOException {
    InputStream in = input.markSupported() ? input : new BufferedInputStream(input);
    in.mark(4096);
    int first;
    do {
      first = in.read();
    } while (first == ' '
        || first == '\n'
        || first == '\r'
        || first == '\t'
        || first == 0xEF
        || first == 0xBB
        || first == 0xBF);
    in.reset();
    if (first == '{') {
      return json(name, in);
    }
    if (first == '<') {
      return xml(name, in);
    }
    throw new SbomFormatException(
        name + ": not an SBOM (expected CycloneDX JSON or XML, or SPDX JSON)");
  }

  // ---- JSON: CycloneDX and SPDX in one pass ----

  private static Sbom json(String name, InputStream in) throws SbomFormatException, IOException {
    List<Component> components = new ArrayList<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    String bomFormat = null;
    String specVersion = null;
    String spdxVersion = null;
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new SbomFormatException(name + ": not an SBOM (the document is not a JSON object)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "bomFormat" -> bomFormat = p.getValueAsString();
          case "specVersion" -> specVersion = p.getValueAsString();
          case "spdxVersion" -> spdxVersion = p.getValueAsString();
          case "components" -> cdxComponents(p, components);
          case "dependencies" -> cdxDependencies(p, deps);
          case "packages" -> spdxPackages(p, components);
          case "relationships" -> spdxRelationships(p, deps);
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new SbomFormatException(name + ": malformed JSON at " + where(p));
      }
      if (p.nextToken() != null) {
        throw new SbomFormatException(
            name + ": trailing content after the document at " + where(p));
      }
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw new SbomFormatException(
          name
              + ": invalid JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    }
    if ("CycloneDX".equals(bomFormat)) {
      return new Sbom("CycloneDX", specVersion, uniqueRefs(components), deps);
    }
    if (spdxVersion != null && spdxVersion.startsWith("SPDX-")) {
      return new Sbom("SPDX", spdxVersion.substring(5), uniqueRefs(components), deps);
    }
    throw new SbomFormatException(
        name + ": not an SBOM (no bomFormat \"CycloneDX\" and no spdxVersion)");
  }

  private static String where(JsonParser p) {
    return "line "
        + p.currentLocation().getLineNr()
        + ", column "
        + p.currentLocation().getColumnNr();
  }

  private static void expect(JsonParser p, JsonToken t, String what)
      throws SbomFormatException, IOException {
    if (p.currentToken() != t) {
      throw new SbomFormatException("'" + what + "' has the wrong type at " + where(p));
    }
  }

  private static void cdxComponents(JsonParser p, List<Component> out)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "components");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "components[]");
      String ref = null, nm = null, group = null, version = null, purl = null;
      List<Component> nested = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "bom-ref" -> ref = p.getValueAsString();
          case "name" -> nm = p.getValueAsString();
          case "group" -> group = p.getValueAsString();
          case "version" -> version = p.getValueAsString();
          case "purl" -> purl = p.getValueAsString();
          case "components" -> cdxComponents(p, nested);
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
      out.add(
          new Component(
              ref != null ? ref : "component-" + out.size(), qualified(group, nm), version, purl));
      out.addAll(nested);
    }
  }

  private static String qualified(String group, String name) {
    return group == null || group.isBlank() || name == null ? name : group + "/" + name;
  }

  private static void cdxDependencies(JsonParser p, Map<String, List<String>> deps)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "dependencies");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "dependencies[]");
      String ref = null;
      List<String> on = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("ref")) {
          ref = p.getValueAsString();
        } else if (f.equals("dependsOn") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            on.add(p.getValueAsString());
          }
        } else if (t.isStructStart()) {
          p.skipChildren();
        }
      }
      if (ref != null) {
        deps.computeIfAbsent(ref, k -> new ArrayList<>()).addAll(on);
      }
    }
  }

  private static void spdxPackages(JsonParser p, List<Component> out)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "packages");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "packages[]");
      String id = null, nm = null, version = null, purl = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "SPDXID" -> id = p.getValueAsString();
          case "name" -> nm = p.getValueAsString();
          case "versionInfo" -> version = p.getValueAsString();
          case "externalRefs" -> {
            expect(p, JsonToken.START_ARRAY, "externalRefs");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              String type = null, locator = null;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String rf = p.currentName();
                JsonToken rt = p.nextToken();
                if (rf.equals("referenceType")) {
                  type = p.getValueAsString();
                } else if (rf.equals("referenceLocator")) {
                  locator = p.getValueAsString();
                } else if (rt.isStructStart()) {
                  p.skipChildren();
                }
              }
              if ("purl".equals(type) && purl == null) {
                purl = locator;
              }
            }
          }
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
      out.add(new Component(id != null ? id : "package-" + out.size(), nm, version, purl));
    }
  }

  private static void spdxRelationships(JsonParser p, Map<String, List<String>> deps)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "relationships");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String from = null, to = null, type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "spdxElementId" -> from = p.getValueAsString();
          case "relatedSpdxElement" -> to = p.getValueAsString();
          case "relationshipType" -> type = p.getValueAsString();
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
      if (from != null && to != null && ("DEPENDS_ON".equals(type) || "CONTAINS".equals(type))) {
        deps.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
      } else if (from != null && to != null && "DEPENDENCY_OF".equals(type)) {
        deps.computeIfAbsent(to, k -> new ArrayList<>()).add(from);
      }
    }
  }

  // ---- XML: CycloneDX ----

  private static Sbom xml(String name, InputStream in) throws SbomFormatException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    List<Component> components = new ArrayList<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    String specVersion = null;
    XMLStreamReader r = null;
    try {
      r = f.createXMLStreamReader(in);
      // Element path from the root; component frames hold the fields read so far.
      Deque<String> path = new ArrayDeque<>();
      Deque<String[]> frames = new ArrayDeque<>();
      Deque<List<Component>> pending = new ArrayDeque<>();
      String currentDependency = null;
      StringBuilder text = new StringBuilder();
      boolean sawBom = false;
      while (r.hasNext()) {
        int ev = r.next();
        switch (ev) {
          case XMLStreamConstants.DTD ->
              throw new SbomFormatException(
                  name
                      + ": refused: the XML has a DTD (document type declarations are not accepted, so no external entities can be read)");
          case XMLStreamConstants.ENTITY_REFERENCE ->
              throw new SbomFormatException(
                  name
                      + ": refused: the XML uses an entity reference &"
                      + r.getLocalName()
                      + "; at "
                      + at(r.getLocation()));
          case XMLStreamConstants.START_ELEMENT -> {
            String local = r.getLocalName();
            if (path.isEmpty()) {
              if (!local.equals("bom")
                  || r.getNamespaceURI() == null
                  || !r.getNamespaceURI().startsWith("http://cyclonedx.org/schema/bom/")) {
                throw new SbomFormatException(
                    name + ": not a CycloneDX XML document (root element " + local + ")");
              }
              sawBom = true;
              specVersion =
                  r.getNamespaceURI().substring("http://cyclonedx.org/schema/bom/".length());
            }
            String parent = path.peek();
            path.push(local);
            text.setLength(0);
            if (local.equals("component")
                && "components".equals(parent)
                && !path.contains("metadata")) {
              frames.push(
                  new String[] {r.getAttributeValue(null, "bom-ref"), null, null, null, null});
              pending.push(new ArrayList<>());
            } else if (local.equals("dependency") && "dependencies".equals(parent)) {
              currentDependency = r.getAttributeValue(null, "ref");
              if (currentDependency != null) {
                deps.computeIfAbsent(currentDependency, k -> new ArrayList<>());
              }
            } else if (local.equals("dependency")
                && "dependency".equals(parent)
                && currentDependency != null) {
              deps.get(currentDependency).add(r.getAttributeValue(null, "ref"));
            }
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(r.getText());
          case XMLStreamConstants.END_ELEMENT -> {
            String local = path.pop();
            String parent = path.peek();
            if ("component".equals(parent) && !frames.isEmpty() && path.size() >= 1) {
              String[] fr = frames.peek();
              switch (local) {
                case "group" -> fr[1] = text.toString().strip();
                case "name" -> fr[2] = text.toString().strip();
                case "version" -> fr[3] = text.toString().strip();
                case "purl" -> fr[4] = text.toString().strip();
                default -> {}
              }
            }
            if (local.equals("component")
                && "components".equals(parent)
                && !frames.isEmpty()
                && !path.contains("metadata")) {
              String[] fr = frames.pop();
              List<Component> nested = pending.pop();
              List<Component> target = pending.isEmpty() ? components : pending.peek();
              int index = components.size() + (pending.isEmpty() ? 0 : pending.peek().size());
              target.add(
                  new Component(
                      fr[0] != null ? fr[0] : "component-" + index,
                      qualified(fr[1], fr[2]),
                      fr[3],
                      fr[4]));
              target.addAll(nested);
            }
            if (local.equals("dependency") && "dependencies".equals(parent)) {
              currentDependency = null;
            }
            text.setLength(0);
          }
          default -> {}
        }
      }
      if (!sawBom) {
        throw new SbomFormatException(name + ": not a CycloneDX XML document");
      }
    } catch (XMLStreamException e) {
      throw new SbomFormatException(
          name
              + ": invalid XML"
              + (e.getLocation() == null ? "" : " at " + at(e.getLocation()))
              + ": "
              + cleanMessage(e));
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // closing a reader that already failed
        }
      }
    }
    return new Sbom("CycloneDX", specVersion, uniqueRefs(components), deps);
  }

  /**
   * Gives every component a reference of its own. A document may repeat a {@code bom-ref} (or an
   * SPDXID), and the references made up for components without one can meet a real one; keeping
   * only the first would let a vulnerable component hide behind the reference of a clean one, so
   * each later repeat is renamed {@code <ref>#<n>} with the first free n, and still matched. The
   * dependency graph keeps pointing at the first.
   */
  static List<Component> uniqueRefs(List<Component> components) {
    java.util.Set<String> taken = new java.util.HashSet<>();
    components.forEach(c -> taken.add(c.ref()));
    if (taken.size() == components.size()) {
      return components;
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<Component> out = new ArrayList<>(components.size());
    for (Component c : components) {
      if (seen.add(c.ref())) {
        out.add(c);
        continue;
      }
      int n = 2;
      while (taken.contains(c.ref() + "#" + n)) {
        n++;
      }
      String ref = c.ref() + "#" + n;
      taken.add(ref);
      seen.add(ref);
      out.add(new Component(ref, c.name(), c.version(), c.purl()));
    }
    return out;
  }

  private static String at(Location l) {
    return "line " + l.getLineNumber() + ", column " + l.getColumnNumber();
  }

  private static String cleanMessage(XMLStreamException e) {
    String m = e.getMessage() == null ? "malformed" : e.getMessage();
    int i = m.indexOf("Message: ");
    return (i >= 0 ? m.substring(i + 9) : m).strip();
  }
}
