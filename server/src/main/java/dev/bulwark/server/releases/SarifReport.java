package dev.bulwark.server.releases;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.common.Sha256;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the results of a SARIF 2.1.0 log. A result's fingerprint is its first {@code
 * partialFingerprints} value (by key order), which tools compute to survive line shifts; without
 * one, the documented fallback is SHA-256 of tool, rule, file and the message with digits removed
 * (so line numbers quoted in messages do not split one result into many).
 */
final class SarifReport {
  private static final Set<String> LEVELS = Set.of("none", "note", "warning", "error");

  record Result(
      String tool,
      String ruleId,
      String level,
      String message,
      String uri,
      Integer startLine,
      String fingerprint,
      String severity) {}

  /** The tools of every run (also those with no result) and the results. */
  record Report(List<String> tools, List<Result> results) {}

  /**
   * A result's severity: from a {@code security-severity} score (a CVSS-like number, GitHub's
   * convention, on the result or its rule: 9.0+ critical, 7.0+ high, 4.0+ medium, else low), else
   * from its level (error high, warning medium, note and none low).
   */
  static String severity(String level, String securitySeverity) {
    if (securitySeverity != null) {
      try {
        double score = Double.parseDouble(securitySeverity.strip());
        return score >= 9.0 ? "critical" : score >= 7.0 ? "high" : score >= 4.0 ? "medium" : "low";
      } catch (NumberFormatException e) {
        // not a number: fall back to the level
      }
    }
    return switch (level) {
      case "error" -> "high";
      case "warning" -> "medium";
      default -> "low";
    };
  }

  private SarifReport() {}

  static Report parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw new DomainException.Invalid(
          "body",
          "invalid JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DomainException.Malformed("the SARIF log could not be read");
    }
    if (root == null
        || !root.isObject()
        || !"2.1.0".equals(root.path("version").asText())
        || !root.path("runs").isArray()) {
      throw new DomainException.Invalid(
          "body", "not a SARIF 2.1.0 log (needs \"version\": \"2.1.0\" and a runs array)");
    }
    List<Result> out = new ArrayList<>();
    List<String> tools = new ArrayList<>();
    int r = 0;
    for (JsonNode run : root.path("runs")) {
      String tool = run.path("tool").path("driver").path("name").asText("");
      if (tool.isBlank()) {
        throw new DomainException.Invalid("runs[" + r + "].tool.driver.name", "is required");
      }
      if (!tools.contains(tool)) {
        tools.add(tool);
      }
      Map<String, String> ruleSeverity = new java.util.HashMap<>();
      for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
        JsonNode ss = rule.path("properties").path("security-severity");
        if (rule.hasNonNull("id") && ss.isValueNode()) {
          ruleSeverity.put(rule.path("id").asText(), ss.asText());
        }
      }
      int i = 0;
      for (JsonNode res : run.path("results")) {
        String where = "runs[" + r + "].results[" + i + "]";
        String rule = res.path("ruleId").asText(res.path("rule").path("id").asText(""));
        String message = res.path("message").path("text").asText("");
        if (rule.isBlank()) {
          throw new DomainException.Invalid(where + ".ruleId", "is required");
        }
        if (message.isBlank()) {
          throw new DomainException.Invalid(where + ".message.text", "is required");
        }
        String level = res.path("level").asText("warning").toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
          throw new DomainException.Invalid(
              where + ".level", "must be none, note, warning or error");
        }
        JsonNode loc = res.path("locations").path(0).path("physicalLocation");
        String uri = loc.path("artifactLocation").path("uri").asText(null);
        Integer line =
            loc.path("region").has("startLine")
                ? loc.path("region").path("startLine").asInt()
                : null;
        out.add(
            new Result(
                tool,
                rule,
                level,
                message,
                uri,
                line,
                fingerprint(tool, rule, uri, message, res.path("partialFingerprints")),
                severity(
                    level,
                    res.path("properties").path("security-severity").isValueNode()
                        ? res.path("properties").path("security-severity").asText()
                        : ruleSeverity.get(rule))));
        i++;
      }
      r++;
    }
    return new Report(List.copyOf(tools), out);
  }

  private static String fingerprint(
      String tool, String rule, String uri, String message, JsonNode partial) {
    if (partial.isObject() && !partial.isEmpty()) {
      Map<String, String> sorted = new TreeMap<>();
      partial.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
      var first = sorted.entrySet().iterator().next();
      return first.getKey() + ":" + first.getValue();
    }
    String basis =
        tool
            + "\n"
            + rule
            + "\n"
            + (uri == null ? "" : uri)
            + "\n"
            + message.replaceAll("[0-9]+", "#");
    return "bulwark/v1:" + Sha256.hex(basis);
  }
}
