package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
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
}
