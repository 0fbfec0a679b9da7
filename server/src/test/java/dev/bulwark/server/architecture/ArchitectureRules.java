package dev.bulwark.server.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import java.util.Set;

/**
 * The architecture rules of issue #13, shared by the server's {@link ArchitectureTest} and the
 * CLI's (which sees the CLI's classes; the server module cannot, the CLI depends on it).
 */
public final class ArchitectureRules {
  private ArchitectureRules() {}

  /** The engines: libraries the server, the CLI and the benchmarks build on, never the reverse. */
  public static final String[] ENGINES = {
    "dev.bulwark.vuln..", "dev.bulwark.ledger..", "dev.bulwark.policy..", "dev.bulwark.common.."
  };

  /** What uses the engines. */
  public static final String[] APPLICATIONS = {
    "dev.bulwark.server..", "dev.bulwark.cli..", "dev.bulwark.bench..", "db.migration.."
  };

  /**
   * The engines' API packages: exactly what server, cli and bench imported when this rule was
   * written (issue #13). The engines' module-info exports are to match this list; a package an
   * engine adds for its internals stays out of it, so that reaching into it fails here.
   */
  public static final List<String> ENGINE_API =
      List.of(
          "dev.bulwark.common",
          "dev.bulwark.ledger",
          "dev.bulwark.policy",
          "dev.bulwark.policy.provenance",
          "dev.bulwark.vuln.match",
          "dev.bulwark.vuln.osv",
          "dev.bulwark.vuln.report",
          "dev.bulwark.vuln.sbom",
          "dev.bulwark.vuln.version");

  /**
   * Classes allowed to run SQL although they are not a feature's {@code *Dao}: each is database
   * infrastructure, reviewed here.
   */
  public static final Set<String> SQL_INFRASTRUCTURE =
      Set.of(
          // Opens the pool, migrates, and answers the health check and dialect questions.
          "dev.bulwark.server.db.Database",
          // The one lease table every scheduled job takes its turn through (owned by H4).
          "dev.bulwark.server.db.JobLock",
          // Groups small writes into one transaction; it begins and commits them itself.
          "dev.bulwark.server.db.WriteBatcher",
          // The ledger's DAO under its historical name (the benchmarks use it directly).
          "dev.bulwark.server.ledger.LedgerStore");

  /** Flyway's Java migrations: they are SQL by nature. */
  public static final String MIGRATIONS = "db.migration..";

  /** The production classes of every module on the class path, without tests. */
  public static JavaClasses production() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.bulwark", "db.migration");
  }

  // --- a: no package cycles -------------------------------------------------------------

  /**
   * No cycles between packages (each package is a slice). {@code ignoredFrom} lists packages whose
   * dependencies among each other are not counted (the temporary freeze list).
   */
  public static ArchRule noPackageCycles(String pattern, Set<String> ignoredAmong) {
    DescribedPredicate<JavaClass> frozen = inAnyOf(ignoredAmong);
    var rule = SlicesRuleDefinition.slices().matching(pattern).should().beFreeOfCycles();
    return ignoredAmong.isEmpty() ? rule : rule.ignoreDependency(frozen, frozen);
  }

  // --- b: only DAOs run SQL -------------------------------------------------------------

  private static final Set<String> HANDLE_SQL =
      Set.of("createQuery", "createUpdate", "createBatch", "execute", "prepareBatch", "select");

  private static final DescribedPredicate<JavaAccess<?>> RUNS_SQL =
      DescribedPredicate.describe(
          "run SQL (Handle.createQuery/createUpdate/createBatch/execute/prepareBatch/select or a"
              + " java.sql Statement)",
          access -> {
            AccessTarget t = access.getTarget();
            String owner = t.getOwner().getName();
            if (owner.equals("org.jdbi.v3.core.Handle")) {
              return HANDLE_SQL.contains(t.getName());
            }
            return owner.startsWith("java.sql.") && owner.endsWith("Statement");
          });

  public static ArchRule onlyDaosRunSql(Set<String> frozenPackages) {
    return noClasses()
        .that(
            not(isDao())
                .and(not(resideInAPackage(MIGRATIONS)))
                .and(not(namedAnyOf(SQL_INFRASTRUCTURE)))
                .and(not(inAnyOf(frozenPackages))))
        .should(accessAny(RUNS_SQL))
        .because("one DAO per feature owns all of its SQL (issue #13)");
  }

  // --- c: a DAO is used only by its own package ------------------------------------------

  public static ArchRule daosOnlyUsedInTheirPackage(Set<String> frozenPackages) {
    return classes()
        .that(isDao())
        .should(
            new ArchCondition<JavaClass>("be used only by classes of their own package") {
              @Override
              public void check(JavaClass dao, ConditionEvents events) {
                for (Dependency d : dao.getDirectDependenciesToSelf()) {
                  JavaClass user = d.getOriginClass();
                  if (!user.getPackageName().equals(dao.getPackageName())
                      && !inAnyOf(frozenPackages).test(user)) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .allowEmptyShould(true)
        .because("no feature imports another feature's DAO; it asks that feature's service");
  }

  // --- d: engines import nothing of the applications --------------------------------------

  public static final ArchRule ENGINES_IMPORT_NO_APPLICATION =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(APPLICATIONS);

  // --- e: applications use only the engines' API packages ---------------------------------

  public static final ArchRule APPLICATIONS_USE_ONLY_ENGINE_API =
      noClasses()
          .that()
          .resideInAnyPackage(APPLICATIONS)
          .should()
          .dependOnClassesThat(
              resideInAnyPackage(ENGINES)
                  .and(not(resideInAnyPackage(ENGINE_API.toArray(String[]::new))))
                  .as("an engine's internal package (not in " + ENGINE_API + ")"));

  // --- f: only the HTTP edge builds HTTP errors ---------------------------------------------

  public static final String API_EXCEPTION = "dev.bulwark.server.http.ApiException";

  private static final DescribedPredicate<JavaAccess<?>> BUILDS_API_EXCEPTION =
      DescribedPredicate.describe(
          "construct an ApiException (its constructors or static factories)",
          access -> {
            AccessTarget t = access.getTarget();
            JavaClass owner = t.getOwner();
            boolean apiExceptionType = owner.isAssignableTo(API_EXCEPTION);
            if (t instanceof AccessTarget.ConstructorCallTarget) {
              return apiExceptionType;
            }
            return apiExceptionType
                && t instanceof AccessTarget.MethodCallTarget m
                && m.getRawReturnType().isAssignableTo(API_EXCEPTION);
          });

  /** The HTTP edge: route classes and the HTTP package itself. */
  public static final DescribedPredicate<JavaClass> HTTP_EDGE =
      DescribedPredicate.describe(
          "the HTTP edge (*Routes, ..http..)",
          c ->
              c.getSimpleName().endsWith("Routes")
                  || enclosing(c).getSimpleName().endsWith("Routes")
                  || c.getPackageName().startsWith("dev.bulwark.server.http"));

  public static ArchRule servicesThrowNoApiException(Set<String> frozenPackages) {
    return noClasses()
        .that(not(HTTP_EDGE).and(not(inAnyOf(frozenPackages))))
        .should(accessAny(BUILDS_API_EXCEPTION))
        .because("services and jobs throw DomainException; the HTTP edge maps it to a status");
  }

  // --- helpers ------------------------------------------------------------------------------

  static DescribedPredicate<JavaClass> isDao() {
    return DescribedPredicate.describe(
        "a DAO (*Dao)", c -> enclosing(c).getSimpleName().endsWith("Dao"));
  }

  private static JavaClass enclosing(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer;
  }

  private static DescribedPredicate<JavaClass> namedAnyOf(Set<String> names) {
    return DescribedPredicate.describe(
        "one of " + names, c -> names.contains(enclosing(c).getName()));
  }

  private static DescribedPredicate<JavaClass> inAnyOf(Set<String> packages) {
    return DescribedPredicate.describe(
        "in " + packages,
        c ->
            packages.stream()
                .anyMatch(
                    p -> c.getPackageName().equals(p) || c.getPackageName().startsWith(p + ".")));
  }

  private static ArchCondition<JavaClass> accessAny(DescribedPredicate<JavaAccess<?>> what) {
    return new ArchCondition<>(what.getDescription()) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (JavaAccess<?> a : c.getAccessesFromSelf()) {
          if (what.test(a)) {
            events.add(SimpleConditionEvent.satisfied(a, a.getDescription()));
          }
        }
      }
    };
  }
}
