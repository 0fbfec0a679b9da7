package dev.bulwark.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.http.Validation;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses a catalog file: Bulwark's own YAML ({@code services:} list) or Backstage descriptors
 * ({@code kind: Component}, several documents per file). Each entity is checked on its own and
 * every problem is reported with its line and column; the caller imports nothing if any entity is
 * rejected. Anchors and aliases are refused, which also rules out alias-expansion bombs.
 */
public final class CatalogFile {
  static final String AREA = "bulwark.dev/area";
  static final String CRITICALITY = "bulwark.dev/criticality";
  static final String VALUE = "bulwark.dev/value";

  /** One service found in the file, with where it starts. */
  public record Entity(String where, ServiceInput service) {}

  /** An entity that cannot be imported, and why. */
  public record Rejected(String where, String reason) {}

  /**
   * A document of a kind that is not a service (a Backstage API or Group, say), reported, not
   * imported.
   */
  public record Skipped(String where, String reason) {}

  public record Parsed(
      String format, List<Entity> entities, List<Rejected> rejected, List<Skipped> skipped) {}

  private CatalogFile() {}

  public static Parsed parse(String fileName, byte[] bytes) {
    String text = decode(fileName, bytes);
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(32);
    options.setCodePointLimit(Math.max(1, text.length() + 1));
    List<Node> docs = new ArrayList<>();
    try {
      for (Node n : new Yaml(options).composeAll(new StringReader(text))) {
        if (n != null) {
          docs.add(n);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      throw new DomainException.Malformed(
          "invalid YAML at " + at(fileName, m) + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new DomainException.Malformed("invalid YAML in " + fileName + ": " + e.getMessage());
    }
    if (docs.isEmpty()) {
      throw new DomainException.Malformed(fileName + " holds no YAML document");
    }
    List<JsonNode> trees = new ArrayList<>();
    for (Node d : docs) {
      trees.add(toJson(fileName, d, Collections.newSetFromMap(new IdentityHashMap<>())));
    }
    boolean backstage =
        trees.stream().anyMatch(t -> t.path("apiVersion").asText("").startsWith("backstage.io/"));
    if (backstage) {
      return backstage(fileName, docs, trees);
    }
    if (trees.size() == 1 && trees.get(0).has("services")) {
      return bulwark(fileName, docs.get(0), trees.get(0));
    }
    throw new DomainException.Malformed(
        fileName
            + " is neither a Bulwark catalog (a top-level 'services' list) nor Backstage descriptors (apiVersion backstage.io/...)");
  }

  private static Parsed bulwark(String fileName, Node root, JsonNode tree) {
    List<Entity> entities = new ArrayList<>();
    Map<String, Entity> byKey = new HashMap<>();
    List<Rejected> rejected = new ArrayList<>();
    Set<String> allowedTop = Set.of("apiVersion", "kind", "services");
    tree.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowedTop.contains(f)) {
                rejected.add(
                    new Rejected(
                        at(fileName, root.getStartMark()), "unknown top-level key '" + f + "'"));
              }
            });
    Node servicesNode = valueOf((MappingNode) root, "services");
    if (!(servicesNode instanceof SequenceNode seq)) {
      rejected.add(
          new Rejected(at(fileName, servicesNode.getStartMark()), "'services' must be a list"));
      return new Parsed("bulwark", entities, rejected, List.of());
    }
    JsonNode list = tree.get("services");
    for (int i = 0; i < seq.getValue().size(); i++) {
      String where = at(fileName, seq.getValue().get(i).getStartMark());
      ServiceInput in;
      try {
        in = Json.bindRecord(list.get(i), ServiceInput.class);
      } catch (ApiException e) {
        for (ApiException.FieldError fe : e.errors()) {
          rejected.add(
              new Rejected(where, "services[" + i + "]." + fe.field() + " " + fe.message()));
        }
        continue;
      }
      addChecked(entities, byKey, rejected, where, "services[" + i + "].", in);
    }
    return new Parsed("bulwark", entities, rejected, List.of());
  }

  private static Parsed backstage(String fileName, List<Node> docs, List<JsonNode> trees) {
    List<Entity> entities = new ArrayList<>();
    Map<String, Entity> byKey = new HashMap<>();
    List<Rejected> rejected = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      JsonNode t = trees.get(i);
      String where = at(fileName, docs.get(i).getStartMark());
      String kind = t.path("kind").asText("");
      String name = t.path("metadata").path("name").asText(null);
      String label = kind + " " + (name == null ? "(unnamed)" : name);
      if (!t.path("apiVersion").asText("").startsWith("backstage.io/")) {
        rejected.add(new Rejected(where, label + ": apiVersion must be backstage.io/..."));
        continue;
      }
      if (!kind.equalsIgnoreCase("Component")) {
        skipped.add(new Skipped(where, label + ": only kind Component becomes a service"));
        continue;
      }
      List<String> problems = new ArrayList<>();
      String team = owner(t.path("spec").path("owner"), problems);
      JsonNode ann = t.path("metadata").path("annotations");
      Area area = enumAnnotation(ann, AREA, Area.class, problems);
      Criticality crit = enumAnnotation(ann, CRITICALITY, Criticality.class, problems);
      Double value = null;
      if (ann.has(VALUE)) {
        try {
          value = Double.valueOf(ann.get(VALUE).asText());
        } catch (NumberFormatException e) {
          problems.add("annotation " + VALUE + " must be a number");
        }
      }
      if (!problems.isEmpty()) {
        rejected.add(new Rejected(where, label + ": " + String.join("; ", problems)));
        continue;
      }
      addChecked(
          entities,
          byKey,
          rejected,
          where,
          label + ": ",
          new ServiceInput(name, team, area, crit, value));
    }
    return new Parsed("backstage", entities, rejected, skipped);
  }

  private static void addChecked(
      List<Entity> entities,
      Map<String, Entity> byKey,
      List<Rejected> rejected,
      String where,
      String prefix,
      ServiceInput in) {
    Validation v = in.validate(prefix);
    if (v.ok() && ServiceName.problem(in.name()) != null) {
      v.error("name", ServiceName.problem(in.name()));
    }
    if (!v.ok()) {
      v.errors().forEach(e -> rejected.add(new Rejected(where, e.field() + " " + e.message())));
      return;
    }
    // One lookalike key per name: an exact repeat has the same key as its first definition.
    Entity first = byKey.putIfAbsent(ServiceName.key(in.name()), new Entity(where, in));
    if (first != null) {
      rejected.add(
          new Rejected(
              where,
              prefix
                  + "service '"
                  + in.name()
                  + (first.service().name().equals(in.name())
                      ? "' is also defined at "
                      : "' looks like '" + first.service().name() + "' defined at ")
                  + first.where()));
      return;
    }
    entities.add(new Entity(where, in));
  }

  /**
   * Backstage owner references: {@code team}, {@code group:team} or {@code group:namespace/team}.
   */
  private static String owner(JsonNode node, List<String> problems) {
    if (!node.isTextual() || node.asText().isBlank()) {
      problems.add("spec.owner is required (the owning group becomes the team)");
      return null;
    }
    String ref = node.asText();
    int colon = ref.indexOf(':');
    if (colon >= 0) {
      String kind = ref.substring(0, colon).toLowerCase(Locale.ROOT);
      if (!kind.equals("group")) {
        problems.add("spec.owner '" + ref + "' must be a group, not a " + kind);
        return null;
      }
      ref = ref.substring(colon + 1);
    }
    int slash = ref.indexOf('/');
    return slash >= 0 ? ref.substring(slash + 1) : ref;
  }

  private static <E extends Enum<E>> E enumAnnotation(
      JsonNode ann, String key, Class<E> type, List<String> problems) {
    JsonNode v = ann.get(key);
    if (v == null || !v.isTextual()) {
      problems.add("annotation " + key + " is required (one of " + names(type) + ")");
      return null;
    }
    try {
      return Enum.valueOf(type, v.asText());
    } catch (IllegalArgumentException e) {
      problems.add("annotation " + key + " '" + v.asText() + "' is not one of " + names(type));
      return null;
    }
  }

  private static String names(Class<? extends Enum<?>> type) {
    List<String> n = new ArrayList<>();
    for (Enum<?> c : type.getEnumConstants()) {
      n.add(c.name());
    }
    return String.join(", ", n);
  }

  private static Node valueOf(MappingNode map, String key) {
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t.getValueNode();
      }
    }
    return null;
  }

  private static JsonNode toJson(String fileName, Node node, Set<Node> seen) {
    if (!seen.add(node)) {
      throw new DomainException.Malformed(
          "YAML anchors and aliases are not accepted in a catalog ("
              + at(fileName, node.getStartMark())
              + ")");
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MappingNode m) {
      ObjectNode o = f.objectNode();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          throw new DomainException.Malformed(
              "only plain keys are accepted (" + at(fileName, t.getKeyNode().getStartMark()) + ")");
        }
        o.set(k.getValue(), toJson(fileName, t.getValueNode(), seen));
      }
      return o;
    }
    if (node instanceof SequenceNode s) {
      ArrayNode a = f.arrayNode();
      for (Node item : s.getValue()) {
        a.add(toJson(fileName, item, seen));
      }
      return a;
    }
    ScalarNode sc = (ScalarNode) node;
    Tag tag = sc.getTag();
    String v = sc.getValue();
    try {
      if (Tag.INT.equals(tag)) {
        return f.numberNode(Long.parseLong(v.replace("_", "")));
      }
      if (Tag.FLOAT.equals(tag)) {
        return f.numberNode(Double.parseDouble(v.replace("_", "")));
      }
    } catch (NumberFormatException e) {
      return f.textNode(v);
    }
    if (Tag.BOOL.equals(tag)) {
      return f.booleanNode(Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)));
    }
    if (Tag.NULL.equals(tag)) {
      return f.nullNode();
    }
    return f.textNode(v);
  }

  private static String decode(String fileName, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DomainException.Malformed(fileName + " is not valid UTF-8");
    }
  }

  static String at(String fileName, Mark m) {
    return m == null ? fileName : fileName + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
  }
}
