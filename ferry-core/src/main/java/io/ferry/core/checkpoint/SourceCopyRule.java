package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.error.ConflictException;

/**
 * {@code ferry restore CTR} and a migration's source copy (stopped by the migration's checkpoint, its dump kept
 * here for the rollback). While that migration is under way its target runs the container, so restoring the
 * copy by hand would run two; the host cannot tell a migration under way from a failed one, the operator can.
 * So a plain restore of such a copy is refused, and {@code --rollback} restores only such a copy.
 */
final class SourceCopyRule {
    private SourceCopyRule() {
    }

    static void check(ContainerRecord record, ContainerLayout layout, boolean rollback) {
        String migration = layout.hasCheckpointImages() ? record.historyOrNone().keptForMigration() : null;
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
    static void checkHeld(ContainerRecord record, boolean rollback) {
        if (!rollback) {
            throw new ConflictException("container " + record.name() + " is held frozen as the source of a post-copy"
                    + " migration: while that migration is under way its target runs the container, and resuming"
                    + " this copy would run a second one. Once the migration has failed (the gateway's GET"
                    + " /api/migrations), `ferry restore --rollback " + record.name() + "` resumes it");
        }
    }
}
