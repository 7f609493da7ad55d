package io.lvs4j.examples.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module directions of docs/architecture.md, checked on the compiled classes of every module: implementation
 * modules talk to each other only through lvs-api; nothing depends on the examples or the benchmarks; lvs-api needs
 * only the JDK and JSpecify; no module reaches into another module's {@code internal} packages.
 */
class ArchitectureTest {

    /** Module name to the predicate selecting its classes. */
    static final Map<String, DescribedPredicate<JavaClass>> MODULES = Map.of(
            "lvs-api", resideInAPackage("io.lvs4j.api.."),
            "lvs-scheduler", resideInAPackage("io.lvs4j.scheduler.."),
            "lvs-health", resideInAPackage("io.lvs4j.health.."),
            "lvs-forward", resideInAPackage("io.lvs4j.forward.."),
            "lvs-failover", resideInAPackage("io.lvs4j.failover..")
                    .and(not(resideInAPackage("io.lvs4j.failover.zookeeper.."))),
            "lvs-failover-zookeeper", resideInAPackage("io.lvs4j.failover.zookeeper.."),
            "lvs-micrometer", resideInAPackage("io.lvs4j.micrometer.."),
            "lvs-keepalived", resideInAPackage("io.lvs4j.keepalived.."),
            "lvs-examples", resideInAPackage("io.lvs4j.examples.."),
            "jmh", resideInAPackage("io.lvs4j.jmh.."));

    /** For each module, the lvs4j modules it may use besides itself. */
    static final Map<String, List<String>> ALLOWED = Map.of(
            "lvs-api", List.of(),
            "lvs-scheduler", List.of("lvs-api"),
            "lvs-health", List.of("lvs-api"),
            "lvs-forward", List.of("lvs-api", "lvs-scheduler"),
            "lvs-failover", List.of("lvs-api"),
            "lvs-failover-zookeeper", List.of("lvs-api"),
            "lvs-micrometer", List.of("lvs-api", "lvs-forward"),
            "lvs-keepalived", List.of("lvs-api", "lvs-scheduler", "lvs-health", "lvs-forward", "lvs-failover",
                    "lvs-micrometer"),
            "lvs-examples", List.of("lvs-api", "lvs-scheduler", "lvs-health", "lvs-forward", "lvs-failover",
                    "lvs-failover-zookeeper", "lvs-micrometer", "lvs-keepalived"),
            "jmh", List.of("lvs-api", "lvs-scheduler", "lvs-health", "lvs-forward", "lvs-failover",
                    "lvs-failover-zookeeper"));

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lvs4j");
    }

    static Stream<Arguments> forbiddenPairs() {
        return MODULES.keySet().stream().sorted().flatMap(from -> MODULES.keySet().stream().sorted()
                .filter(to -> !to.equals(from) && !ALLOWED.get(from).contains(to))
                .map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} does not depend on {1}")
    @MethodSource("forbiddenPairs")
    void moduleDoesNotDependOnForbiddenModule(String from, String to) {
        noClasses().that(MODULES.get(from)).should().dependOnClassesThat(MODULES.get(to))
                .because("docs/architecture.md forbids " + from + " -> " + to)
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void apiDependsOnTheJdkAndJSpecifyOnly() {
        classes().that(MODULES.get("lvs-api")).should().onlyDependOnClassesThat(
                        resideInAPackage("java..").or(resideInAPackage("org.jspecify.."))
                                .or(resideInAPackage("io.lvs4j.api..")))
                .check(classes);
    }

    @Test
    void noModuleUsesAnotherModulesInternals() {
        for (Map.Entry<String, DescribedPredicate<JavaClass>> module : MODULES.entrySet()) {
            if (module.getKey().equals("lvs-api")) {
                continue; // its internal package is the engine's accessor for the library modules: the next rule
            }
            DescribedPredicate<JavaClass> internalOfModule = module.getValue().and(resideInAPackage("..internal.."));
            ArchRule rule = noClasses().that(not(module.getValue())).should().dependOnClassesThat(internalOfModule)
                    .as("no class outside " + module.getKey() + " uses its internal packages")
                    .allowEmptyShould(true);
            rule.check(classes);
        }
    }

    /**
     * {@code io.lvs4j.api.internal} (the engine's writes to a {@code RealServer}: connection counters, ejection,
     * drain) is for lvs4j's library modules only: the commands, the demo and the example directors use what an
     * application sees, so they cannot corrupt the counters either.
     */
    @Test
    void onlyTheLibraryModulesUseTheEnginesAccessToLvsApi() {
        noClasses().that(MODULES.get("lvs-examples")).should()
                .dependOnClassesThat(resideInAPackage("io.lvs4j.api.internal.."))
                .because("io.lvs4j.api.internal is the engine's, not an application's (docs/architecture.md)")
                .check(classes);
    }

    /** Guards against a rule passing on an empty import. The jmh module builds after this one and is not visible. */
    @Test
    void everyModuleHasClasses() {
        for (Map.Entry<String, DescribedPredicate<JavaClass>> module : MODULES.entrySet()) {
            if (module.getKey().equals("jmh")) {
                continue;
            }
            assertThat(classes.that(module.getValue()))
                    .as("classes of %s on the test class path", module.getKey())
                    .isNotEmpty();
        }
    }
}
