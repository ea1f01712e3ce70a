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
import io.ferry.protocol.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    void restoreTimeoutCancelsTheTargetBeforeTheSourceRollsBack() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> onTimeout = saga.handle(msg.timedOut(MigrationState.RESTORING));

        assertThat(onTimeout).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(TARGET);
            assertThat(c.archive()).isEqualTo(saga.archive());
            assertThat(c.name()).isNull();
            assertThat(Topics.commandTopic(c)).isEqualTo(Topics.restoreCommands(TARGET));
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);

        List<MigrationMessage> onCancelled = saga.handle(msg.restoreCancelled(true));

        assertThat(onCancelled).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
        });

        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOf(MigrationRolledBack.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
    }

    @Test
    void restoreTimeoutWithANewNameCancelsTheRestoreUnderThatName() {
        saga.given(MigrationState.RESTORING, new MigrationOptions(false, false, "web-2"));

        List<MigrationMessage> sent = saga.handle(msg.timedOut(MigrationState.RESTORING));

        assertThat(sent).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class,
                c -> assertThat(c.name()).isEqualTo("web-2"));
    }

    @Test
    void restoreCompletedAfterTheRestoreTimedOutIsNotFinalized() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.timedOut(MigrationState.RESTORING));

        List<MigrationMessage> sent = saga.handle(msg.restoreCompleted());

        assertThat(sent).isEmpty();
        assertThat(saga.sent).noneMatch(m -> m instanceof FinalizeCommand || m instanceof MigrationCompleted);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        // the cancel sent on the timeout removes that copy; only then does the source roll back
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
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
    void timeoutRepeatedForTheSameStayInAStateIsHandledOnce() {
        saga.given(MigrationState.RESTORING);

        saga.handle(msg.timedOut(MigrationState.RESTORING));
        List<MigrationMessage> again = saga.handle(msg.timedOut(MigrationState.RESTORING));

        assertThat(again).isEmpty();
        assertThat(saga.sent).filteredOn(m -> m instanceof CancelRestoreCommand).hasSize(1);
    }
}
