package dev.bulwark.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The type of a policy input, described once: the CEL type rules are checked against and the type
 * column of the input table in {@code docs/policies.md} are both derived from it.
 */
public sealed interface InputType {
  /** The CEL type a rule is type-checked against. */
  CelType cel();

  /** How the documentation's input table names the type. */
  String describe();

  /** How the type is named inside a struct field's parentheses, plural when several share it. */
  default String describe(boolean plural) {
    return describe();
  }

  InputType STRING = new Scalar("string", "strings", SimpleType.STRING);
  InputType BOOL = new Scalar("bool", "bools", SimpleType.BOOL);
  InputType INT = new Scalar("int", "ints", SimpleType.INT);
  InputType TIMESTAMP = new Scalar("timestamp", "timestamps", SimpleType.TIMESTAMP);

  static InputType list(InputType item) {
    return new ListOf(item);
  }

  static Field field(String name, InputType type) {
    return new Field(name, type);
  }

  /** A struct type named {@code bulwark.<name>}, its fields in the documentation's order. */
  static Struct struct(String name, Field... fields) {
    return new Struct("bulwark." + name, List.of(fields));
  }

  record Field(String name, InputType type) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  record Scalar(String name, String plural, CelType cel) implements InputType {
    @Override
    public String describe() {
      return name;
    }

    @Override
    public String describe(boolean several) {
      return several ? plural : name;
    }
  }

  record ListOf(InputType item) implements InputType {
    public ListOf {
      Objects.requireNonNull(item, "item");
    }

    @Override
    public CelType cel() {
      return ListType.create(item.cel());
    }

    @Override
    public String describe() {
      return "list of " + item.describe(true);
    }
  }

  /** A struct; its CEL type is created once, so every rule and bundle checks against one type. */
  final class Struct implements InputType {
    private final String name;
    private final List<Field> fields;
    private final dev.cel.common.types.StructType cel;

    Struct(String name, List<Field> fields) {
      this.name = Objects.requireNonNull(name, "name");
      this.fields = List.copyOf(fields);
      Map<String, CelType> types = new LinkedHashMap<>();
      for (Field f : this.fields) {
        if (types.put(f.name(), f.type().cel()) != null) {
          throw new IllegalArgumentException(name + " declares " + f.name() + " twice");
        }
      }
      this.cel = InputSchema.struct(name, types);
    }

    public String name() {
      return name;
    }

    public List<Field> fields() {
      return fields;
    }

    /** The field names, in order. */
    public List<String> fieldNames() {
      return fields.stream().map(Field::name).toList();
    }

    /** The field names but these (fields a fixture cannot set, as they are derived). */
    public List<String> fieldNamesBut(String... derived) {
      List<String> out = new ArrayList<>(fieldNames());
      out.removeAll(List.of(derived));
      return List.copyOf(out);
    }

    @Override
    public dev.cel.common.types.StructType cel() {
      return cel;
    }

    /**
     * The fields in order, consecutive fields of one type grouped: {@code `a`, `b` (strings), `c`
     * (bool)}.
     */
    @Override
    public String describe() {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < fields.size()) {
        InputType t = fields.get(i).type();
        int j = i + 1;
        while (j < fields.size() && fields.get(j).type().equals(t)) {
          j++;
        }
        for (int k = i; k < j; k++) {
          if (out.length() > 0) {
            out.append(", ");
          }
          out.append('`').append(fields.get(k).name()).append('`');
        }
        out.append(" (").append(t.describe(j - i > 1)).append(')');
        i = j;
      }
      return out.toString();
    }

    /** Every struct this one refers to, then this one. */
    void collect(List<Struct> into) {
      for (Field f : fields) {
        InputType t = f.type();
        while (t instanceof ListOf l) {
          t = l.item();
        }
        if (t instanceof Struct s) {
          s.collect(into);
        }
      }
      if (into.stream().noneMatch(s -> s.name.equals(name))) {
        into.add(this);
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
