package dev.bulwark.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of issue #13 over the production classes of the server and the engines. */
class ArchitectureTest {
  /** No package is exempt from any rule. */
  static final Set<String> FROZEN = Set.of();

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = ArchitectureRules.production();
  }

  @Test
  void serverPackagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles("dev.bulwark.server.(**)", FROZEN).check(classes);
  }

  @Test
  void enginePackagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles("dev.bulwark.(vuln|ledger|policy|common)..", Set.of())
        .check(classes);
  }

  @Test
  void onlyDaosRunSql() {
    ArchitectureRules.onlyDaosRunSql(FROZEN).check(classes);
  }

  @Test
  void daosAreUsedOnlyInTheirOwnPackage() {
    ArchitectureRules.daosOnlyUsedInTheirPackage(FROZEN).check(classes);
  }

  @Test
  void enginesImportNothingOfServerOrCli() {
    ArchitectureRules.ENGINES_IMPORT_NO_APPLICATION.check(classes);
  }

  @Test
  void serverUsesOnlyTheEnginesApiPackages() {
    ArchitectureRules.APPLICATIONS_USE_ONLY_ENGINE_API.check(classes);
  }

  @Test
  void servicesThrowDomainExceptionsNotApiExceptions() {
    ArchitectureRules.servicesThrowNoApiException(FROZEN).check(classes);
  }

  /** Notifications know nothing of releases: releases tell them what to send (issue #13). */
  @Test
  void notifyDoesNotDependOnReleases() {
    noClasses()
        .that()
        .resideInAPackage("dev.bulwark.server.notify..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.bulwark.server.releases..")
        .check(classes);
  }
}
