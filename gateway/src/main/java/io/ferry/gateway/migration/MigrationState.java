package io.ferry.gateway.migration;

import java.util.EnumSet;
import java.util.Set;

/** Where a migration is. The last three are terminal. */
public enum MigrationState {
    REQUESTED, CHECKPOINTING, UPLOADING, RESTORING, FINALIZING, ROLLING_BACK, COMPLETED, ROLLED_BACK, FAILED;

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
