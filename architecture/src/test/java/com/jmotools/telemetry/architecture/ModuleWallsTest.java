package com.jmotools.telemetry.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walls between the modules (docs/ARCHITECTURE.md, "Modules and the walls between them"): every
 * arrow points down, towards the catalog, and no module reaches into another's {@code .internal}
 * package. Maven's dependencies already forbid the upward arrows between jars; these rules also
 * hold the walls a dependency cannot express, like "the analytics library serves no HTTP", and keep
 * holding them when a pom gains a dependency. Main classes only.
 */
class ModuleWallsTest {

  private static final String OURS = "com.jmotools..";
  private static final String CATALOG = "com.jmotools.telemetry.catalog..";
  private static final String CLIENT = "com.jmotools.telemetry.client..";
  private static final String CLIENT_INTERNAL = "com.jmotools.telemetry.client.internal..";
  private static final String COLLECTOR = "com.jmotools.telemetry.collector..";
  private static final String ANALYTICS = "com.jmotools.telemetry.reports..";
  private static final String WEB = "com.jmotools.telemetry.web..";
  private static final String APP = "com.jmotools.telemetry.app..";
  private static final String CLI = "com.jmotools.cli..";
  private static final String[] HTTP_SERVING = {
    "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet.."
  };

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.jmotools");
  }

  @Test
  void theCatalogImportsNoModuleOfOurs() {
    classes()
        .that()
        .resideInAPackage(CATALOG)
        .should()
        .onlyDependOnClassesThat(resideOutsideOfPackage(OURS).or(resideInAPackage(CATALOG)))
        .check(main);
  }

  @Test
  void theClientDependsOnlyOnTheCatalog() {
    classes()
        .that()
        .resideInAPackage(CLIENT)
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage(OURS).or(resideInAnyPackage(CLIENT, CATALOG)))
        .check(main);
  }

  @Test
  void theCollectorNeverDependsOnTheClientTheCliOrWhatIsBuiltOnIt() {
    noClasses()
        .that()
        .resideInAPackage(COLLECTOR)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CLIENT, CLI, ANALYTICS, WEB, APP)
        .check(main);
  }

  @Test
  void theAnalyticsLibraryServesNoHttpAndKnowsNoCaller() {
    noClasses()
        .that()
        .resideInAPackage(ANALYTICS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(HTTP_SERVING)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(WEB, APP, CLIENT, CLI)
        .check(main);
  }

  @Test
  void theWebAdapterIsNotTheApplication() {
    noClasses()
        .that()
        .resideInAPackage(WEB)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(APP, CLIENT, CLI)
        .check(main);
  }

  @Test
  void theCliUsesOnlyTheClientsPublicApi() {
    classes()
        .that()
        .resideInAPackage(CLI)
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage(OURS)
                .or(resideInAnyPackage(CLI, CATALOG))
                .or(resideInAPackage(CLIENT).and(resideOutsideOfPackage(CLIENT_INTERNAL))))
        .check(main);
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "collector", "reports"})
  void noModuleReachesIntoAnothersInternalPackage(String module) {
    String root = "com.jmotools.telemetry." + module + "..";
    noClasses()
        .that()
        .resideOutsideOfPackage(root)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.jmotools.telemetry." + module + ".internal..")
        .check(main);
  }
}
