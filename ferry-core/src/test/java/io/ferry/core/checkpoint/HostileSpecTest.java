package io.ferry.core.checkpoint;

import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.exec.Commands;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.CriuImageTamper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint is code: spec.dump and the CRIU images of a crafted archive try to get more than a
 * container of this host gets (hooks run on the host, host directories, devices, host namespaces,
 * capabilities). Each is refused before runc sees it, naming what was refused, and nothing ran.
 */
class HostileSpecTest extends RestoreAttack {
    /** Every capability this sandbox's root holds (it lacks CAP_SYS_RESOURCE: CRIU's capset fails on more). */
    private static final long ALL = 0xfeffffffL;
    private Path marker;
    private Path hostDir;

    HostileSpecTest() {
        super("spec");
    }

    @BeforeAll
    void placeTheAttacksTargets() throws IOException {
        marker = target.host().root().getParent().resolve("hook-ran-" + target.host().id());
        hostDir = Files.createDirectories(dir.resolve("host-secrets"));
        Files.writeString(hostDir.resolve("key"), "secret");
    }

    @AfterAll
    void cleanUp() throws IOException {
        Files.deleteIfExists(marker);
    }

    @AfterEach
    void nothingRanOnTheHost() throws IOException {
        assertThat(marker).as("a hook ran on the host").doesNotExist();
        assertThat(Files.readString(hostDir.resolve("key"))).isEqualTo("secret");
    }

    private Path withSpec(Consumer<ObjectNode> change) {
        return new ArchiveRewriter().change("spec.dump", bytes -> {
            ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(bytes);
            change.accept(spec);
            return Json.bytes(spec);
        }).writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
    }

    /** Restores under a fresh name; a restore that gets through is removed again before failing the test. */
    private void assertRefused(Path bad, String message, String... more) {
        assertRefusedOrShow(bad, pid -> "running", message, more);
    }

    private ObjectNode hook() {
        ObjectNode hook = Json.MAPPER.createObjectNode();
        hook.put("path", "/bin/sh");
        hook.putArray("args").add("sh").add("-c").add("touch " + marker);
        return hook;
    }

    @Test
    void theUntamperedArchiveStillRestoresWithItsHostname() {
        target.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy"));
        try {
            assertThat(target.running("copy")).isTrue();
            ObjectNode spec = Json.readTree(target.engine().containers().store()
                    .layout(target.engine().containers().store().get("copy").id()).spec());
            assertThat(spec.get("hostname").asString()).isEqualTo("looper");
            assertThat(spec.get("root").get("path").asString()).isEqualTo(target.rootfs("copy").toString());
        } finally {
            target.engine().containers().remove("copy", true);
        }
    }

    @Test
    void hooksAreRefusedAndNeverRun() {
        for (String stage : List.of("prestart", "createRuntime", "poststart", "poststop")) {
            Path bad = withSpec(spec -> spec.putObject("hooks").putArray(stage).add(hook()));
            assertRefused(bad, "spec.dump: \"hooks\" is not allowed in a checkpoint");
        }
    }

    @Test
    void bindMountsOfHostDirectoriesAreRefused() {
        Path extra = withSpec(spec -> {
            ObjectNode m = ((ArrayNode) spec.get("mounts")).addObject();
            m.put("destination", "/host");
            m.put("type", "bind");
            m.put("source", hostDir.toString());
            m.putArray("options").add("rbind").add("rw");
        });
        assertRefused(extra, "spec.dump: \"mounts[7]\" is not allowed in a checkpoint");

        Path replaced = withSpec(spec -> {
            ObjectNode shm = (ObjectNode) spec.get("mounts").get(3);
            shm.put("type", "bind");
            shm.put("source", hostDir.toString());
        });
        assertRefused(replaced, "spec.dump: \"mounts[3].type\" is \"bind\"; this host allows only \"tmpfs\"");
    }

    @Test
    void devicesAreRefused() {
        Path node = withSpec(spec -> {
            ObjectNode d = ((ObjectNode) spec.get("linux")).putArray("devices").addObject();
            d.put("path", "/dev/sda");
            d.put("type", "b");
            d.put("major", 8);
            d.put("minor", 0);
        });
        assertRefused(node, "spec.dump: \"linux.devices\" is not allowed in a checkpoint");

        Path rule = withSpec(spec -> ((ArrayNode) spec.get("linux").get("resources").get("devices")).addObject()
                .put("allow", true).put("access", "rwm"));
        assertRefused(rule, "spec.dump: \"linux.resources.devices[1]\" is not allowed in a checkpoint");
    }

    @Test
    void namespacesOfTheHostAreRefused() {
        Path hostPid = withSpec(spec -> ((ObjectNode) spec.get("linux").get("namespaces").get(0))
                .put("path", "/proc/1/ns/pid"));
        assertRefused(hostPid, "spec.dump: \"linux.namespaces[0].path\" is not allowed in a checkpoint");

        Path noMountNs = withSpec(spec -> ((ArrayNode) spec.get("linux").get("namespaces")).remove(3));
        assertRefused(noMountNs, "spec.dump: \"linux.namespaces[3].type\" is \"network\"; this host allows only \"mount\"");
    }

    @Test
    void capabilitiesBeyondTheTemplateAreRefused() {
        Path bad = withSpec(spec -> {
            ObjectNode caps = (ObjectNode) spec.get("process").get("capabilities");
            for (String set : List.of("bounding", "effective", "permitted")) {
                ((ArrayNode) caps.get(set)).add("CAP_SYS_ADMIN");
            }
        });
        assertRefused(bad, "spec.dump: \"process.capabilities.bounding[12]\" is not allowed in a checkpoint");
    }

    @Test
    void weakenedConfinementIsRefused() {
        assertRefused(withSpec(spec -> ((ObjectNode) spec.get("process")).put("noNewPrivileges", false)),
                "spec.dump: \"process.noNewPrivileges\" is false");
        assertRefused(withSpec(spec -> ((ObjectNode) spec.get("linux")).remove("maskedPaths")),
                "spec.dump: \"linux.maskedPaths\" is missing");
        assertRefused(withSpec(spec -> ((ObjectNode) spec.get("process")).put("apparmorProfile", "unconfined")),
                "spec.dump: \"process.apparmorProfile\" is not allowed in a checkpoint");
        assertRefused(withSpec(spec -> ((ObjectNode) spec.get("linux")).putObject("sysctl").put("kernel.core_pattern", "|/tmp/x")),
                "spec.dump: \"linux.sysctl\" is not allowed in a checkpoint");
        assertRefused(withSpec(spec -> ((ObjectNode) spec.get("process").get("user")).put("uid", 1000)),
                "spec.dump: \"process.user.uid\" is 1000");
    }

    @Test
    void aSpecWithoutRootOrLinuxIsRefusedClearly() {
        assertRefused(withSpec(spec -> spec.remove("root")), "spec.dump: \"root\" is missing");
        assertRefused(withSpec(spec -> spec.remove("linux")), "spec.dump: \"linux\" is missing");
        Path notAnObject = new ArchiveRewriter().change("spec.dump", b -> "[1,2]".getBytes())
                .writeTo(archive, dir.resolve("array.tar.zst"));
        assertRefused(notAnObject, "spec.dump is not a valid OCI runtime spec");
    }

    @Test
    void tasksClaimingCapabilitiesBeyondTheTemplateAreRefused() {
        // CoreEntry.thread_core (5) -> ThreadCoreEntry.creds (10) -> cap_eff (11) / cap_bnd (12): every bit set
        assertRefused(withCoreOfInit(new int[]{5, 10, 11}), "checkpoint/core-1.img: task 1 (sh) claims ",
                "CAP_SYS_ADMIN", "in its effective set, beyond what this host gives a container");
        assertRefused(withCoreOfInit(new int[]{5, 10, 12}), "checkpoint/core-1.img: task 1 (sh) claims ",
                "CAP_SYS_ADMIN", "in its bounding set, beyond what this host gives a container");
    }

    @Test
    void aTaskCannotHideFromTheCredentialsCheckBehindADuplicateField() {
        // CoreEntry.tc (3) twice: the first (its required fields only) claims TASK_DEAD (2), CRIU merges both
        // and the second (alive) wins; behind it every capability in the thread's creds
        Path hidden = new ArchiveRewriter().change("checkpoint/core-1.img", img -> CriuImageTamper.duplicate(
                        CriuImageTamper.setAll(CriuImageTamper.setAll(CriuImageTamper.setAll(img,
                                new int[]{5, 10, 10}, ALL), new int[]{5, 10, 11}, ALL),
                                new int[]{5, 10, 12}, ALL),
                        new int[]{3}, 6, true, new int[]{1}, 2))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        assertRefusedOrShowCapabilities(hidden, "checkpoint/core-1.img: field 3 occurs 2 times");

        // ThreadCoreEntry.creds (10) twice: CRIU takes no_new_privs (18) from the later copy, which drops it
        Path nnp = new ArchiveRewriter().change("checkpoint/core-1.img", img -> CriuImageTamper.duplicate(img,
                        new int[]{5, 10}, 19, false, new int[]{18}, 0))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        assertRefusedOrShowCapabilities(nnp, "checkpoint/core-1.img: field 10 occurs 2 times");
    }

    @Test
    void theMountsInTheImagesCannotUndoReadOnlyOrMaskedPaths() {
        // MntEntry: fstype 1, flags 5 (MS_RDONLY = 1), mountpoint 7. A writable /proc/sys lets the
        // container's root write kernel.core_pattern, a program the host's kernel runs as root
        Path writable = withMounts(entries -> entries.stream().map(e -> isMountAt(e, "/proc/sys")
                ? CriuImageTamper.withVarint(e, new int[]{5}, ProtoMessage.parse(e).uint(5, 0) & ~1L) : e).toList());
        assertRefusedOrShowMount(writable, "/proc/sys", "the mount at \"/proc/sys\" is writable;"
                + " this host mounts it read-only");

        Path uncovered = withMounts(entries -> entries.stream().filter(e -> !isMountAt(e, "/proc/sys")).toList());
        assertRefusedOrShowMount(uncovered, "/proc/sys", "the checkpoint's mounts leave /proc/sys uncovered");

        // binfmt_misc (CRIU's fstype 4) instead of the tmpfs masking /proc/acpi: a host-wide interpreter table
        Path binfmt = withMounts(entries -> entries.stream().map(e -> isMountAt(e, "/proc/acpi")
                ? CriuImageTamper.withVarint(e, new int[]{1}, 4) : e).toList());
        assertRefused(binfmt, "the mount at \"/proc/acpi\" has filesystem type 4, which this host does not mount there");
    }

    @Test
    void aMountCannotBindAHostDirectoryThroughDotDotInItsRoot() {
        // /dev/shm as a bind of the container's /dev tmpfs (same device, source and options), its root
        // climbing out of CRIU's mount yard to a host directory
        Path escape = withMounts(entries -> {
            ProtoMessage dev = entries.stream().filter(e -> isMountAt(e, "/dev")).map(ProtoMessage::parse)
                    .findFirst().orElseThrow();
            return entries.stream().map(e -> isMountAt(e, "/dev/shm") ? CriuImageTamper.withFields(e, Map.of(
                    3, dev.uint(3, 0), 8, dev.string(8), 9, dev.string(9),
                    6, "/..".repeat(20) + hostDir)) : e).toList();
        });
        assertRefusedOrShowMount(escape, "/dev/shm", "the mount at \"/dev/shm\" has root \"/../");
    }

    private static boolean isMountAt(byte[] entry, String mountpoint) {
        return mountpoint.equals(ProtoMessage.parse(entry).string(7));
    }

    private Path withMounts(java.util.function.UnaryOperator<List<byte[]>> change) {
        ArchiveRewriter rewriter = new ArchiveRewriter();
        try (var images = Files.newDirectoryStream(checkpointImages(), "mountpoints-*.img")) {
            for (Path image : images) {
                rewriter.change("checkpoint/" + image.getFileName(), img -> CriuImageTamper.entries(img, change));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return rewriter.writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
    }

    /** The archive's checkpoint/ directory, unpacked once. */
    private Path checkpointImages() throws IOException {
        Path unpacked = dir.resolve("unpacked");
        if (!Files.isDirectory(unpacked)) {
            Files.createDirectories(unpacked);
            Commands.check("unpacking the archive", List.of("sh", "-c", "zstd -dc '" + archive + "' | tar -x -C '"
                    + unpacked + "' checkpoint"), java.time.Duration.ofSeconds(30));
        }
        return unpacked.resolve("checkpoint");
    }

    /** As assertRefused; a restore that gets through fails naming how its init sees {@code mountpoint}. */
    private void assertRefusedOrShowMount(Path bad, String mountpoint, String message) {
        assertRefusedOrShow(bad, pid -> "seeing " + mountpoint + " as " + Files.readAllLines(Path.of("/proc/" + pid
                + "/mountinfo")).stream().filter(l -> l.split(" ")[4].equals(mountpoint)).toList(), message);
    }

    /** As assertRefused; a restore that gets through fails naming the restored init's capabilities and no_new_privs. */
    private void assertRefusedOrShowCapabilities(Path bad, String message) {
        assertRefusedOrShow(bad, pid -> "running with " + Files.readAllLines(Path.of("/proc/" + pid + "/status"))
                .stream().filter(l -> l.startsWith("Cap") || l.startsWith("NoNewPrivs")).toList(), message);
    }

    private Path withCoreOfInit(int[] field) {
        return new ArchiveRewriter().change("checkpoint/core-1.img", img -> CriuImageTamper.setAll(img, field, 0xffffffffL))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
    }
}
