package io.ferry.core.container;

import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spec.dump against this host's template, without runc: what passes, and the message for what does not. */
class ArchivedSpecsTest {
    private static final ContainerConfig CONFIG = new ContainerConfig("a".repeat(64), "looper", "busybox",
            "b".repeat(64), List.of("sh", "-c", "sleep 1"), List.of(new VolumeMount("data", "/data", false),
            new VolumeMount("conf", "/etc/app", true)), Instant.EPOCH);

    /** spec.dump as the source host wrote it: its own paths everywhere. */
    private static ObjectNode sourceSpec() {
        return OciSpecs.create(CONFIG, Path.of("/var/lib/ferry/a/containers/x/rootfs"), Path.of("/var/run/netns/ferry-a-x"),
                "/ferry/a/x", Map.of("data", Path.of("/var/lib/ferry/a/volumes/data/_data"),
                        "conf", Path.of("/var/lib/ferry/a/volumes/conf/_data")));
    }

    private static void assertRefused(Consumer<ObjectNode> change, String message) {
        ObjectNode spec = sourceSpec();
        change.accept(spec);
        assertThatThrownBy(() -> ArchivedSpecs.check(spec, CONFIG))
                .isInstanceOf(InvalidArchiveException.class).hasMessage(message);
    }

    @Test
    void aSpecFerryWroteOnAnotherHostPassesAndKeepsItsHostname() {
        ObjectNode spec = sourceSpec();
        spec.put("hostname", "old-name");
        assertThat(ArchivedSpecs.check(spec, CONFIG)).isEqualTo("old-name");
    }

    @Test
    void aContainerOnANetworkHasItsHostsAndResolvConfAfterItsVolumesFromAnyHostPath() {
        ContainerConfig onNet = CONFIG.withNetwork(new io.ferry.core.network.NetworkRequest("web", null, null, List.of()));
        ObjectNode spec = OciSpecs.create(onNet, "web1", Path.of("/var/lib/ferry/a/containers/x/rootfs"),
                Path.of("/var/run/netns/ferry-a-x"), "/ferry/a/x", Map.of("data", Path.of("/d"), "conf", Path.of("/c")),
                Path.of("/var/lib/ferry/a/containers/x"));
        assertThat(spec.get("mounts").get(9).get("destination").asString()).isEqualTo("/etc/hosts");
        assertThat(spec.get("mounts").get(9).get("source").asString()).isEqualTo("/var/lib/ferry/a/containers/x/hosts");
        assertThat(spec.get("mounts").get(10).get("destination").asString()).isEqualTo("/etc/resolv.conf");
        assertThat(ArchivedSpecs.check(spec, onNet)).isEqualTo("web1");

        ((ObjectNode) spec.get("mounts").get(10)).put("destination", "/etc/shadow");
        assertThatThrownBy(() -> ArchivedSpecs.check(spec, onNet)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("spec.dump: \"mounts[10].destination\" is \"/etc/shadow\"; this host allows only \"/etc/resolv.conf\"");
        assertThatThrownBy(() -> ArchivedSpecs.check(sourceSpec(), onNet)).as("a spec without them")
                .isInstanceOf(InvalidArchiveException.class).hasMessageStartingWith("spec.dump: \"mounts[9]\" is missing");
        ObjectNode withFiles = OciSpecs.create(onNet, "web1", Path.of("/r"), Path.of("/n"), "/c",
                Map.of("data", Path.of("/d"), "conf", Path.of("/c")), Path.of("/x"));
        assertThatThrownBy(() -> ArchivedSpecs.check(withFiles, CONFIG)).as("a loopback-only container has none")
                .isInstanceOf(InvalidArchiveException.class).hasMessage("spec.dump: \"mounts[9]\" is not allowed in a checkpoint");
    }

    @Test
    void eachAdditionOrChangeIsNamedByItsField() {
        assertRefused(s -> s.putObject("hooks"), "spec.dump: \"hooks\" is not allowed in a checkpoint");
        assertRefused(s -> ((ArrayNode) s.get("mounts")).addObject().put("destination", "/x"),
                "spec.dump: \"mounts[9]\" is not allowed in a checkpoint");
        assertRefused(s -> ((ObjectNode) s.get("mounts").get(7)).put("destination", "/proc"),
                "spec.dump: \"mounts[7].destination\" is \"/proc\"; this host allows only \"/data\"");
        assertRefused(s -> ((ArrayNode) s.get("mounts").get(8).get("options")).set(1, "rw"),
                "spec.dump: \"mounts[8].options[1]\" is \"rw\"; this host allows only \"ro\"");
        assertRefused(s -> ((ObjectNode) s.get("linux").get("namespaces").get(1)).put("path", "/proc/1/ns/ipc"),
                "spec.dump: \"linux.namespaces[1].path\" is not allowed in a checkpoint");
        assertRefused(s -> ((ArrayNode) s.get("linux").get("namespaces")).addObject().put("type", "user"),
                "spec.dump: \"linux.namespaces[5]\" is not allowed in a checkpoint");
        assertRefused(s -> ((ArrayNode) s.get("linux").get("readonlyPaths")).remove(0),
                "spec.dump: \"linux.readonlyPaths[0]\" is \"/proc/fs\"; this host allows only \"/proc/bus\"");
        assertRefused(s -> ((ObjectNode) s.get("process")).putArray("rlimits"),
                "spec.dump: \"process.rlimits[0]\" is missing; this host's containers have it");
        assertRefused(s -> ((ObjectNode) s.get("process").get("capabilities")).putArray("inheritable").add("CAP_SYS_ADMIN"),
                "spec.dump: \"process.capabilities.inheritable\" is not allowed in a checkpoint");
        assertRefused(s -> ((ObjectNode) s.get("linux")).putArray("uidMappings"),
                "spec.dump: \"linux.uidMappings\" is not allowed in a checkpoint");
        assertRefused(s -> ((ObjectNode) s.get("linux")).putObject("seccomp"),
                "spec.dump: \"linux.seccomp\" is not allowed in a checkpoint");
    }

    @Test
    void hostSpecificValuesMustStillBeStrings() {
        assertRefused(s -> ((ObjectNode) s.get("root")).putObject("path"),
                "spec.dump: \"root.path\" is {}; this host allows a string");
        assertRefused(s -> ((ObjectNode) s.get("mounts").get(7)).put("source", 1),
                "spec.dump: \"mounts[7].source\" is 1; this host allows a string");
    }

    @Test
    void missingPartsAndOddHostnamesAreRefused() {
        assertRefused(s -> s.remove("root"), "spec.dump: \"root\" is missing; this host's containers have it");
        assertRefused(s -> s.remove("linux"), "spec.dump: \"linux\" is missing; this host's containers have it");
        assertRefused(s -> s.put("linux", "x"), "spec.dump: \"linux\" is \"x\"; this host allows an object");
        assertRefused(s -> s.put("hostname", "a\nb"), "spec.dump: \"hostname\" is \"a\\nb\"; a host name of 1 to 64"
                + " letters, digits, '_', '.' and '-' is required");
        assertThatThrownBy(() -> ArchivedSpecs.check(tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode(), CONFIG))
                .hasMessage("spec.dump is not a valid OCI runtime spec: it is not a JSON object");
    }

    @Test
    void volumeDestinationsFromConfigDumpAreChecked() {
        for (String bad : List.of("/", "//", "/.", "relative", "/a/../..", "/a\n")) {
            ContainerConfig config = new ContainerConfig(CONFIG.id(), CONFIG.name(), CONFIG.image(), CONFIG.imageId(),
                    CONFIG.command(), List.of(new VolumeMount("data", bad, false)), CONFIG.created());
            assertThatThrownBy(() -> ArchivedSpecs.check(sourceSpec(), config))
                    .isInstanceOf(InvalidArchiveException.class)
                    .hasMessageStartingWith("config.dump: \"container.volumes[0].destination\" is ");
        }
    }
}
