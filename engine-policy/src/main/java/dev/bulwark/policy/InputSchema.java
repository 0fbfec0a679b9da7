package dev.bulwark.policy;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.StructType;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The declared types of what a rule reads, derived from the input declarations ({@link
 * PolicyInputs#all()}). Rules are type-checked against these when a bundle loads, so a misspelled
 * field is an error with its position then, never a surprise at a gate. The runtime values are
 * plain maps and lists built by each declaration ({@link GateInput}).
 */
final class InputSchema {
  private InputSchema() {}

  /**
   * The variables every rule may read, in the order the documentation lists them: a view of the
   * declarations as they are when read (a feature's inputs are registered before bundles compile).
   */
  static final Map<String, CelType> VARIABLES =
      new AbstractMap<>() {
        @Override
        public Set<Entry<String, CelType>> entrySet() {
          return variables(PolicyInputs.all()).entrySet();
        }

        @Override
        public boolean containsKey(Object key) {
          return key instanceof String name && PolicyInputs.named(name) != null;
        }

        @Override
        public CelType get(Object key) {
          PolicyInput<?> in = key instanceof String name ? PolicyInputs.named(name) : null;
          return in == null ? null : in.type().cel();
        }
      };

  private static Map<String, CelType> variables(List<PolicyInput<?>> inputs) {
    Map<String, CelType> v = new LinkedHashMap<>();
    inputs.forEach(in -> v.put(in.name(), in.type().cel()));
    return java.util.Collections.unmodifiableMap(v);
  }

  /** Every struct type the declarations use, each once. */
  static List<StructType> types(List<PolicyInput<?>> inputs) {
    List<InputType.Struct> structs = new ArrayList<>();
    for (PolicyInput<?> in : inputs) {
      InputType t = in.type();
      while (t instanceof InputType.ListOf l) {
        t = l.item();
      }
      if (t instanceof InputType.Struct s) {
        s.collect(structs);
      }
    }
    return structs.stream().map(InputType.Struct::cel).toList();
  }

  /** Refuses declarations whose struct types share a name but differ. */
  static void check(List<PolicyInput<?>> inputs) {
    Set<String> names = new HashSet<>();
    Map<String, StructType> seen = new LinkedHashMap<>();
    for (PolicyInput<?> in : inputs) {
      if (!names.add(in.name())) {
        throw new IllegalArgumentException("policy input '" + in.name() + "' is declared twice");
      }
    }
    for (StructType t : types(inputs)) {
      StructType before = seen.putIfAbsent(t.name(), t);
      if (before != null && before != t) {
        throw new IllegalArgumentException("two input types are named " + t.name());
      }
    }
  }

  static StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = new LinkedHashMap<>(fields);
    return StructType.create(
        name, ImmutableSet.copyOf(copy.keySet()), f -> Optional.ofNullable(copy.get(f)));
  }

  /** The declared types plus a policy's own variables type. */
  static CelTypeProvider provider(StructType extra) {
    List<CelType> all = new ArrayList<>(types(PolicyInputs.all()));
    if (extra != null) {
      all.add(extra);
    }
    ImmutableList<CelType> types = ImmutableList.copyOf(all);
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return types;
      }

      @Override
      public Optional<CelType> findType(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
      }
    };
  }
}
