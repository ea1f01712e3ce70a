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
 * @param migrationId    the migration that made the last checkpoint (its source copy), null for a plain checkpoint:
 *                       {@code restore --all} leaves such a copy alone (it runs elsewhere now)
 */
public record CheckpointHistory(Instant checkpointedAt, Boolean restored, Instant restoredAt, String checkpointLog,
                                String restoreLog, Boolean fileLocks, String migrationId) {
    public static final CheckpointHistory NONE = new CheckpointHistory(null, null, null, null, null, null, null);

    public CheckpointHistory checkpointed(Instant at, String dumpLog, boolean locks, String forMigration) {
        return new CheckpointHistory(at, false, null, dumpLog, null, locks, forMigration);
    }

    public CheckpointHistory restoredNow(String log) {
        return new CheckpointHistory(checkpointedAt, true, Instant.now(), checkpointLog, log, fileLocks, migrationId);
    }

    /**
     * The migration whose rollback this container's kept checkpoint is for (it is that migration's stopped source
     * copy), or null: no migration made the last checkpoint, or a restore (a rollback) ran this copy since.
     */
    public String keptForMigration() {
        return wasRestored() ? null : migrationId;
    }

    public boolean wasRestored() {
        return Boolean.TRUE.equals(restored);
    }

    public boolean heldFileLocks() {
        return Boolean.TRUE.equals(fileLocks);
    }
}
