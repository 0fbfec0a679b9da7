package dev.bulwark.server.portfolio;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.vuln.match.PackageRef;
import io.github.nscuro.versatile.Vers;
import io.github.nscuro.versatile.VersException;
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
    List<Portfolio.Hit> out = new ArrayList<>();
    for (Portfolio.Hit h : portfolio.withPackage(call.principal(), ref)) {
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
