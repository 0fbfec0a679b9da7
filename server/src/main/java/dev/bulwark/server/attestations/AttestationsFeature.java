package dev.bulwark.server.attestations;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.PolicyInputSource;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** DSSE/SLSA provenance of releases, verified against the teams' trusted keys. */
public final class AttestationsFeature implements Feature {
  private final Attestations attestations;

  public AttestationsFeature(Attestations attestations) {
    this.attestations = attestations;
  }

  @Override
  public String name() {
    return "attestations";
  }

  @Override
  public List<ApiRoute> routes() {
    return new AttestationRoutes(attestations).routes();
  }

  @Override
  public List<PolicyInputSource<?>> policyInputs() {
    return List.of(Attestations.policyInput());
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/attestations.json");
  }
}
