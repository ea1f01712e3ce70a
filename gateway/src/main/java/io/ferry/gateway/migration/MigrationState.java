package io.ferry.gateway.migration;

/** Where a migration is. The last three are terminal. */
public enum MigrationState {
    REQUESTED, CHECKPOINTING, UPLOADING, RESTORING, FINALIZING, ROLLING_BACK, COMPLETED, ROLLED_BACK, FAILED;

    public boolean terminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == FAILED;
    }
}
