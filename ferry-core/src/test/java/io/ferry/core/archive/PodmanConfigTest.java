package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.PodmanSpec;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.network.NetworkRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The libpod <-> Ferry config.dump translation, and what Ferry takes of a Podman spec.dump. */
class PodmanConfigTest {
    private static final String ID = "dd15a941712ccf74659328971e22b3a796f21514918146446646a3958c3ca856";
    private static final String IMAGE_ID = "d4b264c9a1594298d0f029e945e0fa4d4bade136d047b59cfe933474a858548c";

    /** The keys of a config.dump Podman 4.3.1 wrote here (podman run -d --name looper ... sh -c LOOP). */
    private static ObjectNode libpod() {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", ID).put("name", "looper").put("rootfsImageID", IMAGE_ID)
                .put("rootfsImageName", "localhost/busybox:test").put("createdTime", "2026-11-30T02:36:11.314439908Z")
                .put("runtime", "runc").put("createNetNS", false).put("ShmDir", "/var/lib/containers/x/userdata/shm");
        c.putArray("command").add("sh").add("-c").add("echo");
        ArrayNode args = c.putObject("spec").putObject("process").putArray("args");
        args.add("sh").add("-c").add("i=0; while true; do echo $i; done");
        return c;
    }

    private static CheckpointedContainer read(JsonNode config) {
        return CheckpointedContainer.read(new ByteArrayInputStream(Json.bytes(config)));
    }

    @Test
    void libpodConfigBecomesFerrysContainerWithTheCommandOfItsSpec() {
        ObjectNode c = libpod();
        c.putArray("namedVolumes").addObject().put("volumeName", "data").put("dest", "/data")
                .putArray("options").add("ro");
        c.putObject("newNetworks").putObject("podman");

        CheckpointedContainer read = read(c);

        assertThat(read.madeByPodman()).isTrue();
        ContainerConfig container = read.container();
        assertThat(container.id()).isEqualTo(ID);
        assertThat(container.name()).isEqualTo("looper");
        assertThat(container.image()).isEqualTo("localhost/busybox:test");
        assertThat(container.imageId()).isEqualTo(IMAGE_ID);
        assertThat(container.command()).containsExactly("sh", "-c", "i=0; while true; do echo $i; done");
        assertThat(container.volumes()).containsExactly(new VolumeMount("data", "/data", true));
        assertThat(container.created()).isEqualTo(Instant.parse("2026-11-30T02:36:11.314439908Z"));
        assertThat(read.podman().networks()).containsExactly("podman");
        assertThat(read.checkpoint().runtime()).isEqualTo("runc");
        assertThat(read.checkpoint().criuVersion()).as("libpod records no CRIU version").isNull();
    }

    @Test
    void hostileLibpodFieldsAreRefusedNamingTheField() {
        ObjectNode traversal = libpod();
        traversal.putArray("namedVolumes").addObject().put("volumeName", "../../etc").put("dest", "/data");
        assertThatThrownBy(() -> read(traversal)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("namedVolumes[0].volumeName");

        ObjectNode dest = libpod();
        dest.putArray("namedVolumes").addObject().put("volumeName", "data").put("dest", "/data/../../etc");
        assertThatThrownBy(() -> read(dest)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("namedVolumes[0].dest");

        ObjectNode manyArgs = libpod();
        ArrayNode args = ((ObjectNode) manyArgs.get("spec").get("process")).putArray("args");
        for (int i = 0; i <= PodmanConfig.MAX_ARGS; i++) {
            args.add("x");
        }
        assertThatThrownBy(() -> read(manyArgs)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("config.dump \"spec.process.args\" has 1025 arguments; 1 to 1024 are allowed");

        ObjectNode longArg = libpod();
        ((ObjectNode) longArg.get("spec").get("process")).putArray("args").add("sh")
                .add(String.join("", Collections.nCopies(PodmanConfig.MAX_COMMAND_CHARS, "y")));
        assertThatThrownBy(() -> read(longArg)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("\"spec.process.args\" is longer than 65536 characters");

        ObjectNode id = libpod().put("id", "../" + ID);
        assertThatThrownBy(() -> read(id)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("config.dump \"id\"");
        ObjectNode name = libpod().put("name", "a/b");
        assertThatThrownBy(() -> read(name)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("config.dump \"name\"");
        ObjectNode image = libpod().put("rootfsImageName", "busybox\n\u001b[2J");
        assertThatThrownBy(() -> read(image)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("config.dump \"rootfsImageName\"");
        ObjectNode runtime = libpod().put("runtime", "/usr/bin/evil");
        assertThatThrownBy(() -> read(runtime)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("config.dump \"runtime\"");
        ObjectNode created = libpod().put("createdTime", "yesterday");
        assertThatThrownBy(() -> read(created)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("config.dump \"createdTime\" is not a time");
    }

    @Test
    void ferrysConfigDumpIsASupersetPodmanReadsAndFerryReadsAsBefore() {
        ContainerConfig container = new ContainerConfig(ID, "looper", "busybox:latest", IMAGE_ID,
                List.of("sh", "-c", "echo"), List.of(), Instant.parse("2026-11-29T12:00:00Z"),
                new NetworkRequest("front", null, null, List.of()));
        CheckpointInfo info = new CheckpointInfo("runc", "1.1.5", "4.2.1", "host-a", "6.18", "amd64", "hybrid",
                Instant.parse("2026-11-29T12:01:00Z"), false, false, true, true);
        ObjectNode superset = PodmanConfig.superset(new CheckpointedContainer(container, info));

        assertThat(superset.get("id").asString()).isEqualTo(ID);
        assertThat(superset.get("name").asString()).isEqualTo("looper");
        assertThat(superset.get("rootfsImageName").asString()).isEqualTo("busybox:latest");
        assertThat(superset.get("rootfsImageID").asString()).isEqualTo(IMAGE_ID);
        assertThat(superset.get("runtime").asString()).as("libpod's WithOCIRuntime needs a name").isEqualTo("runc");
        assertThat(superset.get("createdTime").asString()).isEqualTo("2026-11-29T12:00:00Z");
        assertThat(superset.get("createNetNS").asBoolean()).isTrue();
        assertThat(superset.get("networkMode").asString()).isEqualTo("bridge");
        assertThat(superset.get("newNetworks").has("front")).isTrue();
        assertThat(superset.has("podman")).isFalse();

        CheckpointedContainer back = read(superset);
        assertThat(back.madeByPodman()).as("Ferry's keys win: it is Ferry's archive").isFalse();
        assertThat(back.container()).isEqualTo(container);
        assertThat(back.checkpoint()).isEqualTo(info);

        ObjectNode older = (ObjectNode) Json.MAPPER.valueToTree(new CheckpointedContainer(container, info));
        older.remove("podman"); // as earlier Ferry versions wrote it: no libpod keys
        assertThat(read(older).container()).isEqualTo(container);
        older.putObject("podman").putArray("networks").add("x"); // a claim of Podman origin is not taken from it
        assertThat(read(older).madeByPodman()).isFalse();
    }

    @Test
    void podmansSpecGivesItsBoundFilesAndNothingElse() {
        ContainerConfig container = read(libpod()).container();
        ObjectNode spec = podmanSpec(container.command());

        PodmanSpec taken = PodmanSpec.of(spec, container);
        assertThat(taken.hostname()).isEqualTo("dd15a941712c");
        assertThat(taken.binds()).containsExactly("/run/.containerenv", "/etc/hostname", "/etc/hosts", "/dev/shm");

        ObjectNode restoreSpec = taken.applyTo(io.ferry.core.container.ArchivedSpecs.templateFor(container), Path.of("/f"));
        List<String> shm = restoreSpec.get("mounts").valueStream()
                .filter(m -> m.get("destination").asString().equals("/dev/shm"))
                .map(m -> m.get("type").asString() + " " + m.get("source").asString()).toList();
        assertThat(shm).as("Podman's /dev/shm bind replaces the template's tmpfs").containsExactly("bind /f/shm");
        assertThat(restoreSpec.get("linux").get("maskedPaths").toString()).contains("/sys/dev/block");

        ObjectNode hostBind = podmanSpec(container.command());
        ((ArrayNode) hostBind.get("mounts")).addObject().put("destination", "/host").put("type", "bind").put("source", "/");
        assertThatThrownBy(() -> PodmanSpec.of(hostBind, container)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("spec.dump: \"mounts[5]\" at \"/host\" is not one Ferry can give");

        ObjectNode userns = podmanSpec(container.command());
        ((ArrayNode) userns.get("linux").get("namespaces")).addObject().put("type", "user");
        assertThatThrownBy(() -> PodmanSpec.of(userns, container)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("user namespace");

        ObjectNode masked = podmanSpec(container.command());
        ((ArrayNode) masked.get("linux").get("maskedPaths")).add("/etc");
        assertThatThrownBy(() -> PodmanSpec.of(masked, container)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("\"linux.maskedPaths[1]\" \"/etc\" is not under /proc or /sys");

        ObjectNode otherCommand = podmanSpec(List.of("sh"));
        assertThatThrownBy(() -> PodmanSpec.of(otherCommand, container)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("\"process.args\" differs");
    }

    @Test
    void aFerryCheckpointOfAContainerFromPodmanCarriesItsBindsAndNothingMore() {
        ContainerConfig container = read(libpod()).container();
        PodmanSpec taken = PodmanSpec.of(podmanSpec(container.command()), container);
        ObjectNode running = taken.applyTo(io.ferry.core.container.OciSpecs.create(container, "dd15a941712c",
                Path.of("/ferry/c/merged"), Path.of("/var/run/netns/x"), "/ferry/h/c", java.util.Map.of()), Path.of("/ferry/c/podman"));

        PodmanSpec carried = PodmanSpec.carried(running).orElseThrow();
        assertThat(carried.binds()).containsExactlyInAnyOrderElementsOf(taken.binds());
        assertThat(io.ferry.core.container.ArchivedSpecs.check(running, container, carried)).isEqualTo("dd15a941712c");
        assertThat(PodmanSpec.carried(io.ferry.core.container.ArchivedSpecs.templateFor(container)))
                .as("Ferry's own containers have no /run/.containerenv").isEmpty();

        ((ArrayNode) running.get("mounts")).addObject().put("destination", "/host").put("type", "bind").put("source", "/");
        assertThatThrownBy(() -> io.ferry.core.container.ArchivedSpecs.check(running, container, carried))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("is not allowed in a checkpoint");
    }

    /**
     * A container from Podman never has a network (a Podman archive on one is refused), so Podman's looser
     * rules (CAP_NET_RAW, CAP_MKNOD, no no_new_privs) never reach a network: an archive whose spec.dump
     * claims Podman's binds while config.dump puts it on a Ferry network is refused (raw sockets on a shared
     * bridge would spoof its neighbours).
     */
    @Test
    void aCheckpointClaimingPodmansBindsOnAFerryNetworkIsRefused() {
        ContainerConfig container = read(libpod()).container().withNetwork(new NetworkRequest("front", null, null, List.of()));
        PodmanSpec taken = PodmanSpec.of(podmanSpec(container.command()), container);
        ObjectNode running = taken.applyTo(io.ferry.core.container.OciSpecs.create(container, "dd15a941712c",
                Path.of("/ferry/c/merged"), Path.of("/var/run/netns/x"), "/ferry/h/c", java.util.Map.of()), Path.of("/ferry/c/podman"));
        PodmanSpec carried = PodmanSpec.carried(running).orElseThrow();

        assertThatThrownBy(() -> io.ferry.core.container.ArchivedSpecs.check(running, container, carried))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("Podman's bound files")
                .hasMessageContaining("network \"front\"");
    }

    /**
     * Podman makes /proc/asound read-only where Ferry masks it, and the restore follows (CRIU wants the mount it
     * dumped); a spec.dump that asks the same of another path Ferry masks (/proc/keys, /sys/firmware,
     * /proc/sched_debug: host information) is refused, not unmasked.
     */
    @Test
    void aReadOnlyPathOtherThanPodmansDefaultsDoesNotUnmaskWhatFerryMasks() {
        ContainerConfig container = read(libpod()).container();
        ObjectNode asound = podmanSpec(container.command());
        ObjectNode applied = PodmanSpec.of(asound, container).applyTo(
                io.ferry.core.container.ArchivedSpecs.templateFor(container), Path.of("/ferry/c/podman"));
        assertThat(applied.get("linux").get("readonlyPaths").toString()).contains("/proc/asound");

        for (String masked : List.of("/proc/keys", "/sys/firmware", "/proc/sched_debug", "/proc/kcore")) {
            ObjectNode unmask = podmanSpec(container.command());
            ((ArrayNode) unmask.get("linux").get("readonlyPaths")).add(masked);
            assertThatThrownBy(() -> PodmanSpec.of(unmask, container)).as(masked)
                    .isInstanceOf(InvalidArchiveException.class)
                    .hasMessageContaining("\"linux.readonlyPaths[1]\" \"" + masked + "\"");
        }
    }

    /** The parts of the spec.dump Podman 4.3.1 wrote here that Ferry reads. */
    private static ObjectNode podmanSpec(List<String> command) {
        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("hostname", "dd15a941712c");
        ArrayNode args = spec.putObject("process").putArray("args");
        command.forEach(args::add);
        ArrayNode mounts = spec.putArray("mounts");
        mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
        mounts.addObject().put("destination", "/run/.containerenv").put("type", "bind").put("source", "/u/.containerenv");
        mounts.addObject().put("destination", "/etc/hostname").put("type", "bind").put("source", "/u/hostname");
        mounts.addObject().put("destination", "/etc/hosts").put("type", "bind").put("source", "/u/hosts");
        mounts.addObject().put("destination", "/dev/shm").put("type", "bind").put("source", "/u/shm");
        ObjectNode linux = spec.putObject("linux");
        linux.putArray("namespaces").addObject().put("type", "network");
        linux.putArray("maskedPaths").add("/sys/dev/block");
        linux.putArray("readonlyPaths").add("/proc/asound");
        return spec;
    }
}
