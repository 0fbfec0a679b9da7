package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomParser;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every real SBOM scans without error and accounts for each component exactly once. */
class RealSbomAccountingTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "juice-shop-v11.1.2-bom.json",
        "keycloak-10.0.2-bom.json",
        "dropwizard-1.3.15-bom.xml",
        "proton-bridge-proton-bridge-v1.8.0.bom.json"
      })
  void matchedCleanAndUnmatchedAddUpToTheComponents(String file) throws Exception {
    Sbom sbom = SbomParser.parse(Fixtures.resource("sbom/" + file));
    ScanResult r =
        new Scanner(AdvisoryIndex.build(Fixtures.load("osv/go", "osv/crates"))).scan(sbom);
    assertThat(
            r.vulnerable().size() + r.clean().size() + r.unmatched().size() + r.notCovered().size())
        .isEqualTo(sbom.components().size());
    Set<Component> seen = new HashSet<>();
    r.vulnerable().forEach(v -> assertThat(seen.add(v.component())).isTrue());
    r.clean().forEach(c -> assertThat(seen.add(c)).isTrue());
    r.unmatched().forEach(u -> assertThat(seen.add(u.component())).isTrue());
    r.notCovered().forEach(c -> assertThat(seen.add(c)).isTrue());
    r.unmatched().forEach(u -> assertThat(u.reason()).isNotBlank());
    if (!file.startsWith("proton")) {
      // Only Go and crates.io advisories are loaded: npm and Maven components are not "clean".
      assertThat(r.clean()).isEmpty();
      assertThat(r.vulnerable()).isEmpty();
      assertThat(r.notCovered()).isNotEmpty();
    }
    if (file.startsWith("proton")) {
      // gin v1.4.0 and GO-2020-0001 (fixed in 1.6.0) are both in the test data.
      assertThat(r.vulnerable())
          .anySatisfy(
              v -> {
                assertThat(v.component().purl()).startsWith("pkg:golang/github.com/gin-gonic/gin@");
                assertThat(v.findings())
                    .extracting(ScanResult.Finding::id)
                    .contains("GO-2020-0001");
              });
    }
  }
}
