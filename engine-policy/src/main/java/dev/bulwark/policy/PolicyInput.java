package dev.bulwark.policy;

import java.util.Objects;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One variable a rule may read, declared once: its name, its type, its line of documentation, how
 * its value becomes a CEL value, and how a policy test fixture writes it. The type schema rules are
 * checked against ({@link InputSchema}) and the fixture reader are derived from the declarations
 * ({@link PolicyInputs#all()}); the server attaches to each fact how it is built from stored rows.
 *
 * @param <T> the Java value a gate or a fixture supplies
 */
public final class PolicyInput<T> {
  /** Where the value comes from. */
  public enum Kind {
    /** Facts of the release, built from stored rows and kept while they do not change. */
    FACT,
    /** Part of the question (environment, time, history), supplied with every gate. */
    QUESTION,
    /** Computed from the other inputs; neither stored nor written in fixtures. */
    DERIVED
  }

  /** How a fixture's YAML node (never null) is read; problems go to the fixture's diagnostics. */
  @FunctionalInterface
  public interface FixtureRead<T> {
    T read(Fixture fixture, Node node);
  }

  private final String name;
  private final InputType type;
  private final String doc;
  private final Kind kind;
  private final Function<? super T, Object> toCel;
  private final FixtureRead<T> fixture;
  private final T absent;
  private final Function<GateInput, Object> derive;

  private PolicyInput(
      String name,
      InputType type,
      String doc,
      Kind kind,
      Function<? super T, Object> toCel,
      FixtureRead<T> fixture,
      T absent,
      Function<GateInput, Object> derive) {
    if (!name.matches("[a-z][A-Za-z0-9]*") || name.equals("vars")) {
      throw new IllegalArgumentException("'" + name + "' is not a usable input name");
    }
    if (doc.isBlank() || doc.contains("\n") || doc.contains("|")) {
      throw new IllegalArgumentException(name + ": the doc is one line of a table");
    }
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    this.doc = doc;
    this.kind = kind;
    this.toCel = toCel;
    this.fixture = fixture;
    this.absent = absent;
    this.derive = derive;
  }

  /**
   * A fact of the release. {@code absent} is its value when a gate or a fixture gives none (null:
   * required).
   */
  public static <T> PolicyInput<T> fact(
      String name,
      InputType type,
      String doc,
      Function<? super T, Object> toCel,
      FixtureRead<T> fixture,
      T absent) {
    return new PolicyInput<>(
        name,
        type,
        doc,
        Kind.FACT,
        Objects.requireNonNull(toCel, "toCel"),
        Objects.requireNonNull(fixture, "fixture"),
        absent,
        null);
  }

  /** Part of the question, supplied with every gate (see {@link GateInput#at}). */
  static <T> PolicyInput<T> question(
      String name,
      InputType type,
      String doc,
      Function<? super T, Object> toCel,
      FixtureRead<T> fixture,
      T absent) {
    return new PolicyInput<>(name, type, doc, Kind.QUESTION, toCel, fixture, absent, null);
  }

  /** Computed from the other inputs once per input (and again for a waiver of one finding). */
  static PolicyInput<Object> derived(
      String name, InputType type, String doc, Function<GateInput, Object> derive) {
    return new PolicyInput<>(
        name, type, doc, Kind.DERIVED, v -> v, null, null, Objects.requireNonNull(derive));
  }

  public String name() {
    return name;
  }

  public InputType type() {
    return type;
  }

  /** The "what" column of the input table in {@code docs/policies.md}. */
  public String doc() {
    return doc;
  }

  public Kind kind() {
    return kind;
  }

  /** The value when none is given, or null when one is required. */
  public T absent() {
    return absent;
  }

  /** Whether a fixture must write this input (no default, not derived). */
  public boolean required() {
    return kind != Kind.DERIVED && absent == null;
  }

  Object cel(T value) {
    return toCel.apply(value);
  }

  FixtureRead<T> fixtureRead() {
    return fixture;
  }

  Object derive(GateInput in) {
    return derive.apply(in);
  }

  @Override
  public String toString() {
    return name;
  }
}
