package dev.bulwark.server.releases;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** Releases: their creation, SBOM and SARIF intake. */
public final class ReleasesFeature implements Feature {
  private final Releases releases;
  private final List<ApiRoute> routes;

  public ReleasesFeature(Releases releases) {
    this.releases = releases;
    this.routes = new ReleaseRoutes(releases).routes();
  }

  /** For tests that hand an SBOM already read (with origins they build) to the intake. */
  Releases releases() {
    return releases;
  }

  @Override
  public String name() {
    return "releases";
  }

  @Override
  public List<ApiRoute> routes() {
    return routes;
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/releases.json");
  }
}
