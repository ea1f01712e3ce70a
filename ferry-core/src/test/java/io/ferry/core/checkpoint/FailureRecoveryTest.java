package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failures midway never lose the container and never leave half-created state behind. */
@Tag("host")
class FailureRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    @Test
    void restoreFailingInsideCriuRemovesWhatItCreatedAndReportsCriusErrors() {
        TestHost a = hosts.create("midway", EngineSettings.defaults());
        TestHost b = hosts.create("midwayb", EngineSettings.defaults());
        a.run("writer", "echo x > /data/x; " + TestHost.LOOPER, "data:/data");
        a.log("writer").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("writer.tar.zst");
        a.engine().checkpoint("writer", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        // a memory image missing: every check passes, CRIU fails while restoring memory
        Path broken = new ArchiveRewriter().remove("checkpoint/pages-1.img").writeTo(archive, tmp.resolve("broken.tar.zst"));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(broken), RestoreOptions.defaults()))
                .isInstanceOf(ToolFailedException.class)
                .hasMessageStartingWith("restoring container " + a.engine().containers().store().get("writer").id() + " failed")
                .hasMessageContaining("Error (criu/");

        assertThat(b.leftoverContainerDirs()).as("container directory").isEmpty();
        assertThat(b.leftoverNetns()).as("network namespace").isEmpty();
        assertThat(b.leftoverMounts()).as("overlay mount").isEmpty();
        assertThat(b.runcContainers()).as("runc state").isEmpty();
        assertThat(b.engine().volumes().exists("data")).as("the volume the restore created").isFalse();
        assertThat(b.engine().containers().list(true)).isEmpty();

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()); // the intact archive still works
        b.log("writer").awaitNumberAtLeast(a.log("writer").last() + 2, WAIT);
    }

    @Test
    void aHangingRestoreIsKilledAndLeavesNothingBehind() {
        TestHost a = hosts.create("rhang", EngineSettings.defaults());
        TestHost b = hosts.create("rhangb", EngineSettings.defaults().withRestoreTimeout(Duration.ofSeconds(5)));
        Path archive = a.checkpointLooper(tmp.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        // memory pages cut short: CRIU 4.2 hangs restoring them instead of failing
        Path truncated = new ArchiveRewriter().change("checkpoint/pages-1.img", p -> Arrays.copyOf(p, p.length / 3))
                .writeTo(archive, tmp.resolve("truncated.tar.zst"));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(truncated), RestoreOptions.defaults()))
                .isInstanceOf(ToolFailedException.class)
                .hasMessageContaining("did not finish within 5s");

        assertThat(b.leftoverContainerDirs()).isEmpty();
        assertThat(b.leftoverNetns()).isEmpty();
        assertThat(b.leftoverMounts()).isEmpty();
        assertThat(b.runcContainers()).isEmpty();
    }

    @Test
    void aHangingCheckpointIsKilledAndTheContainerRunsOn() {
        TestHost a = hosts.create("hang", EngineSettings.defaults().withCheckpointTimeout(Duration.ofSeconds(4)));
        // CRIU blocks on a SIGSTOPped task while runc holds the cgroup frozen. A task stopped before the checkpoint
        // is refused at once (StoppedTasks, issue 13): this one is stopped once the checkpoint has passed that
        // check (its intent is written), while runc and CRIU start, so the dump meets it and hangs
        a.run("stopper", "sleep 1000 & " + TestHost.LOOPER);
        a.log("stopper").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("stopper.tar.zst");
        StopWhenCheckpointStarts stopper = StopWhenCheckpointStarts.start(a, "stopper", "1000");

        assertThatThrownBy(() -> a.engine().checkpoint("stopper", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result())
                .isInstanceOf(ToolFailedException.class)
                .hasMessageContaining("did not finish within 4s; CRIU was killed")
                .hasMessageContaining("the container was thawed and keeps running");

        assertThat(stopper.stopped()).as("the task was stopped during the checkpoint").isTrue();
        assertThat(a.running("stopper")).isTrue();
        int now = a.log("stopper").last();
        a.log("stopper").awaitNumberAtLeast(now + 2, WAIT);
        assertThat(archive).doesNotExist();
        assertThat(archive.resolveSibling(".stopper.tar.zst.part")).doesNotExist();
    }

    @Test
    void aFailedExportRestoresTheContainerInPlace() {
        TestHost a = hosts.create("export", EngineSettings.defaults());
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);

        assertThatThrownBy(() -> a.engine().checkpoint("looper", CheckpointOptions.defaults(), new ArchiveTarget.Stream(() -> {
            throw new IOException("registry unreachable");
        }), CheckpointProgress.NONE))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("registry unreachable")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .anyMatch(m -> m.contains("was restored from its checkpoint and keeps running")));

        assertThat(a.running("looper")).isTrue();
        int now = a.log("looper").last();
        List<Integer> n = a.log("looper").awaitNumberAtLeast(now + 2, WAIT).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter after the in-place restore: %s", n).isEqualTo(i);
        }
    }
}
