package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bulwark.server.http.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints API answers as aligned tables or as JSON. */
final class Printer {
  private Printer() {}

  /**
   * Prints {@code value} in the format chosen, to the file of {@code -o} or to {@code out}; errors
   * and warnings go to standard error, which picocli gives as {@code err}.
   */
  static void print(
      PrintWriter out, OutputOptions format, JsonNode value, String listField, String... columns) {
    boolean json = format.json();
    boolean colour = format.colour();
    format.write(out, w -> print(w, json, colour, value, listField, columns));
  }

  /** {@code value} as indented JSON. */
  static String pretty(Object value) {
    try {
      return Json.MAPPER
          .writer()
          .with(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void print(
      PrintWriter out,
      boolean json,
      boolean colour,
      JsonNode value,
      String listField,
      String... columns) {
    if (json) {
      out.println(pretty(value));
      out.flush();
      return;
    }
    List<JsonNode> rows = new ArrayList<>();
    if (listField != null) {
      value.path(listField).forEach(rows::add);
    } else {
      rows.add(value);
    }
    table(out, colour, rows, columns);
  }

  /**
   * The columns whose values are outcomes or severities, coloured on a terminal (the padding is
   * computed on the plain text, so colour never shifts a column).
   */
  private static final java.util.Set<String> COLOURED =
      java.util.Set.of("decision", "outcome", "severity", "status", "state", "verified");

  static void table(PrintWriter out, boolean colour, List<JsonNode> rows, String... columns) {
    int[] width = new int[columns.length];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      width[i] = columns[i].length();
    }
    for (JsonNode row : rows) {
      String[] c = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        JsonNode v = row.path(columns[i]);
        c[i] = v.isMissingNode() || v.isNull() ? "-" : v.isArray() ? join(v) : v.asText();
        width[i] = Math.max(width[i], c[i].length());
      }
      cells.add(c);
    }
    out.println(line(columns, width).toUpperCase(java.util.Locale.ROOT));
    for (String[] c : cells) {
      out.println(colour ? colouredLine(columns, c, width) : line(c, width));
    }
    out.flush();
  }

  private static String join(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(n -> parts.add(n.asText()));
    return String.join(",", parts);
  }

  private static String colouredLine(String[] columns, String[] c, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      String pad = i < c.length - 1 ? " ".repeat(width[i] - c[i].length() + 2) : "";
      sb.append(
              COLOURED.contains(columns[i])
                  ? Terminal.paint(true, Terminal.outcomeCode(c[i]), c[i])
                  : c[i])
          .append(pad);
    }
    return sb.toString().stripTrailing();
  }

  private static String line(String[] c, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      sb.append(c[i]);
      if (i < c.length - 1) {
        sb.append(" ".repeat(width[i] - c[i].length() + 2));
      }
    }
    return sb.toString().stripTrailing();
  }
}
