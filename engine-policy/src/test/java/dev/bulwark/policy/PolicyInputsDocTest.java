package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The input table of docs/policies.md is the declarations, row for row. */
class PolicyInputsDocTest {
  static final Path DOC = Path.of("..", "docs", "policies.md");

  /** A declaration as its table row writes it. */
  static String row(PolicyInput<?> in) {
    return "| `" + in.name() + "` | " + in.type().describe() + " | " + in.doc() + " |";
  }

  @Test
  void theDocumentedInputsAreTheDeclaredOnes() throws Exception {
    List<String> documented = new ArrayList<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("| variable | type | what |")) {
        inTable = true;
      } else if (inTable && line.startsWith("|---")) {
        continue;
      } else if (inTable && line.startsWith("| `vars` |")) {
        continue; // a policy's own variables, declared by the policy
      } else if (inTable && line.startsWith("|")) {
        documented.add(line);
      } else if (inTable) {
        break;
      }
    }
    List<String> declared = CoreInputs.ALL.stream().map(PolicyInputsDocTest::row).toList();
    assertThat(documented)
        .as("the input table of %s (one row per declared input, in order)", DOC)
        .containsExactlyElementsOf(declared);
  }

  @Test
  void theSchemaAndTheFixtureFieldsAreDerivedFromTheDeclarations() {
    // Core inputs first; a test of this JVM may have registered one more after them.
    assertThat(List.copyOf(InputSchema.VARIABLES.keySet()))
        .startsWith(CoreInputs.ALL.stream().map(PolicyInput::name).toArray(String[]::new));
    assertThat(FixtureReader.top())
        .startsWith(
            "service",
            "release",
            "findings",
            "attestations",
            "tests",
            "environment",
            "promotions",
            "now");
    assertThat(InputSchema.types(CoreInputs.ALL).stream().map(t -> t.name()))
        .containsExactlyInAnyOrder(
            "bulwark.Service",
            "bulwark.Release",
            "bulwark.Finding",
            "bulwark.SeverityCounts",
            "bulwark.FindingSummary",
            "bulwark.Material",
            "bulwark.Attestation",
            "bulwark.TestReport",
            "bulwark.Promotion");
  }
}
