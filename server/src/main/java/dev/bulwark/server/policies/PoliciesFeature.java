package dev.bulwark.server.policies;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** Policy bundles, per layer, activated by a second person. */
public final class PoliciesFeature implements Feature {
  private final Policies policies;

  public PoliciesFeature(Policies policies) {
    this.policies = policies;
  }

  @Override
  public String name() {
    return "policies";
  }

  @Override
  public List<ApiRoute> routes() {
    return new PolicyRoutes(policies).routes();
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/policies.json");
  }
}
