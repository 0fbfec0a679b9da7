package dev.bulwark.server.portfolio;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.version.InvalidVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Portfolio routes: components by package, releases affected by an advisory, plan and diff. */
final class PortfolioRoutes {
  private final Portfolio portfolio;

  PortfolioRoutes(Portfolio portfolio) {
    this.portfolio = portfolio;
  }

  List<ApiRoute> routes() {
    return List.of(
        get("/api/v1/components", Permission.SERVICE_READ, this::components),
        get("/api/v1/vulnerabilities/{id}/affected", Permission.SERVICE_READ, this::affected),
        get("/api/v1/services/{name}/releases/{version}/plan", Permission.SERVICE_READ, this::plan),
        get(
            "/api/v1/services/{name}/releases/{version}/diff",
            Permission.SERVICE_READ,
            this::diff));
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
          case PackageRef.Parsed.Unmatched m -> throw ApiException.invalid("purl", m.reason());
        };
    PortfolioRange range = null;
    String r = call.query("range");
    if (r != null) {
      try {
        range = PortfolioRange.parse(r, ref.ecosystem());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(
            "range",
            "not a vers range for this package (such as vers:"
                + ref.ecosystem().purlType()
                + "/>=1.0.0|<2.0.0): it "
                + e.getMessage());
      }
    }
    List<Portfolio.Hit> out = new ArrayList<>();
    List<Portfolio.NotCompared> notCompared = new ArrayList<>();
    for (Portfolio.Hit h : portfolio.withPackage(call.principal(), ref)) {
      if (range != null) {
        String version = comparedVersion(h);
        if (version == null) {
          notCompared.add(new Portfolio.NotCompared(h, "the SBOM gives the component no version"));
          continue;
        }
        try {
          if (!range.contains(version)) {
            continue;
          }
        } catch (InvalidVersionException e) {
          // Not in the range as far as anyone can tell, and not silently out of it either.
          notCompared.add(new Portfolio.NotCompared(h, e.getMessage()));
          continue;
        }
      }
      out.add(h);
    }
    call.respond(200, Map.of("releases", out, "notCompared", notCompared));
  }

  /**
   * The version a range is compared with: the purl's, as the scanner reads it (an RPM purl's {@code
   * epoch} qualifier joined as {@code E:V-R}), else the component's own.
   */
  private static String comparedVersion(Portfolio.Hit h) {
    if (h.purl() != null
        && PackageRef.fromPurl(h.purl()) instanceof PackageRef.Parsed.Ok ok
        && ok.version() != null) {
      return ok.version();
    }
    return h.componentVersion();
  }

  private void plan(Call call) {
    call.respond(
        200,
        Map.of(
            "steps",
            portfolio.plan(call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }

  private void diff(Call call) {
    String against = call.query("against");
    if (against == null) {
      throw ApiException.invalid("against", "is required: the earlier version to compare with");
    }
    call.respond(
        200,
        portfolio.diff(
            call.principal(), call.pathParam("name"), against, call.pathParam("version")));
  }

  private void affected(Call call) {
    call.respond(
        200,
        Map.of(
            "id",
            call.pathParam("id"),
            "releases",
            portfolio.affectedBy(call.principal(), call.pathParam("id"))));
  }
}
