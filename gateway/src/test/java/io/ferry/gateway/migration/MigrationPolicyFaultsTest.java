package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CommandRefused;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static io.ferry.gateway.migration.SagaMessages.TURNED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saga's decisions under faults (issue 14): one migration per container, epochs (fencing), a finalize
 * that finds two copies, a cancel that cannot remove the target's copy. Pure logic: no Spring, no database.
 */
class MigrationPolicyFaultsTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    @Test
    void aContainerAlreadyBeingMigratedIsRefusedNamingTheRunningMigration() {
        saga.context.activeMigration = Optional.of("m-0");

        List<MigrationMessage> sent = saga.handle(msg.requested());

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationRejected.class, r -> assertThat(r.reason())
                .isEqualTo("container web on host-a is already being migrated by migration m-0"));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().getContainerId()).as("a refused migration holds no container").isNull();
        assertThat(saga.sent).noneMatch(CheckpointCommand.class::isInstance);
    }

    @Test
    void anAcceptedMigrationRecordsTheContainersIdWhateverTheRequestCalledIt() {
        List<MigrationMessage> sent = saga.handle(msg.requested());

        assertThat(sent.get(0)).isInstanceOfSatisfying(MigrationAccepted.class, a -> assertThat(a.containerId()).isEqualTo("c0ffee"));
        assertThat(saga.m().getContainerId()).isEqualTo("c0ffee");
        assertThat(saga.m().getEpoch()).isZero();
    }

    @Test
    void finalizeThatFindsTheSourceRunningRemovesTheTargetsCopyAndNeverCompletes() {
        saga.given(MigrationState.FINALIZING);

        List<MigrationMessage> onFinalized = saga.handle(new SourceFinalized(msg.meta("finalized-running", SOURCE, 9), true));

        assertThat(onFinalized).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(TARGET);
            assertThat(c.meta().epoch()).isEqualTo(TURNED);
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
        assertThat(saga.handle(msg.rolledBack(true))).singleElement().isInstanceOfSatisfying(MigrationRolledBack.class,
                r -> assertThat(r.reason()).contains("finalize found web running on host-a as well", "never two"));
        assertThat(saga.sent).noneMatch(MigrationCompleted.class::isInstance);
        assertThat(saga.m().getFinalizedAt()).isNull();
    }

    @Test
    void aTargetCopyThatRunsAndCouldNotBeRemovedKeepsTheSourceStoppedAndSaysWhere() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(10));

        List<MigrationMessage> sent = saga.handle(new RestoreCancelled(msg.meta("cancel-failed", TARGET, 15).withEpoch(TURNED),
                false, true, true, "runc delete: device busy"));

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationFailed.class, f -> assertThat(f.reason())
                .contains("runc delete: device busy", "runs on host-b", "stopped copy on host-a keeps its checkpoint"));
        assertThat(saga.sent).noneMatch(RollbackCommand.class::isInstance);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
    }

    @Test
    void nothingOnTheTargetOrAStoppedLeftoverStillRollsTheSourceBack() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(10));

        List<MigrationMessage> sent = saga.handle(new RestoreCancelled(msg.meta("cancel-left", TARGET, 15).withEpoch(TURNED),
                false, true, false, "rm: busy"));

        assertThat(sent).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void reportsOfAnEpochTheMigrationHasLeftAreNeitherFoldedInNorActedOn() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.cancel(10)); // epoch 0 -> 1: CancelRestoreCommand
        Migration before = Saga.snapshot(saga.m());

        List<MigrationMessage> sent = saga.handleAll(msg.restoreCompleted(), msg.restoreFailed());

        assertThat(sent).isEmpty();
        assertThat(saga.m()).usingRecursiveComparison().ignoringFields("lastSeq").isEqualTo(before);
    }

    @Test
    void aHostsRefusalIsLoggedAndChangesNothing() {
        saga.given(MigrationState.ROLLING_BACK);
        Migration before = Saga.snapshot(saga.m());

        List<MigrationMessage> sent = saga.handle(new CommandRefused(new Meta("m-1/requested/checkpoint/refused", "m-1", SOURCE,
                SagaMessages.at(30), Meta.VERSION), "CheckpointCommand", "m-1/requested/checkpoint", 1));

        assertThat(sent).isEmpty();
        assertThat(saga.m()).usingRecursiveComparison().ignoringFields("lastSeq").isEqualTo(before);
    }

    @Test
    void everyCommandCarriesTheEpochItWasDecidedIn() {
        saga.given(MigrationState.ROLLING_BACK); // a failed restore turned it around

        assertThat(saga.sent).filteredOn(m -> m instanceof MigrationMessage.Command)
                .extracting(m -> m.type() + "@" + m.meta().epoch())
                .containsExactly("CheckpointCommand@0", "RestoreCommand@0", "RollbackCommand@1");
        assertThat(saga.m().getEpoch()).isEqualTo(1);
    }
}
