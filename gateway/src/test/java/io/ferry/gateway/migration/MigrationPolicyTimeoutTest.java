package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/** Every stage that can time out, what the coordinator sends then, and the replies that come too late. */
class MigrationPolicyTimeoutTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    @Test
    void requestedTimeoutAsksTheSourceToRollBack() {
        saga.given(MigrationState.REQUESTED);

        List<MigrationMessage> sent = saga.handle(msg.timedOut(MigrationState.REQUESTED));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"CHECKPOINTING", "UPLOADING"})
    void checkpointTimeoutRollsTheSourceBackAndNeverRestores(MigrationState state) {
        saga.given(state);

        List<MigrationMessage> sent = saga.handle(msg.timedOut(state));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);

        // the checkpoint finishes after all: too late, nothing is restored on the target
        assertThat(saga.handleAll(msg.dumped(), msg.uploaded(4_000), msg.checkpointCompleted(saga.archive())))
                .isEmpty();
        assertThat(saga.sent).noneMatch(m -> m instanceof RestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
    }

    @Test
    void checkpointTimeoutThenRollbackEndsRolledBack() {
        saga.given(MigrationState.UPLOADING);
        saga.handle(msg.timedOut(MigrationState.UPLOADING));

        List<MigrationMessage> sent = saga.handle(msg.rolledBack(true));

        assertThat(sent).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }

    @Test
    void firstRestoreTimeoutAsksTheTargetAgainWithTheSameCommandInsteadOfCancelling() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> onTimeout = saga.handle(msg.timedOut(MigrationState.RESTORING, 100));

        // the target's restore is idempotent per migration: a running copy is answered with RestoreCompleted
        assertThat(onTimeout).singleElement().isInstanceOfSatisfying(RestoreCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(TARGET);
            assertThat(r.meta().epoch()).isZero();
            assertThat(r.archive()).isEqualTo(saga.archive());
            assertThat(r.manifestDigest()).isEqualTo(SagaMessages.MANIFEST);
            assertThat(r.wrappedKey()).isEqualTo(SagaMessages.WRAPPED_KEY);
            assertThat(r.sourceHost()).isEqualTo(SOURCE);
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof CancelRestoreCommand || m instanceof RollbackCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
        assertThat(saga.m().getProbes()).as("asked again once").isEqualTo(1);
        assertThat(saga.m().getLastActivityAt()).as("the stage gets another full timeout")
                .isAfterOrEqualTo(onTimeout.get(0).meta().at());
    }

    @Test
    void aRestoreThatRunsWhenAskedAgainCompletesTheMigration() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.timedOut(MigrationState.RESTORING, 100));

        List<MigrationMessage> sent = saga.handle(msg.restoreCompleted());

        assertThat(sent).singleElement().isInstanceOf(FinalizeCommand.class);
        assertThat(saga.handle(msg.finalized())).singleElement().isInstanceOf(MigrationCompleted.class);
        assertThat(saga.sent).noneMatch(m -> m instanceof CancelRestoreCommand || m instanceof RollbackCommand);
    }

    @Test
    void secondRestoreTimeoutCancelsTheTargetInANewEpochBeforeTheSourceRollsBack() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.timedOut(MigrationState.RESTORING, 100));

        List<MigrationMessage> onTimeout = saga.handle(msg.timedOut(MigrationState.RESTORING, 200, 1));

        assertThat(onTimeout).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(TARGET);
            assertThat(c.meta().epoch()).isEqualTo(1);
            assertThat(c.archive()).isEqualTo(saga.archive());
            assertThat(c.name()).isNull();
            assertThat(Topics.commandTopic(c)).isEqualTo(Topics.restoreCommands(TARGET));
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getEpoch()).isEqualTo(1);

        List<MigrationMessage> onCancelled = saga.handle(msg.restoreCancelled(true));

        assertThat(onCancelled).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.meta().epoch()).isEqualTo(1);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
        });

        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }

    @Test
    void restoreTimeoutWithANewNameCancelsTheRestoreUnderThatName() {
        saga.given(MigrationState.RESTORING, new MigrationOptions(false, false, "web-2"));

        saga.handle(msg.timedOut(MigrationState.RESTORING, 100));
        List<MigrationMessage> sent = saga.handle(msg.timedOut(MigrationState.RESTORING, 200, 1));

        assertThat(sent).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class,
                c -> assertThat(c.name()).isEqualTo("web-2"));
    }

    @Test
    void restoreCompletedOfTheEpochTheCancelLeftIsIgnored() {
        saga.given(MigrationState.RESTORING);
        saga.handleAll(msg.timedOut(MigrationState.RESTORING, 100), msg.timedOut(MigrationState.RESTORING, 200, 1));

        List<MigrationMessage> sent = saga.handle(msg.restoreCompleted()); // epoch 0: answers the restore before the cancel

        assertThat(sent).isEmpty();
        assertThat(saga.sent).noneMatch(m -> m instanceof FinalizeCommand || m instanceof MigrationCompleted);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getTargetContainerId()).as("not folded in").isNull();
        // the cancel sent on the timeout removes that copy; only then does the source roll back
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void aRestoreThatReportsProgressIsNotTimedOutFromWhenItWasEntered() {
        saga.given(MigrationState.RESTORING);
        Instant later = saga.m().getLastActivityAt().plusSeconds(500);

        saga.handle(new MigrationMessage.RestoreProgress(new Meta(msg.id + "/progress-late", msg.id, TARGET, later,
                Meta.VERSION), "restoring"));

        assertThat(saga.m().getLastActivityAt()).isEqualTo(later);
        assertThat(saga.m().getStateEnteredAt()).isBefore(later);
    }

    @Test
    void finalizeTimeoutCompletesBecauseTheContainerRunsOnTheTargetAlready() {
        saga.given(MigrationState.FINALIZING);

        List<MigrationMessage> sent = saga.handle(msg.timedOut(MigrationState.FINALIZING, 130));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationCompleted.class, c -> {
            assertThat(c.downtimeMillis()).isEqualTo(5_000);
            assertThat(c.totalMillis()).isEqualTo(130_000);
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand || m instanceof CancelRestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
        // the source's late confirmation changes nothing
        assertThat(saga.handle(msg.finalized())).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
    }

    @Test
    void rollbackTimeoutFailsNamingTheArchiveToRestoreFrom() {
        saga.given(MigrationState.ROLLING_BACK);

        List<MigrationMessage> sent = saga.handle(msg.timedOut(MigrationState.ROLLING_BACK));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationFailed.class,
                f -> assertThat(f.reason()).contains("rollback did not finish in time", saga.archive()));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().getEndedAt()).isNotNull();
    }

    @Test
    void timeoutForAStageTheMigrationHasLeftIsIgnored() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> sent = saga.handleAll(msg.timedOut(MigrationState.REQUESTED),
                msg.timedOut(MigrationState.CHECKPOINTING), msg.timedOut(MigrationState.UPLOADING),
                msg.timedOut(MigrationState.FINALIZING), msg.timedOut(MigrationState.ROLLING_BACK));

        assertThat(sent).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"COMPLETED", "ROLLED_BACK", "FAILED"})
    void timeoutOfAnEndedMigrationChangesNothing(MigrationState state) {
        saga.given(state);
        int sentBefore = saga.sent.size();

        List<MigrationMessage> sent = saga.handleAll(msg.timedOut(state), msg.timedOut(MigrationState.RESTORING),
                msg.timedOut(MigrationState.ROLLING_BACK));

        assertThat(sent).isEmpty();
        assertThat(saga.sent).hasSize(sentBefore);
        assertThat(saga.m().getState()).isEqualTo(state);
    }

    @Test
    void timeoutRepeatedForTheSameSilenceIsHandledOnce() {
        saga.given(MigrationState.RESTORING);

        saga.handle(msg.timedOut(MigrationState.RESTORING));
        List<MigrationMessage> again = saga.handle(msg.timedOut(MigrationState.RESTORING));

        assertThat(again).isEmpty();
        assertThat(saga.sent).filteredOn(m -> m instanceof RestoreCommand).hasSize(2); // the first, and one probe
        assertThat(saga.sent).noneMatch(m -> m instanceof CancelRestoreCommand);
    }

    @Test
    void rollbackTimeoutWhileTheTargetHasNotConfirmedTheCancelAsksAgainThenFailsSayingWhereTheContainerIs() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(50));

        List<MigrationMessage> first = saga.handle(msg.timedOut(MigrationState.ROLLING_BACK, 100));
        List<MigrationMessage> second = saga.handle(msg.timedOut(MigrationState.ROLLING_BACK, 200, 1));

        assertThat(first).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class,
                c -> assertThat(c.meta().epoch()).isEqualTo(1));
        assertThat(second).singleElement().isInstanceOfSatisfying(MigrationFailed.class, f -> assertThat(f.reason())
                .contains("did not confirm the cancel", "stopped on " + SOURCE, "rolled back there as soon as"));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
    }

    @Test
    void restoreCancelledAfterTheRollbackWaitTimedOutStillBringsTheSourceBack() {
        saga.given(MigrationState.RESTORING);
        saga.handleAll(msg.cancel(50), msg.timedOut(MigrationState.ROLLING_BACK, 100),
                msg.timedOut(MigrationState.ROLLING_BACK, 200, 1));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().isAwaitingCancel()).as(saga.logged.toString()).isTrue();

        List<MigrationMessage> sent = saga.handle(msg.restoreCancelled(true));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.meta().epoch()).as("still the way back: no new turn").isEqualTo(1);
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getEndedAt()).isNull();
        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }
}
