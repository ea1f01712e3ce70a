package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
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
import static org.assertj.core.api.Assertions.assertThat;

/** Failures reported by a host: checkpoint, restore, rollback; and how each ends. */
class MigrationPolicyFailureTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"CHECKPOINTING", "UPLOADING"})
    void checkpointFailureWithTheContainerStillRunningFailsWithoutTouchingAnyHost(MigrationState state) {
        saga.given(state);

        List<MigrationMessage> sent = saga.handle(msg.checkpointFailed(true));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationFailed.class, f -> {
            assertThat(f.reason()).contains("checkpoint failed on host-a", "criu dump failed",
                    "the container runs on host-a");
            assertThat(f.meta().hostId()).isEqualTo(MigrationPolicy.GATEWAY);
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RestoreCommand || m instanceof RollbackCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().getEndedAt()).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"CHECKPOINTING", "UPLOADING"})
    void checkpointFailureWithTheContainerStoppedRollsTheSourceBack(MigrationState state) {
        saga.given(state);

        List<MigrationMessage> sent = saga.handle(msg.checkpointFailed(false));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
            assertThat(Topics.commandTopic(r)).isEqualTo(Topics.checkpointCommands(SOURCE));
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof RestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getError()).isEqualTo("criu dump failed");
    }

    @Test
    void checkpointFailureThenRollbackEndsRolledBackWithTheCheckpointsReason() {
        saga.given(MigrationState.UPLOADING);
        saga.handle(msg.checkpointFailed(false));

        List<MigrationMessage> sent = saga.handle(msg.rolledBack(true));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationRolledBack.class,
                r -> assertThat(r.reason()).isEqualTo("criu dump failed"));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
        assertThat(saga.m().getError()).isEqualTo("criu dump failed");
    }

    @Test
    void restoreFailureRollsTheSourceBackDirectlySinceTheFailedRestoreRemovedItsCopy() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> sent = saga.handle(msg.restoreFailed());

        assertThat(sent).singleElement().isInstanceOfSatisfying(RollbackCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(SOURCE);
            assertThat(r.container()).isEqualTo(CONTAINER);
            assertThat(r.archive()).isEqualTo(saga.archive());
        });
        assertThat(saga.sent).noneMatch(m -> m instanceof CancelRestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getError()).isEqualTo("image not found");
    }

    @Test
    void restoreFailureThenRollbackEndsRolledBackWithTheRestoresReason() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.restoreFailed());

        List<MigrationMessage> sent = saga.handle(msg.rolledBack(true));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationRolledBack.class,
                r -> assertThat(r.reason()).isEqualTo("image not found"));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
        assertThat(saga.m().getEndedAt()).isNotNull();
    }

    @Test
    void restoreFailureWithAKeptSourceStillAsksTheSourceToConfirmItRuns() {
        saga.given(MigrationState.RESTORING, new MigrationOptions(true, false, null));

        List<MigrationMessage> sent = saga.handle(msg.restoreFailed());

        assertThat(sent).singleElement().isInstanceOf(RollbackCommand.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
    }

    @Test
    void rollbackFailureFailsTheMigrationNamingTheSourceAndTheArchiveToRestoreFrom() {
        saga.given(MigrationState.ROLLING_BACK);

        List<MigrationMessage> sent = saga.handle(msg.rollbackFailed());

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationFailed.class, f -> assertThat(f.reason())
                .contains("rollback failed on host-a", "criu restore failed", saga.archive()));
        assertThat(saga.sent).noneMatch(m -> m instanceof CancelRestoreCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().getError()).contains("rollback failed on host-a");
    }

    @Test
    void rollbackThatLeftTheContainerStoppedFailsNamingTheArchive() {
        saga.given(MigrationState.ROLLING_BACK);

        List<MigrationMessage> sent = saga.handle(msg.rolledBack(false));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationFailed.class, f -> assertThat(f.reason())
                .contains("without the container running on host-a", saga.archive()));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
    }

    @Test
    void rollbackFailureOutsideARollbackIsIgnored() {
        saga.given(MigrationState.RESTORING);

        assertThat(saga.handle(msg.rollbackFailed())).isEmpty();
        assertThat(saga.handle(msg.rolledBack(true))).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void checkpointFailureAfterTheCheckpointCompletedIsIgnored() {
        saga.given(MigrationState.RESTORING);

        assertThat(saga.handle(msg.checkpointFailed(false))).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void restoreFailureOutsideTheRestoreIsIgnored() {
        saga.given(MigrationState.UPLOADING);

        assertThat(saga.handle(msg.restoreFailed())).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.UPLOADING);
    }
}
