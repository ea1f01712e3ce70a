package io.ferry.core.checkpoint;

import java.time.Instant;

/**
 * Written into the container's directory before a checkpoint freezes it, removed when the checkpoint
 * ends either way in its own process. Found by the next checkpoint (under the host lock), it says a
 * process was killed mid-checkpoint, and for which migration (null: a plain {@code ferry checkpoint}), with
 * --file-locks or not (a dump it left is restored with them; intents written before carry none: false).
 */
public record CheckpointIntent(String migrationId, Instant at, boolean leaveRunning, boolean fileLocks) {
    public CheckpointIntent(String migrationId, Instant at, boolean leaveRunning) {
        this(migrationId, at, leaveRunning, false);
    }

    String describe(String container) {
        return "the checkpoint of container " + container + (migrationId == null ? "" : " for migration " + migrationId)
                + " was cut off at " + at + ": the process checkpointing it ended midway (the checkpoint-service"
                + " restarted or was killed)";
    }
}
