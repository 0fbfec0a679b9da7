package dev.bulwark.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import dev.bulwark.server.http.ApiRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The check every test's HTTP calls go through can fail: a feature whose OpenAPI part is wrong on
 * purpose (openapi-test/wrong-schema.json) answers, over a real socket, a body of the wrong type, a
 * status and a content type the part does not list, and each fails the call naming the operation,
 * the status and what is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiResponsesTest {
  private TestServer ts;

  @BeforeAll
  void start() throws IOException {
    Function<FeatureContext, Feature> wrong =
        c ->
            Feature.of(
                "wrong",
                List.of(
                    ApiRoute.get(
                        "/api/v1/wrong/{kind}",
                        Permission.PUBLIC,
                        call -> {
                          switch (call.pathParam("kind")) {
                            case "right" -> call.respond(200, Map.of("count", 3));
                            case "string" -> call.respond(200, Map.of("count", "three"));
                            case "missing" -> call.respond(200, Map.of("total", 3));
                            case "status" -> call.respond(203, Map.of("count", 3));
                            default -> call.ctx().status(200).contentType("text/plain").result("3");
                          }
                        })),
                List.of(),
                "/openapi-test/wrong-schema.json");
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-openapi-wrong"),
            UnaryOperator.identity(),
            List.of(wrong));
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  @Test
  void aConformingResponsePasses() {
    assertThat(ts.http.get("/api/v1/wrong/right", null).json().path("count").asInt()).isEqualTo(3);
  }

  @Test
  void aFieldOfTheWrongTypeInAReferencedSchemaFails() {
    assertThatThrownBy(() -> ts.http.get("/api/v1/wrong/string", null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("GET /api/v1/wrong/{kind} -> 200 (application/json): /count")
        .hasMessageContaining("integer");
  }

  @Test
  void aMissingRequiredFieldFails() {
    assertThatThrownBy(() -> ts.http.get("/api/v1/wrong/missing", null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("GET /api/v1/wrong/{kind} -> 200 (application/json)")
        .hasMessageContaining("count");
  }

  @Test
  void anUndocumentedStatusFails() {
    assertThatThrownBy(() -> ts.http.get("/api/v1/wrong/status", null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "GET /api/v1/wrong/{kind} -> 203: status not documented (documented: 200, 500)");
  }

  @Test
  void anUndocumentedContentTypeFails() {
    assertThatThrownBy(() -> ts.http.get("/api/v1/wrong/text", null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "GET /api/v1/wrong/{kind} -> 200: content type text/plain not documented"
                + " (documented: application/json)");
  }

  @Test
  void aRouteTheDocumentDoesNotDescribeIsNotChecked() {
    // 404 for a path no operation has: RouteSecurityTest keeps routes and document equal.
    assertThat(ts.http.get("/api/v1/nowhere", null).status()).isEqualTo(404);
  }
}
