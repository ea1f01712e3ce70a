package io.ferry.core.container;

import java.time.Instant;

/**
 * A container's last checkpoint and restore as {@code container inspect} shows them (Podman's State.Checkpointed*,
 * Restored*, CheckpointLog, RestoreLog). Boxed and nullable throughout: records written before issue 13 have none.
 *
 * @param checkpointedAt when its last checkpoint stopped it (or dumped it, with --leave-running)
 * @param restored       whether the copy that runs (or ran) was restored from a checkpoint
 * @param restoredAt     when it was restored
 * @param checkpointLog  CRIU's dump.log, kept by --keep (null: not kept)
 * @param restoreLog     CRIU's restore.log, kept by --keep (null: not kept)
 * @param fileLocks      the kept checkpoint was made with --file-locks: its in-place restore takes them back
 */
public record CheckpointHistory(Instant checkpointedAt, Boolean restored, Instant restoredAt, String checkpointLog,
                                String restoreLog, Boolean fileLocks) {
    public static final CheckpointHistory NONE = new CheckpointHistory(null, null, null, null, null, null);

    public CheckpointHistory checkpointed(Instant at, String dumpLog, boolean locks) {
        return new CheckpointHistory(at, false, null, dumpLog, null, locks);
    }

    public CheckpointHistory restoredNow(String log) {
        return new CheckpointHistory(checkpointedAt, true, Instant.now(), checkpointLog, log, fileLocks);
    }

    public boolean wasRestored() {
        return Boolean.TRUE.equals(restored);
    }

    public boolean heldFileLocks() {
        return Boolean.TRUE.equals(fileLocks);
    }
}
