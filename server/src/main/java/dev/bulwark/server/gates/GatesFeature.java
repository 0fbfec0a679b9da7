package dev.bulwark.server.gates;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.PolicyInputSource;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.releases.Releases;
import java.util.List;

/**
 * Gate decisions, and the release facts every rule reads (the service, the release, its findings
 * and its security test reports).
 */
public final class GatesFeature implements Feature {
  private final Gates gates;
  private final Releases releases;

  public GatesFeature(Gates gates, Releases releases) {
    this.gates = gates;
    this.releases = releases;
  }

  @Override
  public String name() {
    return "gates";
  }

  @Override
  public List<ApiRoute> routes() {
    return new GateRoutes(gates).routes();
  }

  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return new GatePages(gates).pages();
  }

  @Override
  public List<PolicyInputSource<?>> policyInputs() {
    return GateInputs.core(releases);
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/gates.json");
  }
}
