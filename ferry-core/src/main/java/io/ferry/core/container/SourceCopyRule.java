package io.ferry.core.container;

import io.ferry.core.error.ConflictException;

/**
 * A migration's source copy (stopped by the migration's checkpoint, its dump kept here for the rollback) and what
 * runs it by hand: {@code ferry start} and {@code ferry restore CTR}. While that migration is under way its target
 * runs the container, so either would run two; the host cannot tell a migration under way from a failed one, the
 * operator can. So start refuses such a copy, a plain restore too, and {@code --rollback} restores only such a copy.
 */
public final class SourceCopyRule {
    private SourceCopyRule() {
    }

    /** The migration whose rollback the container's kept checkpoint is for, or null (none kept, or no migration's). */
    static String keptFor(ContainerRecord record, ContainerLayout layout) {
        return layout.hasCheckpointImages() ? record.historyOrNone().keptForMigration() : null;
    }

    /**
     * Start: it would also delete the dump the rollback restores from. Once a rollback restored the copy (restored:
     * true), it is the container's only copy again and starts as any other.
     */
    static void checkStart(ContainerRecord record, ContainerLayout layout) {
        String migration = keptFor(record, layout);
        if (migration != null) {
            throw new ConflictException("container " + record.name() + " is the source copy of migration " + migration
                    + ", whose checkpoint is kept here for its rollback: it cannot be started anew (once the"
                    + " migration has failed, `ferry restore --rollback " + record.name() + "` brings it back from"
                    + " that checkpoint)");
        }
    }

    /** Restore in place by hand: such a copy only with {@code rollback}, and {@code rollback} only for such a copy. */
    public static void checkRestore(ContainerRecord record, ContainerLayout layout, boolean rollback) {
        String migration = keptFor(record, layout);
        if (migration != null && !rollback) {
            throw new ConflictException("container " + record.name() + " is the source copy of migration " + migration
                    + ", whose checkpoint is kept here for its rollback: while that migration is under way its"
                    + " target runs the container, and restoring this copy would run a second one. Once the"
                    + " migration has failed (the gateway's GET /api/migrations/" + migration + "), `ferry restore"
                    + " --rollback " + record.name() + "` brings it back");
        }
        if (migration == null && rollback) {
            throw new ConflictException("--rollback: container " + record.name() + " is not a migration's source"
                    + " copy kept for its rollback (restore it without --rollback)");
        }
    }

    /**
     * The copy a post-copy migration holds frozen here while its target runs the container and fetches its memory
     * pages (in the host service; this process sees it only as paused, not by the user): resuming it by hand would
     * run a second copy, so only --rollback does.
     */
    public static void checkHeld(ContainerRecord record, boolean rollback) {
        if (!rollback) {
            throw new ConflictException("container " + record.name() + " is held frozen as the source of a post-copy"
                    + " migration: while that migration is under way its target runs the container, and resuming"
                    + " this copy would run a second one. Once the migration has failed (the gateway's GET"
                    + " /api/migrations), `ferry restore --rollback " + record.name() + "` resumes it");
        }
    }
}
