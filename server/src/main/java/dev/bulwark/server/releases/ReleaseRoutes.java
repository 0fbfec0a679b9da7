package dev.bulwark.server.releases;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;
import static dev.bulwark.server.http.ApiRoute.put;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomFormatException;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Release creation, SBOM and SARIF intake, and what they stored. */
final class ReleaseRoutes {
  private static final Set<String> SBOM_TYPES =
      Set.of(
          "application/vnd.cyclonedx+json",
          "application/vnd.cyclonedx+xml",
          "application/spdx+json",
          "application/json",
          "application/xml",
          "text/xml");

  private final Releases releases;

  ReleaseRoutes(Releases releases) {
    this.releases = releases;
  }

  List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/services/{name}/releases", Permission.RELEASE_WRITE, this::create),
        put(
            "/api/v1/services/{name}/releases/{version}/sbom",
            Permission.RELEASE_WRITE,
            this::sbom),
        get(
            "/api/v1/services/{name}/releases/{version}/components",
            Permission.SERVICE_READ,
            this::releaseComponents),
        post(
            "/api/v1/services/{name}/releases/{version}/sarif",
            Permission.RELEASE_WRITE,
            this::sarif),
        get(
            "/api/v1/services/{name}/releases/{version}/code-findings",
            Permission.SERVICE_READ,
            this::codeFindings));
  }

  private void create(Call call) {
    JsonNode body = call.jsonTree();
    if (!body.isObject()) {
      throw ApiException.invalid("$", "expected a JSON object");
    }
    List<ApiException.FieldError> unknown = new ArrayList<>();
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("version") && !f.equals("digest")) {
                unknown.add(new ApiException.FieldError(f, "unknown field"));
              }
            });
    if (!unknown.isEmpty()) {
      throw ApiException.invalid(unknown);
    }
    Releases.Created c =
        releases.create(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            text(body, "version"),
            text(body, "digest"));
    call.respond(c.outcome() == Releases.Outcome.created ? 201 : 200, c.release());
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalid(field, "expected a string");
    }
    return v.asText();
  }

  private void sbom(Call call) {
    byte[] body = call.body(SBOM_TYPES);
    Sbom sbom;
    try {
      sbom = SbomParser.parse("sbom", new ByteArrayInputStream(body));
    } catch (SbomFormatException e) {
      throw new ApiException(422, "Unprocessable Content", e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the SBOM could not be read");
    }
    String declared = call.ctx().contentType() == null ? "" : call.ctx().contentType();
    if ((declared.startsWith("application/vnd.cyclonedx") && !sbom.format().equals("CycloneDX"))
        || (declared.startsWith("application/spdx") && !sbom.format().equals("SPDX"))) {
      throw new ApiException(
          422,
          "Unprocessable Content",
          "the body is " + sbom.format() + ", not what Content-Type " + declared + " declares");
    }
    Releases.Ready ready =
        switch (releases.intake(sbom)) {
          case Releases.TooLarge t ->
              throw new ApiException(422, "Unprocessable Content", t.detail());
          case Releases.Ready r -> r;
        };
    Releases.Uploaded u =
        releases.uploadSbom(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            body,
            ready,
            "true".equals(call.query("force")));
    call.respond(200, u);
  }

  private void sarif(Call call) {
    byte[] body = call.body(Set.of("application/sarif+json", "application/json"));
    String kind = call.query("kind") == null ? "sast" : call.query("kind");
    Releases.requireSarifKind(kind);
    call.respond(
        200,
        releases.uploadSarif(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            kind,
            body,
            SarifReport.parse(body)));
  }

  private void codeFindings(Call call) {
    call.respond(
        200,
        Map.of(
            "findings",
            releases.codeFindings(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void releaseComponents(Call call) {
    call.respond(
        200,
        Map.of(
            "components",
            releases.components(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }
}
