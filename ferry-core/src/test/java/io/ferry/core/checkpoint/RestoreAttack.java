package io.ferry.core.checkpoint;

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

import static org.assertj.core.api.Assertions.assertThat;

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

    @AfterEach
    final void theTargetHoldsNothingOfTheAttack() {
        assertThat(target.leftoverContainerDirs()).isEmpty();
        assertThat(target.leftoverNetns()).isEmpty();
        assertThat(target.leftoverMounts()).isEmpty();
        assertThat(target.runcContainers()).isEmpty();
    }
}
