package dev.bulwark.server.releases;

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
    try {
      return Json.MAPPER.readValue(json, STRINGS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
