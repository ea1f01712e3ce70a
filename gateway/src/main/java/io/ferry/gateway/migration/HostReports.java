package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;

import java.util.Set;

/** Which messages hosts send (the rest are the gateway's own), from which side, and which are stale. */
public final class HostReports {
    static final Set<Class<?>> SOURCE = Set.of(MigrationMessage.CheckpointStarted.class,
            MigrationMessage.CheckpointDumped.class, MigrationMessage.UploadProgress.class,
            MigrationMessage.CheckpointCompleted.class, MigrationMessage.CheckpointFailed.class,
            MigrationMessage.SourceFinalized.class, MigrationMessage.RolledBack.class, MigrationMessage.RollbackFailed.class,
            MigrationMessage.ArchiveStored.class, MigrationMessage.ArchiveStoreFailed.class); // issue 11: the registry copy
    static final Set<Class<?>> TARGET = Set.of(MigrationMessage.RestoreStarted.class,
            MigrationMessage.RestoreProgress.class, MigrationMessage.RestoreCompleted.class,
            MigrationMessage.RestoreFailed.class, MigrationMessage.RestoreCancelled.class,
            MigrationMessage.PagesTransferred.class);
    /**
     * Reports either side may send: a refusal, and PostCopyFailed (the target's page fetching or the source's page
     * server broke off; each side reports what it saw).
     */
    static final Set<Class<?>> EITHER = Set.of(MigrationMessage.CommandRefused.class, MigrationMessage.PostCopyFailed.class);

    private HostReports() {
    }

    /** Whether a host may send this type at all; CommandRefused and PostCopyFailed come from either side. */
    public static boolean isReport(MigrationMessage m) {
        return SOURCE.contains(m.getClass()) || TARGET.contains(m.getClass()) || EITHER.contains(m.getClass());
    }

    /**
     * A report of an epoch the migration has left: it answers a command decided before the gateway turned
     * the migration around, so it is logged and neither folded in nor acted on.
     */
    public static boolean stale(Migration m, MigrationMessage msg) {
        return m != null && isReport(msg) && msg.meta().epoch() < m.getEpoch();
    }
}
