package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.DIGEST;
import static io.ferry.gateway.migration.SagaMessages.SIZE;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static io.ferry.gateway.migration.SagaMessages.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The fold of a migration's messages into its row: what each message records, and what it must not touch. */
class MigrationProjectionTest {
    private static final String ARCHIVE = Saga.REGISTRY + "m-1";
    private final SagaMessages msg = new SagaMessages("m-1");

    private static Meta gateway(String kind, long seconds) {
        return new Meta("m-1/" + kind, "m-1", MigrationPolicy.GATEWAY, at(seconds), Meta.VERSION);
    }

    private static Meta to(String host, String kind, long seconds) {
        return new Meta("m-1/" + kind, "m-1", host, at(seconds), Meta.VERSION);
    }

    /** The row after folding {@code messages} in order into nothing, numbered 1, 2, ... */
    private static Migration fold(MigrationMessage... messages) {
        Migration m = null;
        long seq = 0;
        for (MigrationMessage message : messages) {
            Migration folded = MigrationProjection.fold(m, message, ++seq);
            m = folded == null ? m : folded;
        }
        return m;
    }

    private MigrationMessage[] upTo(int n) {
        MigrationMessage[] log = movedLog();
        MigrationMessage[] prefix = new MigrationMessage[n];
        System.arraycopy(log, 0, prefix, 0, n);
        return prefix;
    }

    /** The log of a move that worked, decisions included, as the coordinator writes it. */
    private MigrationMessage[] movedLog() {
        return new MigrationMessage[]{
                msg.requested(),
                new MigrationAccepted(gateway("accepted", 0), ARCHIVE),
                new CheckpointCommand(to(SOURCE, "checkpoint", 0), CONTAINER, ARCHIVE, false, false, TARGET),
                msg.checkpointStarted(),
                msg.dumped(),
                msg.uploaded(1_024),
                msg.checkpointCompleted(ARCHIVE),
                new RestoreCommand(to(TARGET, "restore", 4), ARCHIVE, null, false, "sha256:" + "cd".repeat(32), SOURCE, null),
                msg.restoreStarted(),
                msg.restoreProgress(),
                msg.restoreCompleted(),
                new FinalizeCommand(to(SOURCE, "finalize", 8), CONTAINER),
                msg.finalized(),
                new MigrationCompleted(gateway("completed", 9), 5_000, 9_000)};
    }

    @Test
    void requestCreatesTheMigrationInRequestedWithItsHostsAndOptions() {
        Migration m = MigrationProjection.fold(null, msg.requested(new MigrationOptions(true, true, "web-2")), 7);

        assertThat(m).isNotNull();
        assertThat(m.getId()).isEqualTo("m-1");
        assertThat(m.getContainer()).isEqualTo(CONTAINER);
        assertThat(m.getSourceHost()).isEqualTo(SOURCE);
        assertThat(m.getTargetHost()).isEqualTo(TARGET);
        assertThat(m.isKeepSource()).isTrue();
        assertThat(m.isTcpEstablished()).isTrue();
        assertThat(m.getNewName()).isEqualTo("web-2");
        assertThat(m.getState()).isEqualTo(MigrationState.REQUESTED);
        assertThat(m.getRequestedAt()).isEqualTo(at(0));
        assertThat(m.getStateEnteredAt()).isEqualTo(at(0));
        assertThat(m.getLastSeq()).isEqualTo(7);
        assertThat(m.getEndedAt()).isNull();
        assertThat(m.isCancelRequested()).isFalse();
    }

    @Test
    void requestWithoutOptionsIsAMoveWithoutConnectionsUnderTheSameName() {
        Migration m = MigrationProjection.fold(null, msg.requested(null), 1);

        assertThat(m.isKeepSource()).isFalse();
        assertThat(m.isTcpEstablished()).isFalse();
        assertThat(m.getNewName()).isNull();
    }

    @Test
    void secondRequestForAnExistingMigrationIsNotStartedAgain() {
        Migration m = fold(upTo(5));
        MigrationState state = m.getState();
        var again = new MigrationMessage.MigrateRequested(gateway("requested-again", 30), "db", "host-x", "host-y",
                new MigrationOptions(true, true, "other"));

        Migration folded = MigrationProjection.fold(m, again, 99);

        assertThat(folded).isNull();
        assertThat(m.getContainer()).isEqualTo(CONTAINER);
        assertThat(m.getSourceHost()).isEqualTo(SOURCE);
        assertThat(m.isKeepSource()).isFalse();
        assertThat(m.getState()).isEqualTo(state);
        assertThat(m.getLastSeq()).isEqualTo(5);
    }

    @Test
    void messagesForAnUnknownMigrationCreateNothing() {
        List<MigrationMessage> strays = new ArrayList<>(List.of(msg.everyReply(ARCHIVE)));
        strays.addAll(List.of(msg.cancel(), msg.timedOut(MigrationState.RESTORING),
                new MigrationAccepted(gateway("accepted", 0), ARCHIVE),
                new CheckpointCommand(to(SOURCE, "checkpoint", 0), CONTAINER, ARCHIVE, false, false, TARGET),
                new MigrationCompleted(gateway("completed", 9), 1, 2)));

        assertThat(strays).allSatisfy(stray -> assertThat(MigrationProjection.fold(null, stray, 1)).isNull());
    }

    @Test
    void acceptanceRecordsTheArchiveAndStaysRequested() {
        Migration m = fold(msg.requested(), new MigrationAccepted(gateway("accepted", 0), ARCHIVE));

        assertThat(m.getArchive()).isEqualTo(ARCHIVE);
        assertThat(m.getState()).isEqualTo(MigrationState.REQUESTED);
        assertThat(m.getLastSeq()).isEqualTo(2);
    }

    @Test
    void rejectionFailsTheMigrationWithThePreflightReason() {
        Migration m = fold(msg.requested(),
                new MigrationRejected(gateway("rejected", 2), "target host host-b is down"));

        assertThat(m.getState()).isEqualTo(MigrationState.FAILED);
        assertThat(m.getError()).isEqualTo("target host host-b is down");
        assertThat(m.getEndedAt()).isEqualTo(at(2));
        assertThat(m.getTotalMillis()).isEqualTo(2_000);
    }

    @Test
    void checkpointCommandEntersCheckpointingAtTheCommandsTime() {
        Migration m = fold(upTo(3));

        assertThat(m.getState()).isEqualTo(MigrationState.CHECKPOINTING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(0));
        assertThat(m.getCheckpointRequestedAt()).isEqualTo(at(0));
    }

    @Test
    void checkpointStartedRecordsWhenWithoutLeavingCheckpointing() {
        Migration m = fold(upTo(4));

        assertThat(m.getState()).isEqualTo(MigrationState.CHECKPOINTING);
        assertThat(m.getCheckpointStartedAt()).isEqualTo(at(1));
    }

    @Test
    void dumpMovesCheckpointingToUploadingAndRecordsTheFreeze() {
        Migration m = fold(upTo(5));

        assertThat(m.getState()).isEqualTo(MigrationState.UPLOADING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(3));
        assertThat(m.getFrozenAt()).isEqualTo(at(2));
        assertThat(m.getDumpMillis()).isEqualTo(1_000);
    }

    @Test
    void uploadProgressOnlyEverGrowsEvenWhenReportsArriveOutOfOrder() {
        Migration m = fold(upTo(5));

        MigrationProjection.apply(m, msg.uploaded(3_000), 6);
        MigrationProjection.apply(m, msg.uploaded(1_000), 7);

        assertThat(m.getBytesTransferred()).isEqualTo(3_000);
        assertThat(m.getState()).isEqualTo(MigrationState.UPLOADING);
    }

    @Test
    void checkpointCompletedRecordsTheArchiveButLeavesTheStateToTheRestoreCommand() {
        Migration m = fold(upTo(7));

        assertThat(m.getArchiveDigest()).isEqualTo(DIGEST);
        assertThat(m.getArchiveSize()).isEqualTo(SIZE);
        assertThat(m.getBytesTransferred()).isEqualTo(SIZE);
        assertThat(m.getCheckpointCompletedAt()).isEqualTo(at(4));
        assertThat(m.getState()).isEqualTo(MigrationState.UPLOADING);
    }

    @Test
    void checkpointCompletedWithoutADumpReportStillRecordsTheFreeze() {
        Migration m = fold(upTo(4));

        MigrationProjection.apply(m, msg.checkpointCompleted(ARCHIVE), 5);

        assertThat(m.getFrozenAt()).isEqualTo(at(2));
        assertThat(m.getDumpMillis()).isEqualTo(1_000);
        assertThat(m.getState()).isEqualTo(MigrationState.CHECKPOINTING);
    }

    @Test
    void lateDumpReportAfterTheRestoreBeganDoesNotMoveTheStateBack() {
        Migration m = fold(upTo(8));

        MigrationProjection.apply(m, msg.dumped(), 9);

        assertThat(m.getState()).isEqualTo(MigrationState.RESTORING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(4));
        assertThat(m.getFrozenAt()).isEqualTo(at(2));
    }

    @Test
    void lateUploadProgressAfterCheckpointCompletedDoesNotLowerTheBytesTransferred() {
        Migration m = fold(upTo(7));

        MigrationProjection.apply(m, msg.uploaded(SIZE / 2), 8);

        assertThat(m.getBytesTransferred()).isEqualTo(SIZE);
        assertThat(m.getState()).isEqualTo(MigrationState.UPLOADING);
    }

    @Test
    void restoreCommandEntersRestoring() {
        Migration m = fold(upTo(8));

        assertThat(m.getState()).isEqualTo(MigrationState.RESTORING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(4));
        assertThat(m.getRestoreRequestedAt()).isEqualTo(at(4));
    }

    @Test
    void restoreRepliesRecordTheTargetContainerAndWhenItRan() {
        Migration m = fold(upTo(11));

        assertThat(m.getRestoreStartedAt()).isEqualTo(at(5));
        assertThat(m.getTargetContainerId()).isEqualTo("d00d");
        assertThat(m.getRunningAt()).isEqualTo(at(7));
        assertThat(m.getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void finalizeCommandEntersFinalizingAndSourceFinalizedRecordsWhen() {
        Migration finalizing = fold(upTo(12));
        Migration finalized = fold(upTo(13));

        assertThat(finalizing.getState()).isEqualTo(MigrationState.FINALIZING);
        assertThat(finalizing.getFinalizeRequestedAt()).isEqualTo(at(8));
        assertThat(finalized.getFinalizedAt()).isEqualTo(at(9));
        assertThat(finalized.getState()).isEqualTo(MigrationState.FINALIZING);
    }

    @Test
    void completionEndsTheMigrationWithTheDecidedDowntimeAndTotal() {
        Migration m = fold(movedLog());

        assertThat(m.getState()).isEqualTo(MigrationState.COMPLETED);
        assertThat(m.getState().terminal()).isTrue();
        assertThat(m.getEndedAt()).isEqualTo(at(9));
        assertThat(m.getDowntimeMillis()).isEqualTo(5_000);
        assertThat(m.getTotalMillis()).isEqualTo(9_000);
        assertThat(m.getError()).isNull();
        assertThat(m.getLastSeq()).isEqualTo(movedLog().length);
    }

    @Test
    void cancelRestoreThenRollbackEnterRollingBackOnceKeepingWhenItBegan() {
        Migration m = fold(upTo(9));

        MigrationProjection.apply(m, new CancelRestoreCommand(to(TARGET, "cancel-restore", 12), ARCHIVE, null), 10);
        MigrationProjection.apply(m, new RollbackCommand(to(SOURCE, "rollback", 15), CONTAINER, ARCHIVE), 11);

        assertThat(m.getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(12));
    }

    @Test
    void failureRepliesRecordTheirReasonWithoutEndingTheMigration() {
        Migration checkpoint = fold(upTo(5));
        Migration restore = fold(upTo(9));
        Migration rollback = fold(upTo(9));
        MigrationProjection.apply(rollback, new RollbackCommand(to(SOURCE, "rollback", 12), CONTAINER, ARCHIVE), 10);

        MigrationProjection.apply(checkpoint, msg.checkpointFailed(false), 6);
        MigrationProjection.apply(restore, msg.restoreFailed(), 10);
        MigrationProjection.apply(rollback, msg.rollbackFailed(), 11);

        assertThat(checkpoint.getError()).isEqualTo("criu dump failed");
        assertThat(checkpoint.getState()).isEqualTo(MigrationState.UPLOADING);
        assertThat(restore.getError()).isEqualTo("image not found");
        assertThat(restore.getState()).isEqualTo(MigrationState.RESTORING);
        assertThat(rollback.getError()).isEqualTo("criu restore failed");
        assertThat(rollback.getState()).isEqualTo(MigrationState.ROLLING_BACK);
    }

    @Test
    void rolledBackOutcomeEndsTheMigrationWithItsReason() {
        Migration m = fold(upTo(9));
        MigrationProjection.apply(m, new RollbackCommand(to(SOURCE, "rollback", 12), CONTAINER, ARCHIVE), 10);

        MigrationProjection.apply(m, new MigrationRolledBack(gateway("rolled-back", 21), "image not found"), 11);

        assertThat(m.getState()).isEqualTo(MigrationState.ROLLED_BACK);
        assertThat(m.getError()).isEqualTo("image not found");
        assertThat(m.getEndedAt()).isEqualTo(at(21));
        assertThat(m.getTotalMillis()).isEqualTo(21_000);
    }

    @Test
    void failedOutcomeEndsTheMigrationWithItsReason() {
        Migration m = fold(upTo(5));

        MigrationProjection.apply(m, new MigrationFailed(gateway("failed", 4), "checkpoint failed on host-a"), 6);

        assertThat(m.getState()).isEqualTo(MigrationState.FAILED);
        assertThat(m.getError()).isEqualTo("checkpoint failed on host-a");
        assertThat(m.getEndedAt()).isEqualTo(at(4));
        assertThat(m.getTotalMillis()).isEqualTo(4_000);
    }

    @Test
    void cancelRequestIsRecordedWithoutChangingTheState() {
        Migration m = fold(upTo(5));

        MigrationProjection.apply(m, msg.cancel(3), 6);

        assertThat(m.isCancelRequested()).isTrue();
        assertThat(m.getState()).isEqualTo(MigrationState.UPLOADING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(3));
    }

    @Test
    void timeoutAloneDoesNotMoveTheMigration() {
        Migration m = fold(upTo(8));

        MigrationProjection.apply(m, msg.timedOut(MigrationState.RESTORING), 9);

        assertThat(m.getState()).isEqualTo(MigrationState.RESTORING);
        assertThat(m.getStateEnteredAt()).isEqualTo(at(4));
    }

    @Test
    void everyFoldAdvancesTheLastSequenceNumber() {
        Migration m = fold(upTo(5));

        MigrationProjection.apply(m, msg.restoreProgress(), 42);

        assertThat(m.getLastSeq()).isEqualTo(42);
    }

    @Test
    void foldingTheSameMessageTwiceChangesNothingButTheSequenceNumber() {
        MigrationMessage[] log = movedLog();
        for (int i = 1; i < log.length; i++) {
            Migration once = fold(upTo(i + 1));
            Migration twice = fold(upTo(i + 1));
            MigrationProjection.apply(twice, log[i], 100);

            assertThat(twice).as("%s folded twice", log[i].type())
                    .usingRecursiveComparison().ignoringFields("lastSeq").isEqualTo(once);
        }
    }

    @Test
    void lateRepliesDoNotMoveAnEndedMigration() {
        Migration ended = fold(movedLog());
        MigrationState state = ended.getState();

        long seq = 100;
        for (MigrationMessage late : msg.everyReply(ARCHIVE)) {
            MigrationProjection.apply(ended, late, seq++);
            assertThat(ended.getState()).as("after a late %s", late.type()).isEqualTo(state);
            assertThat(ended.getEndedAt()).as("after a late %s", late.type()).isEqualTo(at(9));
            assertThat(ended.getDowntimeMillis()).isEqualTo(5_000);
            assertThat(ended.getTotalMillis()).isEqualTo(9_000);
        }
    }

    @Test
    void replayingTheLogRebuildsTheSameRow() {
        Migration live = fold(movedLog());
        Migration replayed = fold(movedLog());

        assertThat(replayed).usingRecursiveComparison().isEqualTo(live);
        assertThat(replayed).isNotSameAs(live);
    }
}
