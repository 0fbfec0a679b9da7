package dev.bulwark.server.feature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.examplefeature.DrillsFeature;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the served document (and of the example feature's part) says what a client
 * generator needs: a stable camelCase operationId, one declared tag, a summary and a description,
 * its path parameters, a success response with a schema, and its errors as the shared RFC 9457
 * problem. The linters check much of this too; this test holds without npm, names every gap at
 * once, and also covers the test-only example feature, which CI does not lint.
 */
class OpenApiCompletenessTest {
  private static final Pattern CAMEL = Pattern.compile("[a-z][a-zA-Z0-9]*");
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
  private static final String PROBLEM = "#/components/responses/Problem";

  @Test
  void everyOperationIsCompletelyDescribed() throws IOException {
    try (var ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-openapi-complete"),
            UnaryOperator.identity(),
            List.of(DrillsFeature::new))) {
      JsonNode doc = ts.http.get("/api/v1/openapi.json", null).json();
      assertThat(gaps(doc)).isEmpty();
      assertThat(doc.path("paths").has("/api/v1/services/{name}/drills")).isTrue();
    }
  }

  @Test
  void aGapIsNamed() throws IOException {
    JsonNode doc =
        dev.bulwark.server.http.Json.MAPPER.readTree(
            """
            {"tags": [], "paths": {"/x/{id}": {"get": {"x-bulwark-permission": "SERVICE_READ",
              "responses": {"200": {"description": "OK"}, "404": {"description": "no"}}}}}}
            """);
    assertThat(gaps(doc))
        .contains(
            "GET /x/{id}: operationId null is not camelCase",
            "GET /x/{id}: wants exactly one tag, has []",
            "GET /x/{id}: no summary",
            "GET /x/{id}: path parameter id is not declared",
            "GET /x/{id}: 200 has no content schema",
            "GET /x/{id}: 404 is not the shared Problem response",
            "GET /x/{id}: no 401 (the operation needs a token)");
  }

  static List<String> gaps(JsonNode doc) {
    List<String> gaps = new ArrayList<>();
    Set<String> tags = new HashSet<>();
    for (JsonNode t : doc.path("tags")) {
      if (t.path("description").asText("").isBlank()) {
        gaps.add("tag " + t.path("name").asText() + " has no description");
      }
      tags.add(t.path("name").asText());
    }
    Set<String> ids = new HashSet<>();
    doc.path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        m -> {
                          String op =
                              m.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                          check(op, path.getKey(), m.getValue(), tags, ids, gaps);
                        }));
    return gaps;
  }

  private static void check(
      String op, String path, JsonNode o, Set<String> tags, Set<String> ids, List<String> gaps) {
    String id = o.path("operationId").asText(null);
    if (id == null || !CAMEL.matcher(id).matches()) {
      gaps.add(op + ": operationId " + id + " is not camelCase");
    } else if (!ids.add(id)) {
      gaps.add(op + ": operationId " + id + " is used twice");
    }
    JsonNode opTags = o.path("tags");
    if (opTags.size() != 1) {
      gaps.add(op + ": wants exactly one tag, has " + (opTags.isMissingNode() ? "[]" : opTags));
    } else if (!tags.contains(opTags.get(0).asText())) {
      gaps.add(op + ": tag " + opTags.get(0).asText() + " is not declared");
    }
    if (o.path("summary").asText("").isBlank()) {
      gaps.add(op + ": no summary");
    }
    if (o.path("description").asText("").isBlank()) {
      gaps.add(op + ": no description");
    }
    Set<String> declared = new HashSet<>();
    for (JsonNode p : o.path("parameters")) {
      if (p.path("schema").isMissingNode()) {
        gaps.add(op + ": parameter " + p.path("name").asText() + " has no schema");
      }
      if (p.path("in").asText().equals("path")) {
        declared.add(p.path("name").asText());
      }
    }
    Matcher m = PATH_PARAM.matcher(path);
    while (m.find()) {
      if (!declared.contains(m.group(1))) {
        gaps.add(op + ": path parameter " + m.group(1) + " is not declared");
      }
    }
    if (o.has("requestBody")) {
      o.path("requestBody")
          .path("content")
          .properties()
          .forEach(
              c -> {
                if (c.getValue().path("schema").isMissingNode()) {
                  gaps.add(op + ": request body " + c.getKey() + " has no schema");
                }
              });
    }
    boolean success = false;
    for (var r : o.path("responses").properties()) {
      String status = r.getKey();
      if (status.startsWith("2")) {
        success = true;
        if (!status.equals("204")
            && r.getValue().path("content").properties().stream()
                .anyMatch(c -> c.getValue().path("schema").isMissingNode())) {
          gaps.add(op + ": " + status + " has a content type without a schema");
        }
        if (!status.equals("204") && r.getValue().path("content").isEmpty()) {
          gaps.add(op + ": " + status + " has no content schema");
        }
      } else if (!PROBLEM.equals(r.getValue().path("$ref").asText())
          && !r.getValue().path("content").has("application/json")) {
        // A non-2xx answer is the shared problem, except one whose body is the operation's own
        // JSON (the health check's 503).
        gaps.add(op + ": " + status + " is not the shared Problem response");
      }
    }
    if (!success) {
      gaps.add(op + ": no success response");
    }
    boolean isPublic = o.path("x-bulwark-permission").asText().equals("PUBLIC");
    if (isPublic && !(o.path("security").isArray() && o.path("security").isEmpty())) {
      gaps.add(op + ": a public operation must say security: []");
    }
    for (String status : isPublic ? List.of("429", "500") : List.of("401", "403", "429", "500")) {
      if (!o.path("responses").has(status)) {
        gaps.add(
            op + ": no " + status + (status.equals("401") ? " (the operation needs a token)" : ""));
      }
    }
    if (o.has("requestBody")) {
      for (String status : List.of("400", "413", "415", "422")) {
        if (!o.path("responses").has(status)) {
          gaps.add(op + ": takes a body but has no " + status);
        }
      }
    }
  }
}
