package dev.bulwark.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one JSON mapper of the API: strict on input (unknown fields, wrong types, trailing tokens,
 * duplicate keys and over-deep nesting are errors), plain on output (ISO-8601 times).
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1_000_000).build());
  }

  private Json() {}

  /**
   * Parses a request body into {@code type}, turning every Jackson failure into a 400 or 422. A
   * record is bound field by field, so that every bad or unknown field is reported at once.
   */
  public static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw ApiException.badRequest("the request body is empty; a JSON document was expected");
    }
    if (type.isRecord()) {
      JsonNode tree = read(body, JsonNode.class);
      return bindRecord(tree, type);
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value instanceof JsonNode tree) {
        refuseNul(tree, "$");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.invalid(path(e), "unknown field");
    } catch (InvalidFormatException e) {
      Class<?> t = e.getTargetType();
      if (t != null && t.isEnum()) {
        throw ApiException.invalid(
            path(e),
            "invalid value "
                + describe(e.getValue())
                + "; one of "
                + enumValues(t)
                + " was expected");
      }
      throw ApiException.invalid(
          path(e), "invalid value " + describe(e.getValue()) + " for this field");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApiException api) {
        throw api;
      }
      throw ApiException.invalid(path(e), cause == null ? "invalid value" : cause.getMessage());
    } catch (MismatchedInputException e) {
      if (type == JsonNode.class) {
        // Reading a plain tree cannot mismatch a type: this is trailing content after the value.
        throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
      }
      String p = path(e);
      throw ApiException.invalid(p.isEmpty() ? "$" : p, "expected " + expected(e));
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw ApiException.badRequest(
          "malformed JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable request body");
    }
  }

  /**
   * No text of a request may hold U+0000: PostgreSQL cannot store it in a text column (the write
   * would fail as a server error), and on SQLite it would cut names short in C code and displays.
   */
  private static void refuseNul(JsonNode n, String at) {
    if (n.isTextual() && n.textValue().indexOf('\u0000') >= 0) {
      throw ApiException.invalid(field(at), "must not contain U+0000");
    }
    if (n.isObject()) {
      for (var f : n.properties()) {
        if (f.getKey().indexOf('\u0000') >= 0) {
          throw ApiException.invalid(field(at), "a field name must not contain U+0000");
        }
        refuseNul(f.getValue(), at + "." + f.getKey());
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        refuseNul(n.get(i), at + "[" + i + "]");
      }
    }
  }

  private static String field(String at) {
    return at.startsWith("$.") ? at.substring(2) : at;
  }

  /**
   * A list or map of a request is never allowed a null element: validations (and {@code Set.of},
   * {@code List.copyOf}) downstream would throw on it, and no field of the API means anything by
   * one.
   */
  private static boolean nullElements(
      String field, Object value, List<ApiException.FieldError> errors) {
    int before = errors.size();
    if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        if (l.get(i) == null) {
          errors.add(new ApiException.FieldError(field + "[" + i + "]", "must not be null"));
        }
      }
    } else if (value instanceof java.util.Collection<?> c && c.contains(null)) {
      errors.add(new ApiException.FieldError(field, "must not contain null"));
    } else if (value instanceof java.util.Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if (v == null) {
              errors.add(new ApiException.FieldError(field + "." + k, "must not be null"));
            }
          });
    }
    return errors.size() > before;
  }

  /** Binds a JSON object to a record, reporting all unknown and ill-typed fields together. */
  public static <T> T bindRecord(JsonNode tree, Class<T> type) {
    if (!tree.isObject()) {
      throw ApiException.invalid("$", "expected a JSON object");
    }
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    List<ApiException.FieldError> errors = new ArrayList<>();
    Set<String> known = new HashSet<>();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      known.add(c.getName());
      JsonNode v = tree.get(c.getName());
      if (v == null || v.isNull()) {
        continue;
      }
      try {
        args[i] = MAPPER.readerFor(MAPPER.constructType(c.getGenericType())).readValue(v);
        if (nullElements(c.getName(), args[i], errors)) {
          args[i] = null; // reported, like a field that failed to bind
        }
      } catch (ApiException e) {
        errors.addAll(e.errors());
      } catch (IOException | RuntimeException e) {
        ApiException mapped = mapBindingError(e);
        for (ApiException.FieldError fe : mapped.errors()) {
          String f = fe.field();
          errors.add(
              new ApiException.FieldError(
                  f.isEmpty() || f.equals("$")
                      ? c.getName()
                      : c.getName() + (f.startsWith("[") ? "" : ".") + f,
                  fe.message()));
        }
      }
    }
    tree.fieldNames()
        .forEachRemaining(
            f -> {
              if (!known.contains(f)) {
                errors.add(new ApiException.FieldError(f, "unknown field"));
              }
            });
    T value;
    try {
      Class<?>[] types =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      value = type.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof ApiException api) {
        throw api;
      }
      throw ApiException.invalid("$", String.valueOf(e.getCause().getMessage()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
    if (value instanceof Validatable v) {
      // Fields that failed to bind are null now; their binding error already says more than
      // "is required" would.
      Set<String> reported = new HashSet<>();
      errors.forEach(e -> reported.add(e.field()));
      for (ApiException.FieldError e : v.validate("").errors()) {
        if (!reported.contains(e.field())) {
          errors.add(e);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return value;
  }

  private static ApiException mapBindingError(Exception e) {
    try {
      if (e instanceof InvalidFormatException f) {
        Class<?> t = f.getTargetType();
        if (t != null && t.isEnum()) {
          return ApiException.invalid(
              path(f),
              "invalid value "
                  + describe(f.getValue())
                  + "; one of "
                  + enumValues(t)
                  + " was expected");
        }
        return ApiException.invalid(
            path(f), "invalid value " + describe(f.getValue()) + " for this field");
      }
      if (e instanceof MismatchedInputException m) {
        return ApiException.invalid(path(m), "expected " + expected(m));
      }
      if (e instanceof JsonMappingException m) {
        return ApiException.invalid(path(m), m.getOriginalMessage());
      }
      return ApiException.invalid("", "invalid value");
    } catch (RuntimeException inner) {
      return ApiException.invalid("", "invalid value");
    }
  }

  public static JsonNode tree(byte[] body) {
    return read(body, JsonNode.class);
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
    }
  }

  private static String enumValues(Class<?> type) {
    StringBuilder sb = new StringBuilder();
    for (Object c : type.getEnumConstants()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String describe(Object value) {
    String s = String.valueOf(value);
    return "'" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
  }

  private static String expected(MismatchedInputException e) {
    Class<?> t = e.getTargetType();
    if (t == null) {
      return "a different value";
    }
    if (t == String.class || t.isEnum()) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
      return "a number";
    }
    if (List.class.isAssignableFrom(t)) {
      return "an array";
    }
    return "an object";
  }

  /** The JSON path of a mapping error, such as {@code services[2].team}. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
