package io.ferry.core.checkpoint;

import io.ferry.core.container.CheckpointHistory;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.FlockTools;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, Podman's {@code checkpoint CTR} / {@code restore CTR} without an archive, --keep, Podman's --rm rule
 * and --file-locks, on real runc + CRIU. One host for the class: each test has containers of its own.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InPlaceCheckpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * The host's flock(1) ({@link FlockTools}) holds a lock on /lk while its child says every second whether a
     * second flock of it is refused ("held") or not ("free").
     * (The lock's owner lives on: a lock whose taker ended would be invisible to CRIU.)
     */
    private static final String FLOCK = FlockTools.FLOCK;
    private static final String LOCKER = "exec " + FLOCK + " -x /lk /bin/sh -c 'i=0; while true; do if " + FLOCK
            + " -n /lk true; then echo free $i; else echo held $i; fi; i=$((i+1)); sleep 1; done'";
    private TestHost a;
    @TempDir
    Path tmp;

    @BeforeAll
    void host() {
        a = TestHost.create("inplace");
    }

    @AfterAll
    void cleanUp() {
        a.close();
    }

    /**
     * A migration's source copy (stopped, its dump kept for the rollback, its history naming the migration) is
     * neither started anew nor restored by a plain restore: start would delete the dump a rollback restores from,
     * and either would run a second copy beside the target's. Restore --rollback brings it back, counting on;
     * --rollback of any other container is refused. (The state is the one a migration's checkpoint leaves; made
     * here in place, then marked.)
     */
    @Test
    void aMigrationsKeptSourceCopyRunsAgainOnlyByRestoreWithRollback() {
        a.runLooper("migsrc");
        a.log("migsrc").awaitNumberAtLeast(1, WAIT);
        a.engine().checkpointInPlace("migsrc", CheckpointOptions.defaults());
        io.ferry.core.container.ContainerStore store = new io.ferry.core.container.ContainerStore(a.host().containers());
        ContainerRecord stopped = store.get("migsrc");
        store.save(stopped.withHistory(stopped.historyOrNone().checkpointed(java.time.Instant.now(), null, false, "m-13")));
        int stoppedAt = a.log("migsrc").last();

        assertThatThrownBy(() -> a.engine().containers().start("migsrc")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("migration m-13").hasMessageContaining("`ferry restore --rollback migsrc`");
        assertThatThrownBy(() -> a.engine().restoreInPlace("migsrc", RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("container migsrc is the source copy of migration m-13")
                .hasMessageContaining("restoring this copy would run a second one");
        assertThat(a.running("migsrc")).isFalse();
        assertThat(a.engine().keptCheckpoint("migsrc")).as("the rollback's dump stays").isPresent();

        a.engine().restoreInPlace("migsrc", RestoreOptions.defaults(), true);

        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(a.log("migsrc").awaitNumberAtLeast(stoppedAt + 2, WAIT),
                stoppedAt);
        a.engine().checkpointInPlace("migsrc", CheckpointOptions.defaults()); // a plain checkpoint now
        assertThatThrownBy(() -> a.engine().restoreInPlace("migsrc", RestoreOptions.defaults(), true))
                .isInstanceOf(ConflictException.class)
                .hasMessage("--rollback: container migsrc is not a migration's source copy kept for its rollback"
                        + " (restore it without --rollback)");
        assertThat(a.engine().keptCheckpoint("migsrc")).isPresent();
        a.engine().containers().remove("migsrc", true);
    }

    /**
     * Found by review: a copy paused, not by `ferry pause` (as a post-copy checkpoint leaves its source copy once
     * its serving has ended, while the target runs the container), was resumed by a plain restore: two copies.
     * Refused now; --rollback resumes it. (Paused here with runc, as the held copy is.)
     */
    @Test
    void aHeldPausedCopyIsResumedByHandOnlyWithRollback() {
        ContainerRecord r = a.runLooper("held");
        a.log("held").awaitNumberAtLeast(1, WAIT);
        a.engine().runtime().pause(r.id());
        int frozenAt = a.log("held").last();

        assertThatThrownBy(() -> a.engine().restoreInPlace("held", RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("container held is held frozen as the source of a post-copy migration")
                .hasMessageContaining("`ferry restore --rollback held`");
        assertThat(a.engine().runtime().state(r.id()).status()).isEqualTo("paused");

        a.engine().restoreInPlace("held", RestoreOptions.defaults(), true);

        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(a.log("held").awaitNumberAtLeast(frozenAt + 2, WAIT),
                frozenAt);
        a.engine().containers().remove("held", true);
    }

    @Test
    void checkpointWithoutArchiveStopsItKeepsTheImagesAndRestoreBringsItBackCountingOn() {
        ContainerRecord original = a.runLooper("inplace1");
        a.log("inplace1").awaitNumberAtLeast(1, WAIT);

        CheckpointResult r = a.engine().checkpointInPlace("inplace1", CheckpointOptions.defaults());

        assertThat(r.containerId()).isEqualTo(original.id());
        assertThat(a.running("inplace1")).isFalse();
        ContainerRecord stopped = a.engine().containers().get("inplace1");
        assertThat(stopped.checkpointed()).isTrue();
        assertThat(stopped.history().checkpointedAt()).isNotNull();
        assertThat(stopped.history().checkpointLog()).as("no --keep: no dump.log").isNull();
        assertThat(a.engine().keptCheckpoint("inplace1")).isPresent();
        int stoppedAt = a.log("inplace1").last();

        ContainerRecord back = a.engine().restoreInPlace("inplace1", RestoreOptions.defaults());

        assertThat(back.id()).isEqualTo(original.id());
        assertThat(back.name()).isEqualTo("inplace1");
        ContainerLog log = a.log("inplace1").awaitNumberAtLeast(stoppedAt + 2, WAIT);
        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(log, stoppedAt);
        CheckpointHistory h = a.engine().containers().get("inplace1").history();
        assertThat(h.wasRestored()).isTrue();
        assertThat(h.restoredAt()).isAfter(h.checkpointedAt());
        assertThat(a.engine().keptCheckpoint("inplace1")).as("no --keep: the checkpoint goes once restored").isEmpty();
    }

    @Test
    void keepKeepsImagesAndCriuLogsAlsoAfterAnExportAndLeaveRunningKeepsItRunning() throws Exception {
        a.runLooper("kept");
        a.log("kept").awaitNumberAtLeast(1, WAIT);

        a.engine().checkpointInPlace("kept", CheckpointOptions.defaults().keepingLocalImages());
        Path dumpLog = Path.of(a.engine().containers().get("kept").history().checkpointLog());
        assertThat(Files.readString(dumpLog)).contains("Dumping finished successfully");

        a.engine().restoreInPlace("kept", RestoreOptions.defaults().keeping(true));
        Path restoreLog = Path.of(a.engine().containers().get("kept").history().restoreLog());
        assertThat(Files.readString(restoreLog)).contains("Restore finished successfully");
        assertThat(a.engine().keptCheckpoint("kept")).as("--keep: the images stay after the restore").isPresent();

        a.engine().checkpointInPlace("kept", CheckpointOptions.defaults().leavingRunning());
        assertThat(a.running("kept")).as("-R in place: runs on, images kept").isTrue();
        assertThat(a.engine().keptCheckpoint("kept")).isPresent();

        Path archive = tmp.resolve("kept.tar.zst");
        a.engine().checkpoint("kept", CheckpointOptions.defaults().keepingLocalImages(), ArchiveTarget.file(archive));
        assertThat(Files.exists(archive)).isTrue();
        assertThat(a.engine().keptCheckpoint("kept")).as("--keep with --export").isPresent();
        assertThat(Files.readString(Path.of(a.engine().containers().get("kept").history().checkpointLog())))
                .contains("Dumping finished successfully");
        a.engine().restoreInPlace("kept", RestoreOptions.defaults());
        assertThat(a.running("kept")).isTrue();
    }

    @Test
    void aContainerRunWithRmIsCheckpointedOnlyWithExport() {
        a.engine().containers().run(new RunRequest("once", BusyboxImage.REF, List.of("sh", "-c", TestHost.LOOPER),
                List.of()).removingOnExit());
        a.log("once").awaitNumberAtLeast(1, WAIT);

        assertThatThrownBy(() -> a.engine().checkpointInPlace("once", CheckpointOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessage("cannot checkpoint containers that have been started with '--rm' unless '--export' is used");
        assertThat(a.running("once")).isTrue();
    }

    /**
     * Found by review: a migration's checkpoint with --file-locks cut off after its dump (the checkpoint-service
     * killed) left a history whose file locks the next checkpoint's recovery overwrote with none, so the rollback's
     * in-place restore ran CRIU without --file-locks: refused, zero copies. The history is kept now.
     */
    @Test
    void aCutOffMigrationCheckpointWithFileLocksIsRolledBackWithTheLocks() throws Exception {
        a.run("lockcut", LOCKER, FlockTools.install(a, "tools2"));
        a.log("lockcut").await(l -> l.lines().stream().anyMatch(s -> s.startsWith("held")), WAIT, "the lock taken");
        a.engine().checkpointInPlace("lockcut", CheckpointOptions.defaults().withFileLocks(true));
        // what a migration's checkpoint leaves when killed right after its dump: the history names the migration
        io.ferry.core.container.ContainerStore store = new io.ferry.core.container.ContainerStore(a.host().containers());
        ContainerRecord stopped = store.get("lockcut");
        store.save(stopped.withHistory(stopped.historyOrNone().checkpointed(java.time.Instant.now(), null, true, "m-9")));
        io.ferry.core.json.Json.write(store.layout(stopped.id()).checkpointIntent(),
                new CheckpointIntent("m-9", java.time.Instant.now(), false, true));
        int before = a.log("lockcut").lines().size();

        assertThatThrownBy(() -> a.engine().checkpoint("lockcut", CheckpointOptions.defaults(),
                ArchiveTarget.file(tmp.resolve("lockcut.tar"))))
                .hasMessageContaining("for migration m-9 was cut off")
                .hasMessageContaining("`ferry restore --rollback lockcut`");
        assertThat(store.get("lockcut").historyOrNone().heldFileLocks()).isTrue();

        a.engine().restoreInPlace("lockcut", RestoreOptions.defaults(), true);

        ContainerLog log = a.log("lockcut").await(l -> l.lines().size() >= before + 2, WAIT, "two lines after the restore");
        assertThat(log.lines().subList(before, log.lines().size())).allMatch(s -> s.startsWith("held"));
        a.engine().containers().remove("lockcut", true);
    }

    @Test
    void fileLocksAreRefusedWithFerrysOptionAndKeptWithFileLocks() throws Exception {
        a.run("locker", LOCKER, FlockTools.install(a, "tools"));
        a.log("locker").await(l -> l.lines().stream().anyMatch(s -> s.startsWith("held")), WAIT, "the lock taken");
        Path archive = tmp.resolve("locker.tar.zst");

        assertThatThrownBy(() -> a.engine().checkpoint("locker", CheckpointOptions.defaults(), ArchiveTarget.file(archive)))
                .isInstanceOf(ToolFailedException.class).hasMessageContaining("ferry checkpoint --file-locks");
        assertThat(a.running("locker")).as("a refused checkpoint leaves it running").isTrue();

        a.engine().checkpoint("locker", CheckpointOptions.defaults().withFileLocks(true), ArchiveTarget.file(archive));
        int before = a.log("locker").lines().size();
        a.engine().containers().remove("locker", false);
        assertThatThrownBy(() -> a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringVolumes()))
                .isInstanceOf(IncompatibleException.class).hasMessageContaining("restore with --file-locks");

        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringVolumes().withFileLocks(true));

        ContainerLog log = a.log("locker").await(l -> l.lines().size() >= before + 2, WAIT, "two lines after the restore");
        assertThat(log.lines().subList(before, log.lines().size())).allMatch(s -> s.startsWith("held"));
    }
}
