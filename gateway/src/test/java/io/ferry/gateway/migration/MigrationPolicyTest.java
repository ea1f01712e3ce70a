package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/** The happy path: which state each message leads to, and what the coordinator sends at each step, to whom. */
class MigrationPolicyTest {
    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    @Test
    void acceptedRequestReservesTheArchiveAndOrdersTheSourceToCheckpoint() {
        List<MigrationMessage> sent = saga.handle(msg.requested());

        assertThat(saga.context.preflighted).containsExactly(msg.requested());
        assertThat(sent).hasSize(2);
        MigrationAccepted accepted = (MigrationAccepted) sent.get(0);
        assertThat(accepted.archive()).isEqualTo(Saga.REGISTRY + "m-1");
        assertThat(accepted.meta().hostId()).isEqualTo(MigrationPolicy.GATEWAY);
        assertThat(accepted.meta().migrationId()).isEqualTo("m-1");
        CheckpointCommand checkpoint = (CheckpointCommand) sent.get(1);
        assertThat(checkpoint.meta().hostId()).isEqualTo(SOURCE);
        assertThat(checkpoint.meta().migrationId()).isEqualTo("m-1");
        assertThat(checkpoint.container()).isEqualTo(CONTAINER);
        assertThat(checkpoint.archive()).isEqualTo(Saga.REGISTRY + "m-1");
        assertThat(checkpoint.leaveRunning()).isFalse();
        assertThat(checkpoint.tcpEstablished()).isFalse();
        assertThat(Topics.commandTopic(checkpoint)).isEqualTo(Topics.checkpointCommands(SOURCE));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.CHECKPOINTING);
        assertThat(saga.m().getArchive()).isEqualTo(Saga.REGISTRY + "m-1");
    }

    @Test
    void decisionIdsDeriveFromTheRequestSoARedeliveredRequestDecidesTheSameIds() {
        List<MigrationMessage> sent = saga.handle(msg.requested());

        assertThat(sent).extracting(m -> m.meta().id())
                .containsExactly("m-1/requested/accepted", "m-1/requested/checkpoint");
        assertThat(MigrationPolicy.react(saga.m(), null, msg.requested(), saga.context))
                .extracting(m -> m.meta().id()).containsExactly("m-1/requested/accepted", "m-1/requested/checkpoint");
    }

    @Test
    void keepAndConnectionOptionsReachTheCheckpointCommand() {
        List<MigrationMessage> sent = saga.handle(msg.requested(new MigrationOptions(true, true, null)));

        CheckpointCommand checkpoint = (CheckpointCommand) sent.get(1);
        assertThat(checkpoint.targetHost()).as("the host the archive is signed for").isEqualTo(SagaMessages.TARGET);
        assertThat(checkpoint.leaveRunning()).isTrue();
        assertThat(checkpoint.tcpEstablished()).isTrue();
    }

    @Test
    void refusedPreflightRejectsWithTheReasonAndCommandsNoHost() {
        saga.context.refusal = Optional.of("container web is not running on host-a");

        List<MigrationMessage> sent = saga.handle(msg.requested());

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationRejected.class, r -> {
            assertThat(r.reason()).isEqualTo("container web is not running on host-a");
            assertThat(r.meta().hostId()).isEqualTo(MigrationPolicy.GATEWAY);
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(saga.m().getError()).isEqualTo("container web is not running on host-a");
        assertThat(saga.m().getArchive()).isNull();
    }

    @Test
    void checkpointProgressRepliesSendNothing() {
        saga.given(MigrationState.CHECKPOINTING);

        assertThat(saga.handleAll(msg.checkpointStarted(), msg.dumped(), msg.uploaded(100), msg.uploaded(2_000)))
                .isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.UPLOADING);
    }

    @Test
    void completedCheckpointOrdersTheTargetToRestoreTheArchive() {
        saga.given(MigrationState.UPLOADING);

        List<MigrationMessage> sent = saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RestoreCommand.class, r -> {
            assertThat(r.meta().hostId()).isEqualTo(TARGET);
            assertThat(r.meta().migrationId()).isEqualTo("m-1");
            assertThat(r.archive()).isEqualTo(saga.archive());
            assertThat(r.name()).isNull();
            assertThat(r.tcpEstablished()).isFalse();
            assertThat(Topics.commandTopic(r)).isEqualTo(Topics.restoreCommands(TARGET));
            // pinned to the manifest the source reported, naming the signer to expect; the wrapped key passes through
            assertThat(r.manifestDigest()).isEqualTo(SagaMessages.MANIFEST);
            assertThat(r.sourceHost()).isEqualTo(SagaMessages.SOURCE);
            assertThat(r.wrappedKey()).isEqualTo(SagaMessages.WRAPPED_KEY);
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void checkpointCompletedBeforeAnyDumpReportStillOrdersTheRestore() {
        saga.given(MigrationState.CHECKPOINTING);

        List<MigrationMessage> sent = saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(sent).singleElement().isInstanceOf(RestoreCommand.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void restoreCarriesTheNewNameAndConnectionsOption() {
        saga.given(MigrationState.UPLOADING, new MigrationOptions(false, true, "web-2"));

        List<MigrationMessage> sent = saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(sent).singleElement().isInstanceOfSatisfying(RestoreCommand.class, r -> {
            assertThat(r.name()).isEqualTo("web-2");
            assertThat(r.tcpEstablished()).isTrue();
        });
    }

    @Test
    void restoreProgressRepliesSendNothing() {
        saga.given(MigrationState.UPLOADING);
        saga.handle(msg.checkpointCompleted(saga.archive()));

        assertThat(saga.handleAll(msg.restoreStarted(), msg.restoreProgress())).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }

    @Test
    void restoredContainerIsFinalizedOnTheSource() {
        saga.given(MigrationState.RESTORING);

        List<MigrationMessage> sent = saga.handle(msg.restoreCompleted());

        assertThat(sent).singleElement().isInstanceOfSatisfying(FinalizeCommand.class, f -> {
            assertThat(f.meta().hostId()).isEqualTo(SOURCE);
            assertThat(f.container()).isEqualTo(CONTAINER);
            assertThat(Topics.commandTopic(f)).isEqualTo(Topics.checkpointCommands(SOURCE));
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FINALIZING);
    }

    @Test
    void finalizedSourceCompletesWithDowntimeFromFreezeToRunningOnTheTarget() {
        saga.given(MigrationState.FINALIZING);

        List<MigrationMessage> sent = saga.handle(msg.finalized());

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationCompleted.class, c -> {
            assertThat(c.meta().hostId()).isEqualTo(MigrationPolicy.GATEWAY);
            assertThat(c.downtimeMillis()).isEqualTo(5_000); // frozen at +2s, running at +7s
            assertThat(c.totalMillis()).isEqualTo(9_000); // requested at 0, finalized at +9s
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
        assertThat(saga.m().getDowntimeMillis()).isEqualTo(5_000);
        assertThat(saga.m().getTotalMillis()).isEqualTo(9_000);
        assertThat(saga.m().getError()).isNull();
    }

    @Test
    void keptSourceCompletesRightAfterTheRestoreWithTheDumpAsDowntime() {
        saga.given(MigrationState.RESTORING, new MigrationOptions(true, false, null));

        List<MigrationMessage> sent = saga.handle(msg.restoreCompleted());

        assertThat(sent).singleElement().isInstanceOfSatisfying(MigrationCompleted.class, c -> {
            assertThat(c.downtimeMillis()).isEqualTo(1_000); // the source only paused for the dump
            assertThat(c.totalMillis()).isEqualTo(8_000);
        });
        assertThat(sent).noneMatch(m -> m instanceof FinalizeCommand);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
    }

    @Test
    void moveWalksEveryStateInOrderAndSendsOneCommandPerStep() {
        List<MigrationState> states = new ArrayList<>();
        List<MigrationMessage> replies = List.of(msg.requested(), msg.checkpointStarted(), msg.dumped(),
                msg.uploaded(2_048), msg.checkpointCompleted(saga.archive()), msg.restoreStarted(),
                msg.restoreProgress(), msg.restoreCompleted(), msg.finalized());
        for (MigrationMessage reply : replies) {
            saga.handle(reply);
            if (states.isEmpty() || states.get(states.size() - 1) != saga.m().getState()) {
                states.add(saga.m().getState());
            }
        }

        assertThat(states).containsExactly(MigrationState.CHECKPOINTING, MigrationState.UPLOADING,
                MigrationState.RESTORING, MigrationState.FINALIZING, MigrationState.COMPLETED);
        assertThat(saga.sent).extracting(MigrationMessage::type).containsExactly("MigrationAccepted",
                "CheckpointCommand", "RestoreCommand", "FinalizeCommand", "MigrationCompleted");
        assertThat(saga.m().getEndedAt()).isNotNull();
    }

    @Test
    void endedMigrationDecidesNothingWhateverArrives() {
        saga.given(MigrationState.COMPLETED);
        Migration m = saga.m();

        for (MigrationMessage late : msg.everyReply(saga.archive())) {
            assertThat(MigrationPolicy.react(m, MigrationState.COMPLETED, late, saga.context))
                    .as("after %s", late.type()).isEmpty();
        }
        assertThat(MigrationPolicy.react(m, MigrationState.FAILED, msg.timedOut(MigrationState.FAILED), saga.context))
                .isEmpty();
        assertThat(MigrationPolicy.react(m, MigrationState.ROLLED_BACK, msg.cancel(), saga.context)).isEmpty();
        assertThat(MigrationPolicy.react(m, MigrationState.COMPLETED, msg.requested(), saga.context))
                .as("a request for an ended migration starts nothing").isEmpty();
    }
}
