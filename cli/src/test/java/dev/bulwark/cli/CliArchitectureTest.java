package dev.bulwark.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.bulwark.server.architecture.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules that concern the CLI, over its production classes (the server's
 * ArchitectureTest cannot see them: the CLI depends on the server).
 */
class CliArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = ArchitectureRules.production();
    org.assertj.core.api.Assertions.assertThat(classes.contain(Main.class)).isTrue();
  }

  @Test
  void cliUsesOnlyTheEnginesApiPackages() {
    ArchitectureRules.APPLICATIONS_USE_ONLY_ENGINE_API.check(classes);
  }

  @Test
  void enginesImportNothingOfTheCli() {
    ArchitectureRules.ENGINES_IMPORT_NO_APPLICATION.check(classes);
  }
}
