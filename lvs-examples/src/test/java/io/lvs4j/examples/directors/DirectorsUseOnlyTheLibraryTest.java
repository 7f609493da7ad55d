package io.lvs4j.examples.directors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The example directors are what an application could write: they use the library modules' public packages (and
 * the JDK, JSpecify and Curator's client, which the ZooKeeper module's API hands out), never an {@code internal}
 * package, the command line, the demo or the keepalived runtime of this module.
 */
class DirectorsUseOnlyTheLibraryTest {

    @Test
    void theExampleDirectorsUseOnlyPublicLibraryApi() {
        JavaClasses directors = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lvs4j.examples.directors");
        classes().that().resideInAPackage("io.lvs4j.examples.directors")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..",
                        "io.lvs4j.examples.directors", "io.lvs4j.api..", "io.lvs4j.scheduler", "io.lvs4j.health",
                        "io.lvs4j.forward", "io.lvs4j.failover", "io.lvs4j.failover.zookeeper",
                        "org.apache.curator.framework")
                .because("an application needs only the library modules")
                .check(directors);
        noClasses().that().resideInAPackage("io.lvs4j.examples.directors")
                .should().dependOnClassesThat().resideInAPackage("..internal..")
                .because("internal packages are no API, even inside a library package's name")
                .check(directors);
    }
}
