package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.Ecosystem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A component of an ecosystem no loaded advisory names was not checked: it is "not covered", never
 * "clean". A component of a covered ecosystem that no advisory names is clean.
 */
class CoverageTest {
  static final Component NPM = new Component("a", "left-pad", "1.0.0", "pkg:npm/left-pad@1.0.0");
  static final Component MAVEN =
      new Component("b", "guava", "20.0", "pkg:maven/com.google.guava/guava@20.0");
  static final Component GO =
      new Component("c", "x", "1.0.0", "pkg:golang/example.com/nothing-known@1.0.0");

  @Test
  void componentsOfEcosystemsWithoutAdvisoriesAreNotCovered() throws Exception {
    AdvisoryIndex index = AdvisoryIndex.build(Fixtures.load("osv/go"));
    assertThat(index.covered()).containsExactly(Ecosystem.GO);
    ScanResult r = new Scanner(index).scan(List.of(NPM, MAVEN, GO));
    assertThat(r.notCovered()).containsExactly(NPM, MAVEN);
    assertThat(r.clean()).containsExactly(GO);
    assertThat(r.componentCount()).isEqualTo(3);
  }

  @Test
  void withNoAdvisoriesAtAllNothingIsClean() {
    ScanResult r = new Scanner(AdvisoryIndex.build(List.of())).scan(List.of(NPM, GO));
    assertThat(r.clean()).isEmpty();
    assertThat(r.notCovered()).containsExactly(NPM, GO);
  }

  @Test
  void aSelectiveLoadCoversTheEcosystemsOfEveryRecordRead() throws Exception {
    // Nothing is selected (no wanted package), yet the Go records were read: Go is covered.
    OsvLoader.Selection sel =
        OsvLoader.loadSelected(List.of(Fixtures.resource("osv/go")), (eco, name) -> false);
    assertThat(sel.advisories()).isEmpty();
    assertThat(sel.ecosystems()).containsExactly("Go");
    AdvisoryIndex index = AdvisoryIndex.build(sel.advisories(), sel.links(), sel.ecosystems());
    ScanResult r = new Scanner(index).scan(List.of(NPM, GO));
    assertThat(r.clean()).containsExactly(GO);
    assertThat(r.notCovered()).containsExactly(NPM);
  }
}
