package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointDumped;
import io.ferry.protocol.MigrationMessage.CheckpointFailed;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationCancelRequested;
import io.ferry.protocol.MigrationMessage.MigrationTimedOut;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RestoreFailed;
import io.ferry.protocol.MigrationMessage.RestoreProgress;
import io.ferry.protocol.MigrationMessage.RestoreStarted;
import io.ferry.protocol.MigrationMessage.RollbackFailed;
import io.ferry.protocol.MigrationMessage.RolledBack;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import io.ferry.protocol.MigrationMessage.UploadProgress;
import io.ferry.protocol.MigrationOptions;

import java.time.Instant;

/**
 * The messages of one migration as the REST API and the hosts would send them, with fixed ids and
 * timestamps (so a test can send the very same message twice, and durations are exact). The
 * timeline of a move: requested at T0, checkpoint started at +1s, frozen at +2s, dumped at +3s,
 * uploaded at +4s, restore started at +5s, running on the target at +7s (restore reply at +8s),
 * source finalized at +9s.
 */
final class SagaMessages {
    static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
    static final String SOURCE = "host-a";
    static final String TARGET = "host-b";
    static final String CONTAINER = "web";
    static final String DIGEST = "sha256:0123456789abcdef";
    static final long SIZE = 4_096;
    static final String MANIFEST = "sha256:" + "fe".repeat(32);
    static final String WRAPPED_KEY = "wrapped-key-for-the-target";

    final String id;

    SagaMessages(String id) {
        this.id = id;
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /**
     * The epoch of the host's answers to a rollback or a cancel: the gateway turned the migration around once
     * (epoch 0 -> 1) before it sent them, and replies echo their command's epoch.
     */
    static final long TURNED = 1;

    /** The header of a message of this migration from {@code host}, event id {@code <migration>/<kind>}. */
    Meta meta(String kind, String host, long seconds) {
        return new Meta(id + "/" + kind, id, host, at(seconds), Meta.VERSION);
    }

    // ---- requests (the REST API) ----

    MigrateRequested requested() {
        return requested(MigrationOptions.defaults());
    }

    MigrateRequested requested(MigrationOptions options) {
        return new MigrateRequested(meta("requested", MigrationPolicy.GATEWAY, 0), CONTAINER, SOURCE, TARGET, options);
    }

    MigrationCancelRequested cancel() {
        return cancel(0);
    }

    MigrationCancelRequested cancel(long seconds) {
        return new MigrationCancelRequested(meta("cancel", MigrationPolicy.GATEWAY, seconds));
    }

    /** What MigrationTimeouts submits when a migration stayed too long in {@code stage}. */
    MigrationTimedOut timedOut(MigrationState stage) {
        return timedOut(stage, 600);
    }

    MigrationTimedOut timedOut(MigrationState stage, long seconds) {
        return timedOut(stage, seconds, 0);
    }

    /** A timeout after the stage's host was asked again {@code probes} times (as MigrationTimeouts reads the row). */
    MigrationTimedOut timedOut(MigrationState stage, long seconds, int probes) {
        return new MigrationTimedOut(meta("timeout/" + stage + "/" + seconds, MigrationPolicy.GATEWAY, seconds), stage.name(),
                probes);
    }

    // ---- the source host ----

    CheckpointStarted checkpointStarted() {
        return new CheckpointStarted(meta("checkpoint-started", SOURCE, 1), "c0ffee");
    }

    CheckpointDumped dumped() {
        return new CheckpointDumped(meta("dumped", SOURCE, 3), at(2), 1_000);
    }

    UploadProgress uploaded(long bytes) {
        return new UploadProgress(meta("uploaded-" + bytes, SOURCE, 3), bytes);
    }

    CheckpointCompleted checkpointCompleted(String archive) {
        return new CheckpointCompleted(meta("checkpoint-completed", SOURCE, 4), archive, DIGEST, SIZE, at(2), 1_000,
                3_000, null, MANIFEST, WRAPPED_KEY);
    }

    CheckpointFailed checkpointFailed(boolean containerRunning) {
        String kind = containerRunning ? "checkpoint-failed-running" : "checkpoint-failed-stopped";
        return new CheckpointFailed(meta(kind, SOURCE, 4), "criu dump failed", containerRunning);
    }

    SourceFinalized finalized() {
        return new SourceFinalized(meta("finalized", SOURCE, 9));
    }

    RolledBack rolledBack(boolean containerRunning) {
        String kind = containerRunning ? "rolled-back" : "rolled-back-not-running";
        return new RolledBack(meta(kind, SOURCE, 20).withEpoch(TURNED), containerRunning);
    }

    RollbackFailed rollbackFailed() {
        return new RollbackFailed(meta("rollback-failed", SOURCE, 20).withEpoch(TURNED), "criu restore failed");
    }

    // ---- the target host ----

    RestoreStarted restoreStarted() {
        return new RestoreStarted(meta("restore-started", TARGET, 5));
    }

    RestoreProgress restoreProgress() {
        return new RestoreProgress(meta("restoring", TARGET, 6), "restoring");
    }

    RestoreCompleted restoreCompleted() {
        return new RestoreCompleted(meta("restore-completed", TARGET, 8), "d00d", CONTAINER, at(7), 1_500, 3_000);
    }

    RestoreFailed restoreFailed() {
        return new RestoreFailed(meta("restore-failed", TARGET, 8), "image not found");
    }

    RestoreCancelled restoreCancelled(boolean removed) {
        String kind = removed ? "restore-cancelled" : "restore-cancelled-nothing";
        return new RestoreCancelled(meta(kind, TARGET, 15).withEpoch(TURNED), removed);
    }

    /** Every reply a host can send, for checks that hold whatever arrives. */
    MigrationMessage[] everyReply(String archive) {
        return new MigrationMessage[]{checkpointStarted(), dumped(), uploaded(SIZE / 2), checkpointCompleted(archive),
                checkpointFailed(true), checkpointFailed(false), restoreStarted(), restoreProgress(),
                restoreCompleted(), restoreFailed(), restoreCancelled(true), finalized(), rolledBack(true),
                rolledBack(false), rollbackFailed()};
    }
}
