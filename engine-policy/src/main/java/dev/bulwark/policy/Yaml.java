package dev.bulwark.policy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * YAML read as nodes with positions (SnakeYAML's composer, no object construction at all), with
 * duplicate keys, anchors and aliases refused: a policy file says what it says in one place.
 */
final class Yaml {
  static final int MAX_FILE_CHARS = 1 << 20;

  private Yaml() {}

  /** The documents of a file, or diagnostics. */
  static List<Node> documents(String file, String text, List<Diagnostic> problems) {
    if (text.length() > MAX_FILE_CHARS) {
      problems.add(
          new Diagnostic(file, 1, 1, "file larger than " + MAX_FILE_CHARS + " characters"));
      return List.of();
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_FILE_CHARS);
    List<Node> docs = new ArrayList<>();
    try {
      for (Node n : new org.yaml.snakeyaml.Yaml(options).composeAll(new StringReader(text))) {
        if (n != null) {
          docs.add(n);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String msg = e.getProblem() != null ? e.getProblem() : e.getMessage();
      problems.add(
          m == null
              ? new Diagnostic(file, 1, 1, "not valid YAML: " + msg)
              : new Diagnostic(file, m.getLine() + 1, m.getColumn() + 1, "not valid YAML: " + msg));
      return List.of();
    } catch (YAMLException e) {
      problems.add(new Diagnostic(file, 1, 1, "not valid YAML: " + e.getMessage()));
      return List.of();
    }
    return docs;
  }

  static Diagnostic at(String file, Node n, String message) {
    Mark m = n.getStartMark();
    return new Diagnostic(file, m.getLine() + 1, m.getColumn() + 1, message);
  }

  /** A mapping's entries by key (plain scalar keys only), or null with a diagnostic. */
  static Map<String, Node> mapping(String file, Node n, String what, List<Diagnostic> problems) {
    if (!(n instanceof MappingNode m)) {
      problems.add(at(file, n, what + " must be a mapping"));
      return null;
    }
    if (n.getAnchor() != null) {
      problems.add(at(file, n, "anchors are not accepted"));
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        problems.add(at(file, t.getKeyNode(), "keys must be plain strings"));
        continue;
      }
      if (t.getValueNode().getAnchor() != null) {
        problems.add(at(file, t.getValueNode(), "anchors are not accepted"));
      }
      if (out.containsKey(k.getValue())) {
        problems.add(at(file, k, "duplicate key '" + k.getValue() + "'"));
        continue;
      }
      out.put(k.getValue(), t.getValueNode());
    }
    return out;
  }

  static void onlyKeys(
      String file, Map<String, Node> m, List<String> allowed, List<Diagnostic> out) {
    for (var e : m.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        out.add(
            at(
                file,
                e.getValue(),
                "unknown key '" + e.getKey() + "' (expected one of " + allowed + ")"));
      }
    }
  }

  static String string(String file, Node n, String what, List<Diagnostic> problems) {
    if (n instanceof ScalarNode s && !s.getTag().getValue().endsWith(":null")) {
      return s.getValue();
    }
    problems.add(at(file, n, what + " must be a string"));
    return null;
  }

  static List<String> strings(String file, Node n, String what, List<Diagnostic> problems) {
    if (!(n instanceof SequenceNode s)) {
      problems.add(at(file, n, what + " must be a list of strings"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Node item : s.getValue()) {
      String v = string(file, item, what + " items", problems);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}
