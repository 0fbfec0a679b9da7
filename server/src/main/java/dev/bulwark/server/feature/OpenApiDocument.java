package dev.bulwark.server.feature;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one OpenAPI document the server serves, merged at start from {@value #BASE} (the title, the
 * security scheme, the problem response: what every feature shares) and each feature's part (its
 * paths, components and the tag its operations carry). The parts must not overlap: a path, a
 * component or a tag that two of them define fails the start, so no feature silently replaces
 * another's description.
 */
public final class OpenApiDocument {
  /** The shared part, which alone may hold top-level fields besides paths and components. */
  public static final String BASE = "/openapi/base.json";

  private static final Set<String> PART_FIELDS = Set.of("paths", "components", "tags");
  private static final Pattern REF =
      Pattern.compile("\"\\$ref\"\\s*:\\s*\"#/components/(\\w+)/([^\"]+)\"");

  private OpenApiDocument() {}

  /** The merged document of these features, as served; throws when two parts overlap. */
  public static byte[] merged(List<Feature> features) {
    try {
      return Json.MAPPER.writeValueAsBytes(merge(features));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the OpenAPI document", e);
    }
  }

  /** The merged document as a tree. */
  public static ObjectNode merge(List<Feature> features) {
    ObjectNode base = (ObjectNode) read(BASE);
    ObjectNode doc = Json.MAPPER.createObjectNode();
    base.properties().stream()
        .filter(e -> !PART_FIELDS.contains(e.getKey()))
        .forEach(e -> doc.set(e.getKey(), e.getValue()));
    ArrayNode tags = doc.putArray("tags");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode components = doc.putObject("components");
    Map<String, String> owners = new HashMap<>();
    add(BASE, base, tags, paths, components, owners);
    for (Feature f : features) {
      f.openApi()
          .ifPresent(
              resource -> {
                JsonNode part = read(resource);
                part.fieldNames()
                    .forEachRemaining(
                        field -> {
                          if (!PART_FIELDS.contains(field)) {
                            throw new IllegalStateException(
                                "OpenAPI part "
                                    + resource
                                    + " of feature "
                                    + f.name()
                                    + " has a top-level field "
                                    + field
                                    + "; a part holds only paths, components and tags");
                          }
                        });
                add(f.name() + " (" + resource + ")", part, tags, paths, components, owners);
              });
    }
    requireResolvedRefs(doc);
    return doc;
  }

  /**
   * The operations a part (or document) describes, as {@code "GET /path"} to the permission its
   * {@code x-bulwark-permission} names.
   */
  public static Map<String, String> operations(JsonNode part) {
    Map<String, String> out = new LinkedHashMap<>();
    part.path("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .properties()
                    .forEach(
                        m ->
                            out.put(
                                m.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey(),
                                m.getValue().path("x-bulwark-permission").asText())));
    return out;
  }

  /** A part read from the classpath. */
  public static JsonNode read(String resource) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("OpenAPI part " + resource + " is missing from the jar");
      }
      JsonNode part = Json.MAPPER.readTree(in);
      if (!part.isObject()) {
        throw new IllegalStateException("OpenAPI part " + resource + " is not a JSON object");
      }
      return part;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OpenAPI part " + resource, e);
    }
  }

  private static void add(
      String owner,
      JsonNode part,
      ArrayNode tags,
      ObjectNode paths,
      ObjectNode components,
      Map<String, String> owners) {
    part.path("paths")
        .properties()
        .forEach(p -> claim(owners, "path " + p.getKey(), owner, paths, p.getKey(), p.getValue()));
    part.path("components")
        .properties()
        .forEach(
            section -> {
              ObjectNode into =
                  components.has(section.getKey())
                      ? (ObjectNode) components.get(section.getKey())
                      : components.putObject(section.getKey());
              section
                  .getValue()
                  .properties()
                  .forEach(
                      c ->
                          claim(
                              owners,
                              "component " + section.getKey() + "/" + c.getKey(),
                              owner,
                              into,
                              c.getKey(),
                              c.getValue()));
            });
    for (JsonNode tag : part.path("tags")) {
      String earlier = owners.putIfAbsent("tag " + tag.path("name").asText(), owner);
      if (earlier != null) {
        throw new IllegalStateException(
            "OpenAPI: tag "
                + tag.path("name").asText()
                + " is defined by both "
                + earlier
                + " and "
                + owner);
      }
      tags.add(tag);
    }
  }

  private static void claim(
      Map<String, String> owners,
      String what,
      String owner,
      ObjectNode into,
      String key,
      JsonNode value) {
    String earlier = owners.putIfAbsent(what, owner);
    if (earlier != null) {
      throw new IllegalStateException(
          "OpenAPI: " + what + " is defined by both " + earlier + " and " + owner);
    }
    into.set(key, value);
  }

  /** A part that refers to a component no part defines would be served broken: refuse it. */
  private static void requireResolvedRefs(ObjectNode doc) {
    String text = doc.toString();
    Matcher m = REF.matcher(text);
    while (m.find()) {
      if (!doc.path("components").path(m.group(1)).has(m.group(2))) {
        throw new IllegalStateException(
            "OpenAPI: #/components/"
                + m.group(1)
                + "/"
                + m.group(2)
                + " is referred to but no part defines it");
      }
    }
  }
}
