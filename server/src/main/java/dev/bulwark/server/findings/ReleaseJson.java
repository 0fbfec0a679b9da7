package dev.bulwark.server.findings;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

final class ReleaseJson {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private ReleaseJson() {}

  static String of(List<String> values) {
    return new String(Json.write(values), StandardCharsets.UTF_8);
  }

  static List<String> strings(String json) {
    List<String> fast = simpleStrings(json);
    if (fast != null) {
      return fast;
    }
    try {
      return Json.MAPPER.readValue(json, STRINGS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The common case read without Jackson: an array of strings without escapes, as Bulwark writes
   * alias lists (a gate reads ten thousand of them). Anything else returns null, for Jackson.
   */
  static List<String> simpleStrings(String json) {
    if (json == null || json.indexOf('\\') >= 0) {
      return null;
    }
    String t = json.strip();
    if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']') {
      return null;
    }
    List<String> out = new java.util.ArrayList<>();
    int i = 1;
    int end = t.length() - 1;
    boolean expectValue = true;
    while (true) {
      while (i < end && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (i == end) {
        return expectValue && !out.isEmpty() ? null : List.copyOf(out);
      }
      char c = t.charAt(i);
      if (expectValue && c == '"') {
        int close = t.indexOf('"', i + 1);
        if (close < 0 || close >= end) {
          return null;
        }
        String v = t.substring(i + 1, close);
        for (int k = 0; k < v.length(); k++) {
          if (v.charAt(k) < 0x20) {
            return null;
          }
        }
        out.add(v);
        i = close + 1;
        expectValue = false;
      } else if (!expectValue && c == ',') {
        i++;
        expectValue = true;
      } else {
        return null;
      }
    }
  }
}
