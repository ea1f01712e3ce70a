package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerState;
import io.ferry.core.container.Orphan;
import io.ferry.core.container.Reconciliation;
import io.ferry.core.json.Json;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a killed process leaves on a host, made to agree with what really runs: a restored copy under
 * its RESTORING intent is adopted, a half-made one removed; what has no record is shown and removable;
 * a checkpoint kept for a rollback goes once it is not needed.
 */
@Tag("host")
class HostReconciliationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    /** B runs a copy of A's looper whose record says RESTORING: what a restore killed after the runtime leaves. */
    private ContainerRecord restoredButNotRecorded(TestHost a, TestHost b) {
        Path archive = a.checkpointLooper(tmp.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        ContainerRecord restored = b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().forMigration("m-1"))
                .container();
        ContainerRecord intent = ContainerRecord.restoring(restored.config(), restored.restoredFrom(), "m-1");
        Json.write(b.engine().containers().store().layout(restored.id()).record(), intent);
        return restored;
    }

    private static void awaitNotRunning(TestHost h, String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (h.engine().runtime().state(id).running()) {
            assertThat(System.nanoTime()).as("container %s to stop", id).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static boolean cgroupExists(TestHost h, String id) {
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            return controllers.anyMatch(c -> Files.isDirectory(c.resolve("ferry").resolve(h.host().id()).resolve(id)));
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertNothingLeftOf(TestHost h, String id) {
        assertThat(h.runcContainers()).as("runc state").doesNotContain(id);
        assertThat(h.leftoverContainerDirs()).as("container directory").doesNotContain(id);
        assertThat(h.leftoverNetns()).as("network namespace").isEmpty();
        assertThat(h.leftoverMounts()).as("overlay mount").isEmpty();
        assertThat(cgroupExists(h, id)).as("cgroup").isFalse();
    }

    @Test
    void aCopyRunningUnderARestoringIntentIsAdoptedAndCountsOn() {
        TestHost a = hosts.create("adopta");
        TestHost b = hosts.create("adoptb");
        ContainerRecord restored = restoredButNotRecorded(a, b);
        assertThat(b.engine().find("looper").orElseThrow().status()).isEqualTo("running");

        Reconciliation r = b.engine().reconcile();

        assertThat(r.adopted()).containsExactly("looper");
        assertThat(r.removed()).isEmpty();
        ContainerRecord now = b.engine().containers().get("looper");
        assertThat(now.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(now.migrationId()).isEqualTo("m-1");
        assertThat(b.engine().restoredBy("m-1").orElseThrow().running()).isTrue();
        assertThat(b.runcContainers()).containsExactly(restored.id());
        b.log("looper").awaitNumberAtLeast(a.log("looper").last() + 2, WAIT);
        assertThat(b.engine().reconcile().changedAnything()).as("a second reconciliation finds nothing to do").isFalse();
    }

    @Test
    void aHalfMadeCopyUnderARestoringIntentIsRemovedWithEverythingItOwns() {
        TestHost a = hosts.create("halfa");
        TestHost b = hosts.create("halfb");
        ContainerRecord restored = restoredButNotRecorded(a, b);
        b.engine().runtime().kill(restored.id(), "KILL"); // its runtime container stopped: never became a running copy
        awaitNotRunning(b, restored.id());

        Reconciliation r = b.engine().reconcile();

        assertThat(r.removed()).containsExactly(restored.id());
        assertThat(r.adopted()).isEmpty();
        assertThat(b.engine().containers().store().find("looper")).isEmpty();
        assertNothingLeftOf(b, restored.id());
    }

    @Test
    void aContainerWithoutARecordIsShownAsAnOrphanAndRmForceRemovesIt() throws IOException {
        TestHost h = hosts.create("orphan");
        ContainerRecord r = h.runLooper("looper");
        h.log("looper").awaitNumberAtLeast(1, WAIT);
        ContainerLayout layout = h.engine().containers().store().layout(r.id());
        Files.delete(layout.record()); // what a crash between the runtime and the record leaves

        assertThat(h.engine().containers().list(true)).isEmpty();
        List<Orphan> orphans = h.engine().containers().orphans();
        assertThat(orphans).extracting(Orphan::id, Orphan::runtimeStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple(r.id(), "running"));
        assertThat(h.engine().reconcile().orphans()).as("a running orphan is left for the user").hasSize(1);
        assertThatThrownBy(() -> h.engine().containers().remove(r.id(), false)).hasMessageContaining("use --force");

        assertThat(h.engine().containers().remove(r.id().substring(0, 12), true)).isEqualTo(r.id());

        assertThat(h.engine().containers().orphans()).isEmpty();
        assertNothingLeftOf(h, r.id());
    }

    @Test
    void aSuccessfulRollbackRemovesTheCheckpointKeptForIt() {
        TestHost h = hosts.create("rollback");
        h.checkpointLooper(tmp.resolve("looper.tar.zst"), CheckpointOptions.defaults().keepingLocalImages());
        ContainerLayout layout = h.engine().containers().store().layout(h.engine().containers().get("looper").id());
        assertThat(layout.hasCheckpointImages()).isTrue();

        assertThat(h.engine().rollback("looper", ArchiveSource.file(tmp.resolve("looper.tar.zst")))).isTrue();

        assertThat(h.running("looper")).isTrue();
        assertThat(layout.checkpointImages()).as("the CRIU images, once the rollback is done").doesNotExist();
        int now = h.log("looper").last();
        h.log("looper").awaitNumberAtLeast(now + 2, WAIT);
    }

    @Test
    void aFailedCheckpointThatLeavesTheContainerRunningKeepsNoImages() {
        TestHost h = hosts.create("failexp");
        ContainerRecord r = h.runLooper("looper");
        h.log("looper").awaitNumberAtLeast(1, WAIT);

        assertThatThrownBy(() -> h.engine().checkpoint("looper", CheckpointOptions.defaults().keepingLocalImages(),
                new ArchiveTarget.Stream(() -> {
                    throw new IOException("registry unreachable");
                }), CheckpointProgress.NONE)).hasMessageContaining("registry unreachable");

        assertThat(h.running("looper")).isTrue();
        assertThat(h.engine().containers().store().layout(r.id()).checkpointImages()).doesNotExist();
    }

    @Test
    void aCheckpointCutOffWhileTheContainerWasFrozenThawsItAndAPlainCheckpointGoesOn() {
        TestHost h = hosts.create("frozen");
        ContainerRecord r = h.runLooper("looper");
        h.log("looper").awaitNumberAtLeast(1, WAIT);
        ContainerLayout layout = h.engine().containers().store().layout(r.id());
        // what a checkpoint-service killed mid-dump leaves: its intent, and the container frozen
        Json.write(layout.checkpointIntent(), new io.ferry.core.checkpoint.CheckpointIntent(null, java.time.Instant.now(), false));
        h.engine().runtime().pause(r.id());

        h.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(), ArchiveTarget.file(tmp.resolve("l.tar")));

        assertThat(h.engine().runtime().state(r.id()).status()).isEqualTo("running");
        assertThat(layout.checkpointIntent()).doesNotExist();
        int now = h.log("looper").last();
        h.log("looper").awaitNumberAtLeast(now + 2, WAIT);
    }

    @Test
    void aCheckpointCutOffAfterItStoppedTheContainerSaysSo() {
        TestHost h = hosts.create("cutoff");
        ContainerRecord r = h.runLooper("looper");
        h.log("looper").awaitNumberAtLeast(1, WAIT);
        ContainerLayout layout = h.engine().containers().store().layout(r.id());
        Json.write(layout.checkpointIntent(), new io.ferry.core.checkpoint.CheckpointIntent("m-7", java.time.Instant.now(), false));
        h.engine().runtime().kill(r.id(), "KILL");
        awaitNotRunning(h, r.id());

        assertThatThrownBy(() -> h.engine().checkpoint("looper", CheckpointOptions.defaults(), ArchiveTarget.file(tmp.resolve("l.tar"))))
                .hasMessageContaining("the checkpoint of container looper for migration m-7 was cut off")
                .hasMessageContaining("the container is stopped and no complete dump of it is kept here");

        assertThat(h.engine().containers().get("looper").state()).isEqualTo(ContainerState.EXITED);
        assertThat(layout.checkpointIntent()).doesNotExist();
    }
}
