package io.ferry.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure, checked: a cycle, an upward dependency or a service reaching past the engine's use
 * cases fails the build. See docs/architecture.md for the picture these rules keep true.
 */
class ArchitectureTest {
    private static final String CORE = "io.ferry.core";
    /** Modules that drive the engine: they may use its use cases (engine/) and the values those exchange. */
    private static final String[] ENGINE_USERS = {"io.ferry.cli..", "io.ferry.checkpointing..", "io.ferry.restoring..",
            "io.ferry.imageservice..", "io.ferry.spring.host.."};
    /** Bottom packages every layer (and every user of the engine) may use: errors, JSON, OCI types, the host's id. */
    private static final Set<String> SHARED = Set.of(CORE + ".error", CORE + ".json", CORE + ".oci", CORE + ".host");
    /**
     * The container lifecycle use cases (run, ps, stop, rm, logs) live beside the container store, since the
     * restore preflight shares their name check; the engine hands them out as {@code FerryEngine.containers()}.
     */
    private static final Set<String> USE_CASES_BELOW_ENGINE = Set.of(CORE + ".container.Containers",
            // issue 12: the network use cases (network create/ls/inspect/rm, what the heartbeat reports), handed out
            // as FerryEngine.networks()
            CORE + ".network.ContainerNetworking");
    /** Handles a use case returns on work that goes on after it (post-copy's page server and page fetching). */
    private static final Set<String> RETURNED_HANDLES = Set.of(CORE + ".checkpoint.PageServing",
            CORE + ".checkpoint.PageFetching");

    /**
     * Run by the build, not by users: GenerateDocs writes the man pages, StartupTraining exercises the
     * engine's code paths (tar, extraction) to record the CLI's class-data-sharing archive.
     */
    private static final DescribedPredicate<JavaClass> BUILD_TOOLS = DescribedPredicate.describe(
            "build-time tools of the CLI", c -> Set.of("io.ferry.cli.GenerateDocs", "io.ferry.cli.StartupTraining")
                    .contains(c.getName()));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ferry");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        for (String pkg : new String[]{"io.ferry.protocol", CORE + ".engine", "io.ferry.cli", "io.ferry.checkpointing",
                "io.ferry.restoring", "io.ferry.imageservice", "io.ferry.registry", "io.ferry.gateway",
                "io.ferry.spring.host", "io.ferry.spring.kafka"}) {
            assertThat(classes.containPackage(pkg)).as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void coreHasNoPackageCycle() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void coreDependenciesPointDownItsLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Use cases").definedBy(CORE + ".engine..")
                .layer("Checkpoint and restore").definedBy(CORE + ".checkpoint..", CORE + ".checkpointimage..")
                .layer("Archive format").definedBy(CORE + ".archive..")
                .layer("Containers").definedBy(CORE + ".container..")
                .layer("Host parts").definedBy(CORE + ".image..", CORE + ".volume..", CORE + ".network..",
                        CORE + ".runtime..")
                .layer("Formats and tools").definedBy(CORE + ".registry..", CORE + ".criu..", CORE + ".tar..")
                .layer("Base").definedBy(CORE + ".os..", CORE + ".exec..", CORE + ".error..", CORE + ".json..",
                        CORE + ".oci..", CORE + ".host..")
                .whereLayer("Use cases").mayNotBeAccessedByAnyLayer()
                .whereLayer("Checkpoint and restore").mayOnlyBeAccessedByLayers("Use cases")
                .whereLayer("Archive format").mayOnlyBeAccessedByLayers("Checkpoint and restore", "Use cases")
                .whereLayer("Containers").mayOnlyBeAccessedByLayers("Archive format", "Checkpoint and restore",
                        "Use cases")
                .whereLayer("Host parts").mayOnlyBeAccessedByLayers("Containers", "Archive format",
                        "Checkpoint and restore", "Use cases")
                .whereLayer("Formats and tools").mayOnlyBeAccessedByLayers("Host parts", "Containers",
                        "Archive format", "Checkpoint and restore", "Use cases")
                .check(classes);
    }

    /**
     * The CLI and the services call the engine's use cases and read the values they return (records,
     * enums, errors); they never wire or call the parts below (stores, runtime, CRIU, registry client).
     */
    @Test
    void servicesUseTheEngineNotItsParts() {
        noClasses().that().resideInAnyPackage(ENGINE_USERS).and(not(BUILD_TOOLS))
                .should().dependOnClassesThat(partBelowTheEngine())
                .check(classes);
    }

    @Test
    void theContractDependsOnNothingOfTheEngine() {
        noClasses().that().resideInAPackage("io.ferry.protocol..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.ferry.protocol..", "java..",
                        "tools.jackson..", "com.fasterxml.jackson.annotation..")
                .check(classes);
    }

    @Test
    void theGatewayAndTheSharedSpringPartsSpeakOnlyTheProtocol() {
        noClasses().that().resideInAnyPackage("io.ferry.gateway..", "io.ferry.spring", "io.ferry.spring.kafka..",
                        "io.ferry.spring.postgres..")
                .should().dependOnClassesThat().resideInAPackage(CORE + "..")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> partBelowTheEngine() {
        return DescribedPredicate.describe("a part of ferry-core below its use cases", c -> {
            String pkg = c.getPackageName();
            if (!pkg.startsWith(CORE + ".") || pkg.startsWith(CORE + ".engine") || SHARED.contains(pkg)) {
                return false;
            }
            JavaClass top = c;
            while (top.getEnclosingClass().isPresent()) {
                top = top.getEnclosingClass().get();
            }
            if (USE_CASES_BELOW_ENGINE.contains(top.getName())) {
                return false;
            }
            return !isValue(c);
        });
    }

    /** What use cases take and return: records, enums, exceptions, the callbacks they accept, the handles they return. */
    private static boolean isValue(JavaClass c) {
        return c.isRecord() || c.isEnum() || c.isAssignableTo(Throwable.class)
                || (c.isInterface() && (c.getName().endsWith("Progress") || RETURNED_HANDLES.contains(c.getName())));
    }
}
