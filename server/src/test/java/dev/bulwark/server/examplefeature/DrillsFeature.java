package dev.bulwark.server.examplefeature;

import dev.bulwark.policy.InputType;
import dev.bulwark.policy.PolicyInput;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import dev.bulwark.server.feature.PolicyInputSource;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A test-only feature that follows docs/adding-a-feature.md: the recovery drills a team ran for a
 * service. It adds two routes, a table, a ledger entry per drill and one policy input, and it is
 * registered without editing the server (see {@code DrillsFeatureContractTest}).
 */
public final class DrillsFeature implements Feature {
  /**
   * The policy input, declared once: rules read {@code drills.passed}, a fixture writes {@code
   * drills: {passed: 3}}, and a release whose service never passed a drill reads 0.
   */
  static final PolicyInput<Long> DRILLS =
      PolicyInput.fact(
          "drills",
          InputType.struct("Drills", InputType.field("passed", InputType.INT)),
          "the recovery drills of the release's service (`passed`: how many passed)",
          passed -> Map.of("passed", passed),
          DrillsFeature::fromFixture,
          0L);

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

  @Override
  public List<PolicyInputSource<?>> policyInputs() {
    return List.of(new PolicyInputSource<>(DRILLS, f -> drills.passed(f.handle(), f.serviceId())));
  }

  private static Long fromFixture(dev.bulwark.policy.Fixture fixture, Node node) {
    Map<String, Node> m = fixture.fields(node, "drills", List.of("passed"));
    return m == null ? 0L : fixture.integer(m, "passed", 0);
  }
}
