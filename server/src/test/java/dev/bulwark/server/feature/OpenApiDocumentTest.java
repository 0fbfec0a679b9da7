package dev.bulwark.server.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.BulwarkServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document merged from the features' parts: the same document as the reviewed copy that
 * CI lints, and a start that fails when two parts overlap.
 */
class OpenApiDocumentTest {
  /**
   * The served document equals the reviewed copy in test resources, which CI lints
   * (.ci/steps/after-10-openapi-lint.sh): a change to a part shows up as a change to that copy in
   * review, and the linted file is the served one. On a difference the merged document is written
   * to target/openapi-merged.json, to be reviewed and copied over the resource.
   */
  @Test
  void theMergedDocumentEqualsTheReviewedCopy() throws IOException {
    JsonNode reviewed;
    try (InputStream in = getClass().getResourceAsStream("/openapi-merged.json")) {
      reviewed = Json.MAPPER.readTree(in);
    }
    try (var ts =
        new TestServer(TestDatabases.Kind.SQLITE, Files.createTempDirectory("bulwark-openapi"))) {
      JsonNode merged = OpenApiDocument.merge(ts.server.features());
      if (!merged.equals(reviewed)) {
        Files.writeString(
            Path.of("target", "openapi-merged.json"),
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(merged) + "\n");
      }
      // Tree equality: object keys in any order, arrays in order.
      assertThat(merged)
          .as("the merged document (written to target/openapi-merged.json) equals the resource")
          .isEqualTo(reviewed);
      assertThat(ts.http.get("/api/v1/openapi.json", null).json()).isEqualTo(reviewed);
    }
  }

  @Test
  void twoFeaturesDefiningOnePathFailTheMerge() {
    var a = Feature.of("catalog", List.of(), List.of(), "/openapi/catalog.json");
    var b = Feature.of("copy", List.of(), List.of(), "/openapi/catalog.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a, b)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("path /api/v1/services is defined by both catalog")
        .hasMessageContaining("copy (/openapi/catalog.json)");
  }

  @Test
  void aServerWhosePartsOverlapDoesNotStart() throws IOException {
    var dir = Files.createTempDirectory("bulwark-openapi-clash");
    var db = TestDatabases.open(TestDatabases.Kind.SQLITE, dir);
    try {
      Function<FeatureContext, Feature> copy =
          c -> Feature.of("copy", List.of(), List.of(), "/openapi/catalog.json");
      assertThatThrownBy(
              () ->
                  BulwarkServer.start(
                      ServerConfig.embeddedDefaults(dir),
                      db.db(),
                      Clock.systemUTC(),
                      new PrintStream(OutputStream.nullOutputStream()),
                      List.of(copy)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("path /api/v1/services is defined by both catalog")
          .hasMessageContaining("copy (/openapi/catalog.json)");
    } finally {
      db.close();
    }
  }

  @Test
  void twoFeaturesDefiningOneSchemaFailTheMerge() {
    var a = Feature.of("catalog", List.of(), List.of(), "/openapi/catalog.json");
    var b = Feature.of("clash", List.of(), List.of(), "/openapi-test/schema-clash.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a, b)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "OpenAPI: component schemas/Service is defined by both catalog (/openapi/catalog.json)"
                + " and clash (/openapi-test/schema-clash.json)");
  }

  @Test
  void aFeatureRedefiningASharedComponentFailsTheMerge() {
    var a = Feature.of("problems", List.of(), List.of(), "/openapi/base.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has a top-level field");
  }

  @Test
  void aPartWithTopLevelFieldsOtherThanPathsComponentsAndTagsIsRefused() {
    var a = Feature.of("titled", List.of(), List.of(), "/openapi-test/extra-field.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "OpenAPI part /openapi-test/extra-field.json of feature titled has a top-level field"
                + " info; a part holds only paths, components and tags");
  }

  @Test
  void twoPartsDefiningOneTagFailTheMerge() {
    var a = Feature.of("catalog", List.of(), List.of(), "/openapi/catalog.json");
    var b = Feature.of("clash", List.of(), List.of(), "/openapi-test/tag-clash.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a, b)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "OpenAPI: tag catalog is defined by both catalog (/openapi/catalog.json)"
                + " and clash (/openapi-test/tag-clash.json)");
  }

  @Test
  void aReferenceToAComponentNoPartDefinesIsRefused() {
    var a = Feature.of("dangling", List.of(), List.of(), "/openapi-test/dangling-ref.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "OpenAPI: #/components/responses/Nowhere is referred to but no part defines it");
  }

  @Test
  void aMissingPartIsNamed() {
    var a = Feature.of("ghost", List.of(), List.of(), "/openapi/ghost.json");
    assertThatThrownBy(() -> OpenApiDocument.merge(List.of(a)))
        .hasMessage("OpenAPI part /openapi/ghost.json is missing from the jar");
  }
}
