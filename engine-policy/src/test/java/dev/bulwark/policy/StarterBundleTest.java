package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The starter bundle compiles and its own test cases pass, as `bulwark policy test` runs them. */
class StarterBundleTest {
  static final Path STARTER = Path.of("..", "policies", "starter");

  @Test
  void starterBundleLoadsAndItsCasesPass() throws Exception {
    PolicyBundle bundle = PolicyBundle.load(STARTER);
    assertThat(bundle.policyNames())
        .containsExactly("promotion", "provenance", "sast", "sbom", "sla");
    List<PolicyTests.CaseResult> results = PolicyTests.run(bundle, STARTER);
    assertThat(results).hasSizeGreaterThanOrEqualTo(15);
    assertThat(results)
        .allSatisfy(
            r -> assertThat(r.problem()).as(r.file() + ":" + r.line() + " " + r.name()).isNull());
  }
}
