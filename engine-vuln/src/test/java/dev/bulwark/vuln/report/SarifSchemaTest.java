package dev.bulwark.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SARIF Bulwark writes validates against the SARIF 2.1.0 JSON schema (kept in test resources
 * with its licence), and follows what GitHub code scanning reads: relative artifact URIs with a
 * base id, a level from the severity, rules with helpUri and a numeric security-severity, and
 * fingerprints that stay the same from run to run.
 */
class SarifSchemaTest {
  /** The OASIS schema (draft-07) and schemastore's rtm.5 (draft-04), which GitHub documents. */
  static List<Schema> schemas;

  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void loadSchema() throws Exception {
    GoldenReportTest.scan();
    schemas = new ArrayList<>();
    for (String[] s :
        List.of(
            new String[] {"/sarif/sarif-schema-2.1.0.json", "DRAFT_7"},
            new String[] {"/sarif/sarif-2.1.0-rtm.5.json", "DRAFT_4"})) {
      try (InputStream in = SarifSchemaTest.class.getResourceAsStream(s[0])) {
        schemas.add(
            SchemaRegistry.withDefaultDialect(SpecificationVersion.valueOf(s[1]))
                .getSchema(in, InputFormat.JSON));
      }
    }
  }

  /** The errors of {@code sarif} against every schema. */
  static List<String> errors(String sarif) {
    List<String> out = new ArrayList<>();
    for (Schema schema : schemas) {
      schema.validate(sarif, InputFormat.JSON).forEach(e -> out.add(e.toString()));
    }
    return out;
  }

  /** Rejected by each schema on its own, so neither validator is idle. */
  static boolean everySchemaRejects(String sarif) {
    return schemas.stream().allMatch(s -> !s.validate(sarif, InputFormat.JSON).isEmpty());
  }

  /** The real proton-bridge SBOM against the Go records of the tests, from two directories. */
  static String protonSarif(Path base) throws Exception {
    List<Advisory> advisories = new ArrayList<>();
    OsvLoader.load(GoldenReportTest.resource("osv/go"), advisories);
    Path sbom = GoldenReportTest.resource("sbom/proton-bridge-proton-bridge-v1.8.0.bom.json");
    ScanResult r = new Scanner(AdvisoryIndex.build(advisories)).scan(SbomParser.parse(sbom));
    assertThat(r.findingCount()).isPositive();
    return ScanReport.toJson(
        ScanReport.sarif(List.of(new ScanReport.Scanned(sbom.toString(), r)), "test", base));
  }

  @Test
  void theGoldenSarifValidates() throws Exception {
    String sarif =
        ScanReport.toJson(ScanReport.sarif(GoldenReportTest.scans, "test", Path.of("/w")));
    assertThat(errors(sarif)).isEmpty();
  }

  @Test
  void aRealScanValidatesWhereverTheSbomLies() throws Exception {
    Path sbomDir =
        GoldenReportTest.resource("sbom/proton-bridge-proton-bridge-v1.8.0.bom.json").getParent();
    // The SBOM under the working directory, and outside it.
    for (Path base : List.of(sbomDir.getParent(), Path.of("/nonexistent/elsewhere"))) {
      String sarif = protonSarif(base);
      assertThat(errors(sarif)).as("base %s", base).isEmpty();
      JsonNode doc = JSON.readTree(sarif);
      for (JsonNode res : doc.at("/runs/0/results")) {
        JsonNode loc = res.at("/locations/0/physicalLocation/artifactLocation");
        String uri = loc.path("uri").asText();
        assertThat(uri).doesNotStartWith("/").doesNotContain(":").doesNotContain("\\");
        assertThat(loc.path("uriBaseId").asText()).isIn(ScanReport.SRCROOT, ScanReport.SBOMDIR);
        if (base.equals(sbomDir.getParent())) {
          assertThat(uri).isEqualTo("sbom/proton-bridge-proton-bridge-v1.8.0.bom.json");
          assertThat(loc.path("uriBaseId").asText()).isEqualTo("%SRCROOT%");
        } else {
          assertThat(uri).isEqualTo("proton-bridge-proton-bridge-v1.8.0.bom.json");
        }
        assertThat(res.path("level").asText()).isIn("error", "warning", "note");
        assertThat(res.path("partialFingerprints").path("bulwark/v1").asText()).hasSize(32);
      }
      for (JsonNode rule : doc.at("/runs/0/tool/driver/rules")) {
        assertThat(rule.path("helpUri").asText())
            .isEqualTo("https://osv.dev/vulnerability/" + rule.path("id").asText());
      }
    }
  }

  @Test
  void levelsAndSecuritySeverityFollowTheSeverity() throws Exception {
    JsonNode doc =
        JSON.readTree(
            ScanReport.toJson(ScanReport.sarif(GoldenReportTest.scans, "test", Path.of("/w"))));
    Set<String> seen = new HashSet<>();
    for (JsonNode res : doc.at("/runs/0/results")) {
      String severity = res.at("/properties/severity").asText();
      String expected =
          switch (severity) {
            case "critical", "high" -> "error";
            case "medium", "unknown" -> "warning";
            default -> "note";
          };
      assertThat(res.path("level").asText()).as(res.toString()).isEqualTo(expected);
      seen.add(severity);
    }
    assertThat(seen).contains("critical", "medium");
    for (JsonNode rule : doc.at("/runs/0/tool/driver/rules")) {
      JsonNode s = rule.at("/properties/security-severity");
      assertThat(s.isTextual()).as(rule.toString()).isTrue();
      assertThat(Double.parseDouble(s.asText())).isBetween(0.0, 10.0);
    }
    assertThat(ScanReport.securitySeverity(dev.bulwark.vuln.osv.Severity.UNKNOWN)).isNull();
    assertThat(ScanReport.level(dev.bulwark.vuln.osv.Severity.Level.UNKNOWN)).isEqualTo("warning");
    assertThat(ScanReport.level(dev.bulwark.vuln.osv.Severity.Level.LOW)).isEqualTo("note");
  }

  @Test
  void fingerprintsAreStableAcrossRunsAndUpgradesThatDoNotFix() throws Exception {
    Path base = Path.of("/w");
    assertThat(protonSarif(base)).isEqualTo(protonSarif(base));
    assertThat(ScanReport.packageOf(new Component("r", "n", "1", "pkg:golang/a.b/c@v1.2.3?x=y")))
        .isEqualTo(ScanReport.packageOf(new Component("r", "n", "2", "pkg:golang/a.b/c@v1.9.0")))
        .isEqualTo("pkg:golang/a.b/c");
    assertThat(ScanReport.packageOf(new Component("r", "n", "1", "pkg:npm/%40scope/x@1.0.0")))
        .isEqualTo("pkg:npm/%40scope/x");
  }

  @Test
  void urisAreEscapedAndNeverReadAsASchemeOrAbsolute() {
    Path root = Path.of("/w").toAbsolutePath();
    assertThat(ScanReport.artifactLocation(root, "my sbom.json").get("uri"))
        .isEqualTo("my%20sbom.json");
    assertThat(ScanReport.artifactLocation(root, "c:x.json").get("uri")).isEqualTo("./c:x.json");
    assertThat(ScanReport.artifactLocation(root, "../other/b.json").get("uriBaseId"))
        .isEqualTo(ScanReport.SBOMDIR);
  }

  @Test
  void theValidatorRejectsWhatTheSchemaForbids() throws Exception {
    String sarif =
        ScanReport.toJson(ScanReport.sarif(GoldenReportTest.scans, "test", Path.of("/w")));
    assertThat(errors(sarif)).isEmpty();
    assertThat(everySchemaRejects(sarif.replace("\"level\" : \"error\"", "\"level\" : \"fatal\"")))
        .isTrue();
    assertThat(
            everySchemaRejects(sarif.replace("\"version\" : \"2.1.0\"", "\"version\" : \"2.0.0\"")))
        .isTrue();
    // An unknown property of a result.
    assertThat(everySchemaRejects(sarif.replace("\"ruleId\"", "\"ruleIdentifier\""))).isTrue();
  }
}
