package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/** A cancel request in each state: what it changes, what it sends, and when it is too late. */
class MigrationPolicyCancelTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    @Test
    void cancelWhileRequestedIsRememberedAndSendsNothing() {
        saga.given(MigrationState.REQUESTED);

        List<MigrationMessage> sent = saga.handle(msg.cancel());

        assertThat(sent).isEmpty();
        assertThat(saga.m().isCancelRequested()).isTrue();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.REQUESTED);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"CHECKPOINTING", "UPLOADING"})
    void cancelWhileCheckpointingWaitsForTheCheckpointThenRollsBackInsteadOfRestoring(MigrationState state) {
        saga.given(state);

        assertThat(saga.handle(msg.cancel())).isEmpty();
        assertThat(saga.m().isCancelRequested()).isTrue();
        assertThat(saga.m().getState()).isEqualTo(state);

        List<MigrationMessage> sent = saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }

    @Test
    void cancelWhileCheckpointingAKeptSourceStillRollsBackInsteadOfRestoring() {
        saga.given(MigrationState.UPLOADING, new MigrationOptions(true, false, null));
        saga.handle(msg.cancel());

        List<MigrationMessage> sent = saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(sent).singleElement().isInstanceOf(RollbackCommand.class);
        assertThat(saga.sent).noneMatch(m -> m instanceof RestoreCommand);
    }

    @Test
    void cancelWhileCheckpointingThenCheckpointFailureWithTheContainerRunningFailsWithoutARollback() {
        saga.given(MigrationState.CHECKPOINTING);
        saga.handle(msg.cancel());

        List<MigrationMessage> sent = saga.handle(msg.checkpointFailed(true));

        assertThat(sent).singleElement().isInstanceOf(MigrationFailed.class);
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand || m instanceof RestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
    }

    @Test
    void cancelWhileCheckpointingThenCheckpointFailureWithTheContainerStoppedRollsBack() {
        saga.given(MigrationState.UPLOADING);
        saga.handle(msg.cancel());

        List<MigrationMessage> sent = saga.handle(msg.checkpointFailed(false));

        assertThat(sent).singleElement().isInstanceOf(RollbackCommand.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
    }

    @Test
    void cancelWhileRestoringCancelsTheTargetBeforeTheSourceRollsBack() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> onCancel = saga.handle(msg.cancel(6));

        assertThat(onCancel).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(TARGET);
            assertThat(c.archive()).isEqualTo(saga.archive());
            assertThat(c.name()).isNull();
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().isCancelRequested()).isTrue();

        List<MigrationMessage> onCancelled = saga.handle(msg.restoreCancelled(true));

        assertThat(onCancelled).singleElement().isInstanceOfSatisfying(RollbackCommand.class,
                r -> assertThat(r.meta().hostId()).isEqualTo(SOURCE));
        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }

    @Test
    void restoreCompletedRacingACancelIsNotFinalizedButRemovedFirst() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(6));

        assertThat(saga.handle(msg.restoreCompleted())).isEmpty();
        assertThat(saga.sent).noneMatch(m -> m instanceof FinalizeCommand || m instanceof MigrationCompleted);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void restoreCancelledWithNothingToRemoveStillRollsTheSourceBack() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(6));

        List<MigrationMessage> sent = saga.handle(msg.restoreCancelled(false));

        assertThat(sent).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void cancelWhileFinalizingIsTooLateAndTheMoveCompletes() {
        saga.given(MigrationState.FINALIZING);

        assertThat(saga.handle(msg.cancel(9))).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FINALIZING);

        assertThat(saga.handle(msg.finalized())).singleElement().isInstanceOf(MigrationCompleted.class);
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand || m instanceof CancelRestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
    }

    @Test
    void cancelWhileRollingBackSendsNothingMore() {
        saga.given(MigrationState.ROLLING_BACK);
        int sentBefore = saga.sent.size();

        assertThat(saga.handle(msg.cancel(12))).isEmpty();
        assertThat(saga.sent).hasSize(sentBefore);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"COMPLETED", "ROLLED_BACK", "FAILED"})
    void cancelAfterTheEndChangesNeitherTheOutcomeNorAnyHost(MigrationState state) {
        saga.given(state);
        Migration m = saga.m();
        Instant endedAt = m.getEndedAt();
        String error = m.getError();
        Long total = m.getTotalMillis();
        int sentBefore = saga.sent.size();

        List<MigrationMessage> sent = saga.handle(msg.cancel(60));

        assertThat(sent).isEmpty();
        assertThat(saga.sent).hasSize(sentBefore);
        assertThat(m.getState()).isEqualTo(state);
        assertThat(m.getEndedAt()).isEqualTo(endedAt);
        assertThat(m.getError()).isEqualTo(error);
        assertThat(m.getTotalMillis()).isEqualTo(total);
    }

    @Test
    void secondCancelRequestSendsNothingMore() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(6));

        assertThat(saga.handle(msg.cancel(6))).isEmpty();
        assertThat(MigrationPolicy.react(saga.m(), MigrationState.ROLLING_BACK, msg.cancel(7), saga.context)).isEmpty();
        assertThat(saga.sent).filteredOn(m -> m instanceof CancelRestoreCommand).hasSize(1);
    }
}
