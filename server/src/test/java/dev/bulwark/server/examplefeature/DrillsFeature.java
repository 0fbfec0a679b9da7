package dev.bulwark.server.examplefeature;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;
import java.util.Optional;

/**
 * A test-only feature that follows docs/adding-a-feature.md: the recovery drills a team ran for a
 * service. It adds two routes, a table, a ledger entry per drill and one policy input, and it is
 * registered without editing the server (see {@code DrillsFeatureContractTest}).
 */
public final class DrillsFeature implements Feature {
  private final Drills drills;

  public DrillsFeature(FeatureContext c) {
    this.drills = new Drills(c.db(), c.audit(), c.clock());
  }

  @Override
  public String name() {
    return "drills";
  }

  @Override
  public List<ApiRoute> routes() {
    return new DrillRoutes(drills).routes();
  }

  @Override
  public Optional<String> openApi() {
    return Optional.of("/openapi/drills.json");
  }
}
