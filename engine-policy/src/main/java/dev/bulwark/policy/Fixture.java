package dev.bulwark.policy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What a {@link PolicyInput.FixtureRead} reads a policy test's YAML with. Every problem is a
 * diagnostic with its position (unknown fields too, so a fixture cannot silently test nothing); the
 * helpers then return a default and reading goes on, to report every problem at once.
 */
public final class Fixture {
  private final String file;
  private final List<Diagnostic> problems;
  private final Map<Map<String, Node>, Node> owners = new IdentityHashMap<>();
  private Instant now = Instant.EPOCH;

  Fixture(String file, List<Diagnostic> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** The case's {@code now}, read before every other input (a default of several fields). */
  public Instant now() {
    return now;
  }

  void now(Instant now) {
    this.now = now;
  }

  /** Adds a problem at a node. */
  public void problem(Node at, String message) {
    problems.add(Yaml.at(file, at, message));
  }

  /** A mapping with only the allowed keys, or null (a problem added) when not a mapping. */
  public Map<String, Node> fields(Node n, String what, List<String> allowed) {
    Map<String, Node> m = Yaml.mapping(file, n, what, problems);
    if (m != null) {
      owners.put(m, n);
      for (var e : m.entrySet()) {
        if (!allowed.contains(e.getKey())) {
          problem(
              e.getValue(),
              "unknown field '"
                  + e.getKey()
                  + "' of "
                  + what
                  + " (expected one of "
                  + allowed
                  + ")");
        }
      }
    }
    return m;
  }

  /** A list of mappings with only the allowed keys; an item that is no mapping is left out. */
  public List<Map<String, Node>> list(Node n, String what, List<String> allowed) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode seq)) {
      problem(n, what + " must be a list");
      return List.of();
    }
    List<Map<String, Node>> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Map<String, Node> m = fields(item, what + " item", allowed);
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  /** A string, or {@code dflt} when absent; absent with a null default is a problem. */
  public String str(Map<String, Node> m, String key, String what, String dflt) {
    Node n = m.get(key);
    if (n == null) {
      if (dflt == null) {
        problem(owners.get(m), what + " needs '" + key + "'");
      }
      return dflt;
    }
    return Yaml.string(file, n, what + "." + key, problems);
  }

  /** A string node. */
  public String string(Node n, String what) {
    return Yaml.string(file, n, what, problems);
  }

  /** A list of strings, or empty when absent. */
  public List<String> strings(Map<String, Node> m, String key) {
    return m.containsKey(key) ? Yaml.strings(file, m.get(key), key, problems) : List.of();
  }

  public boolean bool(Map<String, Node> m, String key, boolean dflt) {
    Node n = m.get(key);
    if (n == null) {
      return dflt;
    }
    if (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":bool")) {
      return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
    }
    problem(n, key + " must be true or false");
    return dflt;
  }

  public long integer(Map<String, Node> m, String key, long dflt) {
    Node n = m.get(key);
    if (n == null) {
      return dflt;
    }
    if (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":int")) {
      try {
        return Long.parseLong(s.getValue());
      } catch (NumberFormatException e) {
        // falls through to the diagnostic
      }
    }
    problem(n, key + " must be an integer");
    return dflt;
  }

  /** A time in a mapping, or {@code dflt} when absent. */
  public Instant instant(Map<String, Node> m, String key, Instant dflt) {
    return m.containsKey(key) ? instant(m.get(key), key) : dflt;
  }

  public Instant instant(Node n, String what) {
    String v = string(n, what);
    if (v == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      problem(n, what + " must be an RFC 3339 UTC time such as 2026-11-27T00:00:00Z");
      return Instant.EPOCH;
    }
  }
}
