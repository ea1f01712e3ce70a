package io.ferry.gateway.migration;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a migration is. The last three are terminal. TRANSFERRING_PAGES (post-copy only): the container runs
 * on the target, and memory pages it has not touched yet are still arriving from the source's page server;
 * a failure of either host now loses the container (its memory is split between them), so no rollback.
 */
public enum MigrationState {
    REQUESTED, CHECKPOINTING, UPLOADING, RESTORING, TRANSFERRING_PAGES, FINALIZING, ROLLING_BACK, COMPLETED, ROLLED_BACK,
    FAILED;

    public boolean terminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == FAILED;
    }

    /** The states a migration can still leave. */
    public static Set<MigrationState> active() {
        Set<MigrationState> active = EnumSet.allOf(MigrationState.class);
        active.removeIf(MigrationState::terminal);
        return active;
    }
}
