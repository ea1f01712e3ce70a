package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.exec.Commands;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.Mounts;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * config.dump's identifiers are untrusted: a container id that is a path must not reach a host file,
 * a host mount, another cgroup or another container's network namespace; short ids, control
 * characters and huge names are refused with exit 5 naming the field. Real runc and CRIU: the
 * archive is a real checkpoint, and the target host runs a bystander container the attacks aim at.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileIdentifiersTest {
    private static final Path CGROUP_PIDS = Path.of("/sys/fs/cgroup/pids");

    private TestHost source;
    private TestHost target;
    private Path dir;
    private Path archive;
    private ContainerRecord bystander;

    @BeforeAll
    void checkpointALooperAndRunABystander() throws IOException {
        source = TestHost.create("idsrc");
        dir = Files.createTempDirectory("ferry-ids");
        archive = source.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        target = TestHost.create("idtgt");
        bystander = target.runLooper("bystander"); // its cgroup and netns are what the crafted ids aim at
    }

    @AfterAll
    void cleanUp() {
        try {
            source.close();
            target.close();
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    private Path withContainer(String file, Consumer<ObjectNode> change) {
        return new ArchiveRewriter().change("config.dump", b -> {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(b);
            change.accept((ObjectNode) config.get("container"));
            return Json.bytes(config);
        }).writeTo(archive, dir.resolve(file));
    }

    private Path withId(String file, String id) {
        return withContainer(file, c -> c.put("id", id));
    }

    /** The restore's failure: the callers check the host first (what an attack would have harmed), then it. */
    private Throwable restore(Path bad) {
        return catchThrowable(() -> target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults()));
    }

    private void assertRefused(Throwable failure, String message) {
        assertThat(failure).isInstanceOf(InvalidArchiveException.class).hasMessageContaining(message);
        assertThat(target.engine().containers().list(true)).extracting(v -> v.record().name())
                .as("only the bystander is left").containsExactly("bystander");
    }

    private void assertRefused(Path bad, String message) {
        assertRefused(restore(bad), message);
    }

    private void assertBystanderUntouched() {
        assertThat(target.running("bystander")).isTrue();
        assertThat(Path.of("/var/run/netns", target.host().netnsName(bystander.id()))).exists();
    }

    @Test
    void aTraversalIdCannotUnmountOrDeleteAHostDirectory() throws IOException {
        // a directory beside the host's state root holding a file and a mount: what the id aims at
        Path victim = Files.createDirectories(TestHost.TESTS_ROOT.resolve("victim-" + UUID.randomUUID()));
        Path mount = Files.createDirectories(victim.resolve("mnt"));
        Files.writeString(victim.resolve("precious"), "keep me");
        Commands.check("mounting a tmpfs", List.of("mount", "-t", "tmpfs", "tmpfs", mount.toString()), Duration.ofSeconds(10));
        try {
            // "nonexistent/" makes the store's exists-check miss, while '..' normalized away reaches the victim
            String id = "nonexistent/../../../" + victim.getFileName();
            Throwable failure = restore(withId("dir.tar.zst", id));
            assertThat(Mounts.isMountPoint(mount)).as("the host mount is still mounted").isTrue();
            assertThat(victim.resolve("precious")).hasContent("keep me");
            assertBystanderUntouched();
            assertRefused(failure, "config.dump: invalid container.id \"nonexistent/../../../victim-");
        } finally {
            Commands.run(List.of("umount", mount.toString()), Duration.ofSeconds(10));
            FileTrees.deleteRecursively(victim);
        }
    }

    @Test
    void aTraversalIdCannotKillAnotherCgroupOrDeleteAHostFile() throws Exception {
        String name = "victim-" + UUID.randomUUID().toString().substring(0, 8);
        Path victimFile = Files.writeString(TestHost.TESTS_ROOT.resolve(name), "keep me");
        // a cgroup outside Ferry's (/ferry/<host>/<id>) with a live process in it
        Path victimCgroup = Files.createDirectories(CGROUP_PIDS.resolve(name));
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try {
            Files.writeString(victimCgroup.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            // from /sys/fs/cgroup/pids/ferry/<host>/ (the bystander made it) and from <root>/runc/ alike
            Throwable failure = restore(withId("cg.tar.zst", "../../" + name));
            assertThat(sleeper.isAlive()).as("the process in the other cgroup").isTrue();
            assertThat(victimCgroup).isDirectory();
            assertThat(victimFile).hasContent("keep me");
            assertBystanderUntouched();
            assertRefused(failure, "config.dump: invalid container.id \"../../" + name);
        } finally {
            sleeper.destroyForcibly().waitFor();
            victimCgroup.toFile().delete();
            Files.deleteIfExists(victimFile);
        }
    }

    @Test
    void anIdSharingAnotherContainersPrefixLeavesItsNetworkNamespaceAlone() {
        // a valid id, crafted to share the bystander's first 12 digits (a short netns name would collide)
        String id = bystander.id().substring(0, 12) + "f".repeat(52);
        Throwable failure = restore(withId("prefix.tar.zst", id));
        try {
            assertBystanderUntouched();
            assertThat(failure).as("a valid id restores").isNull();
            assertThat(target.running(id)).isTrue();
        } finally {
            if (target.engine().containers().store().find(id).isPresent()) {
                target.engine().containers().remove(id, true);
            }
        }
        assertBystanderUntouched();
    }

    @Test
    void aShortIdIsRefusedInsteadOfCrashing() {
        assertRefused(withId("short.tar.zst", "abc"),
                "config.dump: invalid container.id \"abc\": must be 64 lowercase hex digits");
        assertBystanderUntouched();
    }

    @Test
    void aNameWithControlCharactersIsRefused() {
        String forged = "web\n" + "0".repeat(12) + "   busybox   sh   1 second ago   running   root-shell\u001b[2K";
        assertRefused(withContainer("ctl.tar.zst", c -> c.put("name", forged).put("id", ContainerStore.newId())),
                "config.dump: invalid container.name \"web\\n000000000000");
        assertBystanderUntouched();
    }

    @Test
    void aHugeNameIsRefused() {
        assertRefused(withContainer("huge.tar.zst", c -> c.put("name", "n".repeat(5000)).put("id", ContainerStore.newId())),
                "config.dump: invalid container.name \"" + "n".repeat(80) + "\"…(5000 characters)");
    }

    @Test
    void volumeNamesAndDestinationsAreChecked() {
        assertRefused(withContainer("volname.tar.zst", c -> c.putArray("volumes").addObject()
                        .put("name", "../../../etc").put("destination", "/data").put("readOnly", false)),
                "config.dump: invalid container.volumes[0].name \"../../../etc\"");
        assertRefused(withContainer("voldest.tar.zst", c -> c.putArray("volumes").addObject()
                        .put("name", "data").put("destination", "/data/../../proc").put("readOnly", false)),
                "config.dump: invalid container.volumes[0].destination \"/data/../../proc\"");
    }
}
