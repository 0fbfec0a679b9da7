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
 * Streams CycloneDX (1.2 to 1.7, JSON and XML) and SPDX (2.2 and 2.3, JSON and tag-value) into
 * {@link Sbom}. Only the fields matching needs are kept, so memory grows with the number of
 * components, not with the document's bytes. Written on Jackson's streaming parser and the JDK's
 * StAX reader because the CycloneDX and SPDX libraries bind whole documents into object graphs. XML
 * is hardened: a DTD is refused outright, so there are no external entities and no entity
 * expansion.
 *
 * <p>Image SBOMs: what Syft and Trivy record beyond the purl (the source package, their own package
 * type, the layer and path each package was found in) becomes the component's {@link
 * Component.Origin}; see {@link ComponentDraft} for the property names.
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
    if (first == 'S' || first == '#') {
      return SpdxTagValue.parse(name, in);
    }
    throw new SbomFormatException(
        name + ": not an SBOM (expected CycloneDX JSON or XML, or SPDX JSON or tag-value)");
  }

  // ---- JSON: CycloneDX and SPDX in one pass ----

  private static Sbom json(String name, InputStream in) throws SbomFormatException, IOException {
    List<ComponentDraft> components = new ArrayList<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    Map<String, String> files = new java.util.HashMap<>();
    ComponentDraft.Generator[] generator = {ComponentDraft.Generator.OTHER};
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
          case "metadata" -> generator[0] = cdxMetadata(p, generator[0]);
          case "components" -> cdxComponents(p, components);
          case "dependencies" -> cdxDependencies(p, deps);
          case "creationInfo" -> generator[0] = spdxCreationInfo(p, generator[0]);
          case "packages" -> spdxPackages(p, components);
          case "files" -> spdxFiles(p, files);
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
    } catch (SbomFormatException e) {
      // The readers of the parts know the position, not the file.
      throw e.getMessage().startsWith(name + ": ")
          ? e
          : new SbomFormatException(name + ": " + e.getMessage());
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
      return new Sbom(
          "CycloneDX", specVersion, build(components, generator[0], "component-"), deps);
    }
    if (spdxVersion != null && spdxVersion.startsWith("SPDX-")) {
      spdxContainedFiles(components, deps, files);
      return new Sbom(
          "SPDX", spdxVersion.substring(5), build(components, generator[0], "package-"), deps);
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

  private static void cdxComponents(JsonParser p, List<ComponentDraft> out)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "components");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "components[]");
      ComponentDraft d = new ComponentDraft();
      List<ComponentDraft> nested = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "bom-ref" -> d.ref = p.getValueAsString();
          case "type" -> d.cdxType = p.getValueAsString();
          case "name" -> d.name = p.getValueAsString();
          case "group" -> d.group = p.getValueAsString();
          case "version" -> d.version = p.getValueAsString();
          case "purl" -> d.purl = p.getValueAsString();
          case "properties" -> cdxProperties(p, d);
          case "evidence" -> cdxEvidence(p, d);
          case "components" -> cdxComponents(p, nested);
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
      out.add(d);
      out.addAll(nested);
    }
  }

  private static void cdxProperties(JsonParser p, ComponentDraft d)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "properties");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "properties[]");
      String key = null, value = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (t.isStructStart()) {
          p.skipChildren();
        } else if (f.equals("name")) {
          key = p.getValueAsString();
        } else if (f.equals("value")) {
          value = p.getValueAsString();
        }
      }
      d.property(key, value);
    }
  }

  /**
   * CycloneDX 1.5+ {@code evidence.occurrences[].location}: where the component was found (Trivy
   * writes its file paths there since 0.50).
   */
  private static void cdxEvidence(JsonParser p, ComponentDraft d)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_OBJECT, "evidence");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("occurrences") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() != JsonToken.START_OBJECT) {
            if (p.currentToken().isStructStart()) {
              p.skipChildren();
            }
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String of = p.currentName();
            JsonToken ot = p.nextToken();
            if (ot.isStructStart()) {
              p.skipChildren();
            } else if (of.equals("location")) {
              d.occurrence(p.getValueAsString());
            }
          }
        }
      } else if (t.isStructStart()) {
        p.skipChildren();
      }
    }
  }

  /**
   * Reads who wrote a CycloneDX document from {@code metadata.tools}: an array of {@code {vendor,
   * name}} up to 1.4, an object with {@code components} (and {@code services}) from 1.5.
   */
  private static ComponentDraft.Generator cdxMetadata(
      JsonParser p, ComponentDraft.Generator current) throws IOException, SbomFormatException {
    expect(p, JsonToken.START_OBJECT, "metadata");
    ComponentDraft.Generator g = current;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("tools") && t == JsonToken.START_ARRAY) {
        g = toolNames(p, g);
      } else if (f.equals("tools") && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonToken tt = p.nextToken();
          if (tt == JsonToken.START_ARRAY) {
            g = toolNames(p, g);
          } else if (tt.isStructStart()) {
            p.skipChildren();
          }
        }
      } else if (t.isStructStart()) {
        p.skipChildren();
      }
    }
    return g;
  }

  private static ComponentDraft.Generator toolNames(JsonParser p, ComponentDraft.Generator g)
      throws IOException {
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        if (p.currentToken().isStructStart()) {
          p.skipChildren();
        }
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("name") && t == JsonToken.VALUE_STRING) {
          ComponentDraft.Generator named = ComponentDraft.Generator.ofToolName(p.getText());
          if (named != ComponentDraft.Generator.OTHER) {
            g = named;
          }
        } else if (t.isStructStart()) {
          p.skipChildren();
        }
      }
    }
    return g;
  }

  /** SPDX {@code creationInfo.creators}: {@code Tool: syft-1.2.3}, {@code Tool: trivy-0.50.0}. */
  private static ComponentDraft.Generator spdxCreationInfo(
      JsonParser p, ComponentDraft.Generator current) throws IOException, SbomFormatException {
    expect(p, JsonToken.START_OBJECT, "creationInfo");
    ComponentDraft.Generator g = current;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("creators") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken().isStructStart()) {
            p.skipChildren();
          } else {
            g = creator(p.getValueAsString(), g);
          }
        }
      } else if (t.isStructStart()) {
        p.skipChildren();
      }
    }
    return g;
  }

  static ComponentDraft.Generator creator(String creator, ComponentDraft.Generator g) {
    if (creator != null && creator.startsWith("Tool:")) {
      ComponentDraft.Generator named =
          ComponentDraft.Generator.ofToolName(creator.substring(5).strip());
      if (named != ComponentDraft.Generator.OTHER) {
        return named;
      }
    }
    return g;
  }

  /** Components in document order, with references made unique (see {@link #uniqueRefs}). */
  static List<Component> build(
      List<ComponentDraft> drafts, ComponentDraft.Generator generator, String fallback) {
    List<Component> out = new ArrayList<>(drafts.size());
    for (ComponentDraft d : drafts) {
      out.add(d.build(generator, fallback + out.size()));
    }
    return uniqueRefs(out);
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

  private static void spdxPackages(JsonParser p, List<ComponentDraft> out)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "packages");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "packages[]");
      ComponentDraft d = new ComponentDraft();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "SPDXID" -> d.ref = d.spdxId = p.getValueAsString();
          case "name" -> d.name = p.getValueAsString();
          case "versionInfo" -> d.version = p.getValueAsString();
          case "sourceInfo" -> d.sourceInfo = p.getValueAsString();
          case "attributionTexts" -> {
            expect(p, JsonToken.START_ARRAY, "attributionTexts");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken().isStructStart()) {
                p.skipChildren();
              } else {
                d.keyValue(p.getValueAsString());
              }
            }
          }
          case "annotations" -> {
            expect(p, JsonToken.START_ARRAY, "annotations");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              expect(p, JsonToken.START_OBJECT, "annotations[]");
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String af = p.currentName();
                JsonToken at = p.nextToken();
                if (af.equals("comment")) {
                  d.keyValue(p.getValueAsString());
                } else if (at.isStructStart()) {
                  p.skipChildren();
                }
              }
            }
          }
          case "externalRefs" -> {
            expect(p, JsonToken.START_ARRAY, "externalRefs");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              expect(p, JsonToken.START_OBJECT, "externalRefs[]");
              Fields ref = fields(p, "referenceType", "referenceLocator");
              if ("purl".equals(ref.first()) && d.purl == null) {
                d.purl = ref.second();
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
      out.add(d);
    }
  }

  /** SPDX {@code files}: SPDXID to file name, for the packages that contain them (Trivy). */
  private static void spdxFiles(JsonParser p, Map<String, String> files)
      throws IOException, SbomFormatException {
    expect(p, JsonToken.START_ARRAY, "files");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "files[]");
      Fields file = fields(p, "SPDXID", "fileName");
      if (file.first() != null && file.second() != null) {
        files.put(file.first(), file.second());
      }
    }
  }

  /** The values of two fields of one JSON object, null where absent. */
  private record Fields(String first, String second) {}

  /**
   * Reads the rest of the object whose fields come next: the string values of the fields {@code
   * first} and {@code second}; every other field is skipped.
   */
  private static Fields fields(JsonParser p, String first, String second) throws IOException {
    String a = null, b = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals(first)) {
        a = p.getValueAsString();
      } else if (f.equals(second)) {
        b = p.getValueAsString();
      } else if (t.isStructStart()) {
        p.skipChildren();
      }
    }
    return new Fields(a, b);
  }

  /** A package that CONTAINS a file was found at that file's path (Trivy's SPDX). */
  static void spdxContainedFiles(
      List<ComponentDraft> drafts, Map<String, List<String>> deps, Map<String, String> files) {
    if (files.isEmpty()) {
      return;
    }
    for (ComponentDraft d : drafts) {
      List<String> to = d.ref == null ? null : deps.get(d.ref);
      if (to != null) {
        for (String id : to) {
          String file = files.get(id);
          if (file != null) {
            d.paths.add(file);
          }
        }
      }
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
    List<ComponentDraft> components = new ArrayList<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    ComponentDraft.Generator generator = ComponentDraft.Generator.OTHER;
    String specVersion = null;
    XMLStreamReader r = null;
    try {
      r = f.createXMLStreamReader(in);
      // Element path from the root; component frames hold the fields read so far.
      Deque<String> path = new ArrayDeque<>();
      Deque<ComponentDraft> frames = new ArrayDeque<>();
      Deque<List<ComponentDraft>> pending = new ArrayDeque<>();
      String currentDependency = null;
      String propertyName = null;
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
            if (path.size() >= MAX_XML_DEPTH) {
              throw new SbomFormatException(
                  name
                      + ": refused: elements nested deeper than "
                      + MAX_XML_DEPTH
                      + " at "
                      + at(r.getLocation()));
            }
            String parent = path.peek();
            path.push(local);
            text.setLength(0);
            if (local.equals("component")
                && "components".equals(parent)
                && !path.contains("metadata")) {
              ComponentDraft d = new ComponentDraft();
              d.ref = r.getAttributeValue(null, "bom-ref");
              d.cdxType = r.getAttributeValue(null, "type");
              frames.push(d);
              pending.push(new ArrayList<>());
            } else if (local.equals("property")
                && "properties".equals(parent)
                && !frames.isEmpty()) {
              propertyName = r.getAttributeValue(null, "name");
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
            if ("component".equals(parent) && !frames.isEmpty() && !path.contains("metadata")) {
              ComponentDraft fr = frames.peek();
              switch (local) {
                case "group" -> fr.group = text.toString().strip();
                case "name" -> fr.name = text.toString().strip();
                case "version" -> fr.version = text.toString().strip();
                case "purl" -> fr.purl = text.toString().strip();
                default -> {}
              }
            }
            if (local.equals("location")
                && "occurrence".equals(parent)
                && !frames.isEmpty()
                && occurrenceOfComponent(path)) {
              frames.peek().occurrence(text.toString());
            }
            if (local.equals("name") && isToolName(path)) {
              ComponentDraft.Generator named = ComponentDraft.Generator.ofToolName(text.toString());
              if (named != ComponentDraft.Generator.OTHER) {
                generator = named;
              }
            }
            if (local.equals("property")
                && "properties".equals(parent)
                && !frames.isEmpty()
                && propertyOfComponent(path)) {
              frames.peek().property(propertyName, text.toString());
              propertyName = null;
            }
            if (local.equals("component")
                && "components".equals(parent)
                && !frames.isEmpty()
                && !path.contains("metadata")) {
              ComponentDraft fr = frames.pop();
              List<ComponentDraft> nested = pending.pop();
              List<ComponentDraft> target = pending.isEmpty() ? components : pending.peek();
              target.add(fr);
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
    return new Sbom("CycloneDX", specVersion, build(components, generator, "component-"), deps);
  }

  /**
   * Deeper than any CycloneDX document nests, and below the JDK's own limit (1000), whose message
   * names no position.
   */
  static final int MAX_XML_DEPTH = 500;

  /**
   * Whether the element path (innermost first, the name element already popped) is a tool's name:
   * {@code metadata/tools/tool} (to 1.4) or {@code metadata/tools/components/component}.
   */
  private static boolean isToolName(Deque<String> path) {
    var it = path.iterator();
    String a = it.hasNext() ? it.next() : null;
    String b = it.hasNext() ? it.next() : null;
    String c = it.hasNext() ? it.next() : null;
    String d = it.hasNext() ? it.next() : null;
    return ("tool".equals(a) && "tools".equals(b) && "metadata".equals(c))
        || ("component".equals(a)
            && "components".equals(b)
            && "tools".equals(c)
            && "metadata".equals(d));
  }

  /** Whether an occurrence's location (already popped) is of a component's own evidence. */
  private static boolean occurrenceOfComponent(Deque<String> path) {
    var it = path.iterator();
    return "occurrence".equals(it.next())
        && it.hasNext()
        && "occurrences".equals(it.next())
        && it.hasNext()
        && "evidence".equals(it.next())
        && it.hasNext()
        && "component".equals(it.next())
        && !path.contains("metadata");
  }

  /** Whether a property element (already popped) sits in a component's own properties. */
  private static boolean propertyOfComponent(Deque<String> path) {
    var it = path.iterator();
    it.next(); // properties
    return it.hasNext() && "component".equals(it.next()) && !path.contains("metadata");
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
      out.add(new Component(ref, c.name(), c.version(), c.purl(), c.origin()));
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
