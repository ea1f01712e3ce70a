package io.ferry.core.container;

import java.time.Instant;

/**
 * A container as the host keeps it: its config and its lifecycle as Ferry last recorded it.
 *
 * @param restoredFrom the archive it was restored from (a file name or registry reference), null if it ran here
 * @param migrationId  the migration that restored it here, null if none (the host services find it by this)
 * @param history      its last checkpoint and restore (issue 13's inspect); null in records written before
 */
public record ContainerRecord(ContainerConfig config, ContainerState state, Instant startedAt, Instant finishedAt,
                              boolean checkpointed, String restoredFrom, String migrationId,
                              CheckpointHistory history) {

    public ContainerRecord(ContainerConfig config, ContainerState state, Instant startedAt, Instant finishedAt,
                           boolean checkpointed, String restoredFrom, String migrationId) {
        this(config, state, startedAt, finishedAt, checkpointed, restoredFrom, migrationId, null);
    }

    /** A container that starts running now (run, or restored from {@code restoredFrom} by {@code migrationId}). */
    public static ContainerRecord running(ContainerConfig config, String restoredFrom, String migrationId) {
        return new ContainerRecord(config, ContainerState.RUNNING, Instant.now(), null, false, restoredFrom,
                migrationId);
    }

    /** A restore's intent: the copy is being made (see {@link ContainerState#RESTORING}). */
    public static ContainerRecord restoring(ContainerConfig config, String restoredFrom, String migrationId) {
        return new ContainerRecord(config, ContainerState.RESTORING, null, null, false, restoredFrom, migrationId);
    }

    /** The record of a copy found running: a restore's intent made good (by the reconciliation after a crash). */
    public ContainerRecord asRunning() {
        return new ContainerRecord(config, ContainerState.RUNNING, Instant.now(), null, false, restoredFrom, migrationId,
                history);
    }

    public ContainerRecord withState(ContainerState newState, Instant finished, boolean wasCheckpointed) {
        return new ContainerRecord(config, newState, startedAt, finished, wasCheckpointed, restoredFrom, migrationId,
                history);
    }

    public ContainerRecord withHistory(CheckpointHistory newHistory) {
        return new ContainerRecord(config, state, startedAt, finishedAt, checkpointed, restoredFrom, migrationId,
                newHistory);
    }

    /** Its history, {@link CheckpointHistory#NONE} when it has none. */
    public CheckpointHistory historyOrNone() {
        return history == null ? CheckpointHistory.NONE : history;
    }

    public String id() {
        return config.id();
    }

    public String name() {
        return config.name();
    }
}
