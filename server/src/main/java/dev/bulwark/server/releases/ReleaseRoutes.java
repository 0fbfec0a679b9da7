package dev.bulwark.server.releases;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;
import static dev.bulwark.server.http.ApiRoute.put;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomFormatException;
import dev.bulwark.vuln.sbom.SbomParser;
import io.github.nscuro.versatile.Vers;
import io.github.nscuro.versatile.VersException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Release, SBOM, findings and portfolio routes. */
public final class ReleaseRoutes {
  private static final Set<String> SBOM_TYPES =
      Set.of(
          "application/vnd.cyclonedx+json",
          "application/vnd.cyclonedx+xml",
          "application/spdx+json",
          "application/json",
          "application/xml",
          "text/xml");

  private final Releases releases;

  public ReleaseRoutes(Releases releases) {
    this.releases = releases;
  }

  public List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/services/{name}/releases", Permission.RELEASE_WRITE, this::create),
        put(
            "/api/v1/services/{name}/releases/{version}/sbom",
            Permission.RELEASE_WRITE,
            this::sbom),
        get(
            "/api/v1/services/{name}/releases/{version}/findings",
            Permission.SERVICE_READ,
            this::findings),
        get("/api/v1/components", Permission.SERVICE_READ, this::components),
        get("/api/v1/vulnerabilities/{id}/affected", Permission.SERVICE_READ, this::affected),
        get("/api/v1/findings/overdue", Permission.SERVICE_READ, this::overdue),
        get("/api/v1/sla", Permission.SERVICE_READ, this::sla),
        post("/api/v1/advisories/sync", Permission.ADVISORY_SYNC, this::sync),
        post("/api/v1/findings/{id}/transitions", Permission.FINDING_TRIAGE, this::transition),
        post("/api/v1/findings/{id}/risk-acceptance", Permission.FINDING_TRIAGE, this::requestRisk),
        post("/api/v1/risk-acceptances/{id}/approve", Permission.RISK_APPROVE, this::approveRisk),
        get("/api/v1/transition-requests", Permission.SERVICE_READ, this::transitionRequests),
        post(
            "/api/v1/transition-requests/{id}/approve",
            Permission.RISK_APPROVE,
            this::approveTransition),
        post(
            "/api/v1/transition-requests/{id}/reject",
            Permission.RISK_APPROVE,
            this::rejectTransition),
        get("/api/v1/findings/{id}/events", Permission.SERVICE_READ, this::events),
        get("/api/v1/services/{name}/releases/{version}/plan", Permission.SERVICE_READ, this::plan),
        get("/api/v1/services/{name}/releases/{version}/vex", Permission.SERVICE_READ, this::vex),
        get(
            "/api/v1/services/{name}/releases/{version}/components",
            Permission.SERVICE_READ,
            this::releaseComponents),
        post("/api/v1/services/{name}/vex", Permission.FINDING_TRIAGE, this::importVex),
        post(
            "/api/v1/services/{name}/releases/{version}/sarif",
            Permission.RELEASE_WRITE,
            this::sarif),
        get(
            "/api/v1/services/{name}/releases/{version}/code-findings",
            Permission.SERVICE_READ,
            this::codeFindings),
        get(
            "/api/v1/services/{name}/releases/{version}/diff",
            Permission.SERVICE_READ,
            this::diff));
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
    Releases.Uploaded u =
        releases.uploadSbom(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            body,
            sbom,
            "true".equals(call.query("force")));
    call.respond(200, u);
  }

  private void findings(Call call) {
    call.respond(
        200,
        Map.of(
            "findings",
            releases.findings(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void components(Call call) {
    String purl = call.query("purl");
    if (purl == null) {
      throw ApiException.invalid("purl", "is required, as pkg:type/namespace/name");
    }
    PackageRef ref =
        switch (PackageRef.fromPurl(purl)) {
          case PackageRef.Parsed.Ok ok -> ok.ref();
          case PackageRef.Parsed.Unsupported u ->
              throw ApiException.invalid(
                  "purl", "purl type '" + u.type() + "' has no supported ecosystem");
          case PackageRef.Parsed.Malformed m -> throw ApiException.invalid("purl", m.reason());
        };
    Vers range = null;
    String r = call.query("range");
    if (r != null) {
      try {
        range = Vers.parse(r).validate();
      } catch (VersException | IllegalArgumentException e) {
        throw ApiException.invalid(
            "range", "not a vers range (such as vers:maven/>=2.0.0|<2.17.1): " + e.getMessage());
      }
    }
    List<Object> out = new ArrayList<>();
    for (ReleaseDao.Hit h : releases.withPackage(call.principal(), ref)) {
      if (range != null) {
        try {
          if (h.componentVersion() == null || !range.contains(h.componentVersion())) {
            continue;
          }
        } catch (RuntimeException e) {
          continue; // a version the range's scheme cannot read is not in the range
        }
      }
      out.add(h);
    }
    call.respond(200, Map.of("releases", out));
  }

  private void importVex(Call call) {
    byte[] body =
        call.body(
            Set.of(
                "application/vnd.cyclonedx+json", "application/openvex+json", "application/json"));
    call.respond(
        200,
        releases
            .lifecycle()
            .importVex(call.principal(), call.requestId(), call.pathParam("name"), body));
  }

  private void sarif(Call call) {
    byte[] body = call.body(Set.of("application/sarif+json", "application/json"));
    call.respond(
        200,
        releases.uploadSarif(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            call.query("kind") == null ? "sast" : call.query("kind"),
            body));
  }

  private void codeFindings(Call call) {
    call.respond(
        200,
        Map.of(
            "findings",
            releases.codeFindings(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void plan(Call call) {
    call.respond(
        200,
        Map.of(
            "steps",
            releases.plan(call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void diff(Call call) {
    String against = call.query("against");
    if (against == null) {
      throw ApiException.invalid("against", "is required: the earlier version to compare with");
    }
    call.respond(
        200,
        releases.diff(
            call.principal(), call.pathParam("name"), against, call.pathParam("version")));
  }

  private void releaseComponents(Call call) {
    call.respond(
        200,
        Map.of(
            "components",
            releases.components(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void vex(Call call) {
    call.respond(
        200, releases.vex(call.principal(), call.pathParam("name"), call.pathParam("version")));
  }

  private static long id(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no such id: " + call.pathParam("id"));
    }
  }

  private void transition(Call call) {
    var t = call.json(FindingLifecycle.Transition.class);
    Map<String, Object> result =
        releases.lifecycle().transition(call.principal(), call.requestId(), id(call), t);
    // 202: the verdict waits for a second person (a transition request).
    call.respond("pending".equals(result.get("status")) ? 202 : 200, result);
  }

  private void transitionRequests(Call call) {
    call.respond(
        200,
        Map.of(
            "requests",
            releases
                .lifecycle()
                .transitionRequests(
                    call.principal(), call.query("status"), call.intQuery("limit", 100, 1, 500))));
  }

  private void approveTransition(Call call) {
    call.respond(
        200,
        releases
            .lifecycle()
            .decideTransition(call.principal(), call.requestId(), id(call), true, null));
  }

  /** A rejection says why. */
  public record RejectBody(String reason) {}

  private void rejectTransition(Call call) {
    RejectBody b = dev.bulwark.server.http.Json.bindRecord(call.jsonTree(), RejectBody.class);
    call.respond(
        200,
        releases
            .lifecycle()
            .decideTransition(call.principal(), call.requestId(), id(call), false, b.reason()));
  }

  private void requestRisk(Call call) {
    var r = call.json(FindingLifecycle.RiskRequest.class);
    call.respond(
        201,
        releases
            .lifecycle()
            .requestRiskAcceptance(call.principal(), call.requestId(), id(call), r));
  }

  private void approveRisk(Call call) {
    call.respond(200, releases.lifecycle().approve(call.principal(), call.requestId(), id(call)));
  }

  private void events(Call call) {
    call.respond(200, Map.of("events", releases.lifecycle().events(call.principal(), id(call))));
  }

  private void sync(Call call) {
    call.respond(200, releases.syncAdvisories(call.principal(), call.requestId()));
  }

  private void sla(Call call) {
    call.respond(200, Map.of("days", releases.sla().table()));
  }

  private void overdue(Call call) {
    call.respond(200, Map.of("overdue", releases.overdue(call.principal(), call.query("team"))));
  }

  private void affected(Call call) {
    call.respond(
        200,
        Map.of(
            "id",
            call.pathParam("id"),
            "releases",
            releases.affectedBy(call.principal(), call.pathParam("id"))));
  }
}
