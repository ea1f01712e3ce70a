package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/** Holes found in review of issue 14 (interleavings across epochs, hostile headers). */
class MigrationPolicyReviewTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    /**
     * A restore silent past its timeout is asked again (a second RestoreCommand, epoch 0, its own id); the first
     * one then fails. If the source rolls back at once, the second RestoreCommand, already in the target's topic
     * and of an epoch the target has not seen passed (the rollback went to the source only), restores a copy on
     * the target whose RestoreCompleted is stale: two running copies. The cancel, queued behind it, fences it.
     */
    @Test
    void aRestoreFailedAfterTheRestoreWasSentAgainCancelsOnTheTargetBeforeTheSourceRollsBack() {
        saga.given(MigrationState.RESTORING);
        saga.handle(msg.timedOut(MigrationState.RESTORING, 100)); // the probe: a second RestoreCommand is out

        List<MigrationMessage> sent = saga.handle(msg.restoreFailed()); // the first restore's answer

        assertThat(sent).singleElement().isInstanceOfSatisfying(CancelRestoreCommand.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(TARGET);
            assertThat(c.meta().epoch()).isEqualTo(1);
        });
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
    }

    /**
     * A MigrateRequested from Kafka carries a header its requester chose. Its epoch must not become the
     * migration's: at Long.MAX_VALUE the rollback's epoch + 1 wraps to Long.MIN_VALUE and the source, which saw
     * the checkpoint's MAX_VALUE, refuses the rollback: the container stays stopped (zero running copies).
     */
    @Test
    void aRequestersEpochDoesNotBecomeTheMigrationsEpoch() {
        MigrateRequested hostile = new MigrateRequested(new Meta(msg.id + "/requested", msg.id, MigrationPolicy.GATEWAY,
                Instant.EPOCH, Meta.VERSION, Long.MAX_VALUE), CONTAINER, SOURCE, TARGET, MigrationOptions.defaults());

        List<MigrationMessage> sent = saga.handle(hostile);
        long checkpointEpoch = sent.stream().filter(m -> m instanceof CheckpointCommand).findFirst().orElseThrow()
                .meta().epoch();
        saga.handle(msg.checkpointStarted());
        List<MigrationMessage> onTimeout = saga.handle(msg.timedOut(MigrationState.CHECKPOINTING));

        assertThat(onTimeout).singleElement().isInstanceOfSatisfying(RollbackCommand.class,
                r -> assertThat(r.meta().epoch()).as("a rollback fences the checkpoint").isGreaterThan(checkpointEpoch));
    }

    /**
     * The target did not answer the cancel in time, so it went again (cancel-restore-again). The first cancel's
     * answer then says the copy runs and could not be removed: FAILED, "runs on the target, the source stays
     * stopped". The second cancel removes it after all. That answer must bring the source back: ignored, the
     * container runs nowhere and FAILED still says it runs on the target.
     */
    @Test
    void aLaterCancelThatRemovedTheTargetCopyAfterAFailedOneBringsTheSourceBack() {
        saga.given(MigrationState.RESTORING);
        saga.handleAll(msg.timedOut(MigrationState.RESTORING, 100), msg.timedOut(MigrationState.RESTORING, 200, 1));
        List<MigrationMessage> again = saga.handle(msg.timedOut(MigrationState.ROLLING_BACK, 300));
        CancelRestoreCommand second = (CancelRestoreCommand) again.get(0);
        String first = saga.sent.stream().filter(m -> m instanceof CancelRestoreCommand).findFirst().orElseThrow().meta().id();

        List<MigrationMessage> onFirst = saga.handle(new RestoreCancelled(new Meta(first + "/cancelled", msg.id, TARGET,
                SagaMessages.at(310), Meta.VERSION, 1), false, true, true, "runc delete: device busy"));
        assertThat(onFirst).singleElement().isInstanceOf(MigrationFailed.class);

        List<MigrationMessage> onSecond = saga.handle(new RestoreCancelled(new Meta(second.meta().id() + "/cancelled", msg.id,
                TARGET, SagaMessages.at(320), Meta.VERSION, 1), true, false, false, null));

        assertThat(onSecond).as("the target's copy is gone: the source must run again")
                .singleElement().isInstanceOf(RollbackCommand.class);
    }
}
