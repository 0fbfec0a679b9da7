package dev.bulwark.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a gate input written by hand (a policy test case) with the same field names a rule reads:
 * each declared input ({@link PolicyInputs#all()}) reads its own field. Unknown fields are errors
 * with their position, so a fixture cannot silently test nothing.
 */
final class FixtureReader {
  private final String file;
  private final List<Diagnostic> problems;

  FixtureReader(String file, List<Diagnostic> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** The top-level fields a fixture may write, in the documentation's order. */
  static List<String> top() {
    return PolicyInputs.all().stream()
        .filter(in -> in.kind() != PolicyInput.Kind.DERIVED)
        .map(PolicyInput::name)
        .toList();
  }

  /** The input from the top-level fields, each taken from {@code over} first, else {@code base}. */
  GateInput read(Map<String, Node> base, Map<String, Node> over, Node where) {
    Map<String, Node> m = new LinkedHashMap<>(base);
    m.putAll(over);
    List<String> top = top();
    for (var e : over.entrySet()) {
      if (!top.contains(e.getKey())) {
        problems.add(
            Yaml.at(
                file,
                e.getValue(),
                "unknown input field '" + e.getKey() + "' (expected one of " + top + ")"));
      }
    }
    List<PolicyInput<?>> required =
        PolicyInputs.all().stream().filter(PolicyInput::required).toList();
    boolean complete = true;
    for (PolicyInput<?> in : required) {
      if (!m.containsKey(in.name())) {
        problems.add(Yaml.at(file, where, "the input needs '" + in.name() + "'"));
        complete = false;
      }
    }
    if (!complete) {
      return null;
    }
    int before = problems.size();
    Fixture fixture = new Fixture(file, problems);
    // Read first: the default time of several fields.
    Instant now = CoreInputs.NOW.fixtureRead().read(fixture, m.get(CoreInputs.NOW.name()));
    fixture.now(now);
    GateInput.Builder b = GateInput.builder().set(CoreInputs.NOW, now);
    List<Runnable> sets = new ArrayList<>();
    for (PolicyInput<?> in : PolicyInputs.all()) {
      if (in.kind() != PolicyInput.Kind.DERIVED
          && in != CoreInputs.NOW
          && m.containsKey(in.name())) {
        sets.add(read(b, in, fixture, m.get(in.name())));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      sets.forEach(Runnable::run);
      return b.build();
    } catch (NullPointerException e) {
      problems.add(Yaml.at(file, where, "missing field: " + e.getMessage()));
      return null;
    }
  }

  /** Reads one input now; sets it on the builder when run (a null value is a missing field). */
  private static <T> Runnable read(GateInput.Builder b, PolicyInput<T> in, Fixture f, Node n) {
    T value = in.fixtureRead().read(f, n);
    return () -> {
      if (value == null) {
        throw new NullPointerException(in.name());
      }
      b.set(in, value);
    };
  }
}
