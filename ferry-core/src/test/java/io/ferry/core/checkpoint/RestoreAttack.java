package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the attacks on a restore share: a looper checkpointed on a source host (real runc and CRIU),
 * a target host that restores the crafted copies of its archive, and after each attack the check
 * that the target holds nothing of it (no container directory, mount, netns or runc container).
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RestoreAttack {
    private final String hosts;
    protected TestHost source;
    protected TestHost target;
    protected Path dir;
    protected Path archive;

    /** {@code hosts}: a short prefix for the two test hosts' ids. */
    protected RestoreAttack(String hosts) {
        this.hosts = hosts;
    }

    @BeforeAll
    final void checkpointALooper() throws IOException {
        source = TestHost.create(hosts);
        dir = Files.createTempDirectory("ferry-" + hosts);
        archive = source.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        target = TestHost.create(hosts + "t");
    }

    @AfterAll
    final void removeHosts() {
        try {
            source.close();
            target.close();
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    /** What a restored init got, for the failure message of an attack that went through. */
    protected interface InitView {
        String of(long initPid) throws IOException;
    }

    /**
     * Restores {@code bad} under a fresh name and expects an InvalidArchiveException containing
     * {@code message} and each of {@code more}. An attack that gets through fails the test with what
     * its init got ({@code view}), after the restored container is removed.
     */
    protected final void assertRefusedOrShow(Path bad, InitView view, String message, String... more) {
        String name = "evil-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults().named(name));
        } catch (InvalidArchiveException e) {
            assertThat(e).hasMessageContaining(message);
            for (String m : more) {
                assertThat(e).hasMessageContaining(m);
            }
            return;
        } catch (RuntimeException e) {
            fail("expected InvalidArchiveException containing \"" + message + "\" but got " + e, e);
        }
        String seen;
        try {
            seen = view.of(initPid(name));
        } catch (IOException | RuntimeException e) {
            seen = "unknown (" + e + ")";
        } finally {
            target.engine().containers().remove(name, true);
        }
        fail("the hostile archive was restored, its init " + seen + "; expected a refusal containing \""
                + message + "\"");
    }

    /** The host pid of a restored container's init, as runc recorded it. */
    protected final long initPid(String name) {
        String id = target.engine().containers().store().get(name).id();
        return Json.readTree(target.host().runcRoot().resolve(id).resolve("state.json")).get("init_process_pid").asLong();
    }

    @AfterEach
    final void theTargetHoldsNothingOfTheAttack() {
        assertThat(target.leftoverContainerDirs()).isEmpty();
        assertThat(target.leftoverNetns()).isEmpty();
        assertThat(target.leftoverMounts()).isEmpty();
        assertThat(target.runcContainers()).isEmpty();
    }
}
