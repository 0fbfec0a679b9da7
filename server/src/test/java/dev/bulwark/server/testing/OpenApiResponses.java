package dev.bulwark.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks an HTTP response against the OpenAPI document: when the document describes the request's
 * path and method, the status must be one it lists, the content type one that status lists, and a
 * JSON body must validate against that content's schema (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12; {@code #/components/...} references resolve inside the document). A path or method the
 * document does not describe is not checked here: RouteSecurityTest keeps routes and document
 * equal.
 */
public final class OpenApiResponses {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private final JsonNode doc;
  private final List<Template> templates;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private record Template(String path, Pattern pattern, int literals) {}

  public OpenApiResponses(JsonNode doc) {
    this.doc = doc;
    List<Template> t = new ArrayList<>();
    doc.path("paths")
        .fieldNames()
        .forEachRemaining(
            p -> {
              StringBuilder re = new StringBuilder();
              int literals = 0;
              for (String segment : p.substring(1).split("/", -1)) {
                re.append('/');
                if (segment.startsWith("{") && segment.endsWith("}")) {
                  re.append("[^/]+");
                } else {
                  re.append(Pattern.quote(segment));
                  literals++;
                }
              }
              t.add(new Template(p, Pattern.compile(re.toString()), literals));
            });
    // A literal segment wins over a template ({@code /findings/overdue} over {@code /{id}}).
    t.sort(Comparator.comparingInt(Template::literals).reversed());
    this.templates = List.copyOf(t);
  }

  /** The document's path template that {@code rawPath} (no query) falls under, if any. */
  public Optional<String> template(String rawPath) {
    return templates.stream()
        .filter(t -> t.pattern().matcher(rawPath).matches())
        .map(Template::path)
        .findFirst();
  }

  /**
   * The problems of one response, empty when it conforms or when the document does not describe the
   * request's path and method.
   */
  public List<String> check(
      String method, String rawPath, int status, String contentType, byte[] body) {
    Optional<String> path = template(rawPath);
    if (path.isEmpty()) {
      return List.of();
    }
    String m = method.toLowerCase(Locale.ROOT);
    JsonNode operation = doc.path("paths").path(path.get()).path(m);
    if (operation.isMissingNode()) {
      return List.of();
    }
    String where = method.toUpperCase(Locale.ROOT) + " " + path.get() + " -> " + status;
    JsonNode responses = operation.path("responses");
    String statusKey = String.valueOf(status);
    JsonNode response = responses.path(statusKey);
    if (response.isMissingNode()) {
      statusKey = status / 100 + "XX";
      response = responses.path(statusKey);
    }
    if (response.isMissingNode()) {
      statusKey = "default";
      response = responses.path(statusKey);
    }
    if (response.isMissingNode()) {
      return List.of(where + ": status not documented (documented: " + fieldNames(responses) + ")");
    }
    response = resolve(response);
    JsonNode content = response.path("content");
    if (body.length == 0 && (content.isMissingNode() || status == 204 || status == 304)) {
      return List.of();
    }
    if (content.isMissingNode() || content.isEmpty()) {
      return List.of(where + ": a body of " + contentType + " where the document describes none");
    }
    String media = mediaType(contentType);
    JsonNode mediaNode = content.path(media);
    if (mediaNode.isMissingNode()) {
      return List.of(
          where
              + ": content type "
              + contentType
              + " not documented (documented: "
              + fieldNames(content)
              + ")");
    }
    JsonNode schemaNode = mediaNode.path("schema");
    if (schemaNode.isMissingNode() || !isJson(media)) {
      return List.of();
    }
    JsonNode instance;
    try {
      instance = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return List.of(where + ": the body is not JSON: " + e.getMessage());
    }
    String pointer =
        "/paths/" + escape(path.get()) + "/" + m + "/responses/" + statusKey + "/" + media;
    Schema schema = schemas.computeIfAbsent(pointer, k -> compile(schemaNode));
    List<Error> errors = schema.validate(instance);
    if (errors.isEmpty()) {
      return List.of();
    }
    return errors.stream()
        .map(e -> where + " (" + media + "): " + e.getInstanceLocation() + " " + e.getMessage())
        .toList();
  }

  /** A response schema as a root schema of its own, with the document's components beside it. */
  private Schema compile(JsonNode schemaNode) {
    ObjectNode root = schemaNode.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("components", doc.path("components"));
    return REGISTRY.getSchema(root);
  }

  private JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      node = doc.at(ref.substring(1));
    }
    return node;
  }

  private static boolean isJson(String media) {
    return media.equals("application/json") || media.endsWith("+json");
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }

  private static String fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names.stream().collect(Collectors.joining(", "));
  }
}
