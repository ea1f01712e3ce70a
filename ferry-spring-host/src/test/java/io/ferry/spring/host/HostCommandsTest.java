package io.ferry.spring.host;

import io.ferry.core.host.Host;
import io.ferry.protocol.DumpStatistics;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointDumped;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import io.ferry.protocol.MigrationMessage.UploadProgress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Idempotent command handling of a host service, with a fake side (records what it carried out) and
 * a recording publisher: no Kafka, no runc, no CRIU.
 */
class HostCommandsTest {
    private static final String ARCHIVE = "registry://registry:5000/ferry/web@m1";

    @TempDir
    Path root;

    private RecordingEvents events;
    private ProcessedCommands processed;
    private FakeSourceSide side;

    @BeforeEach
    void startService() {
        events = new RecordingEvents();
        processed = newProcessedCommands();
        side = new FakeSourceSide(events, processed);
    }

    private ProcessedCommands newProcessedCommands() {
        return new ProcessedCommands(new Host("h1", root),
                new MockEnvironment().withProperty("spring.application.name", "checkpoint-service"));
    }

    private static Meta commandMeta(String id) {
        return new Meta(id, "m1", "h1", Instant.parse("2025-01-02T03:04:05Z"), Meta.VERSION);
    }

    private static CheckpointCommand checkpoint(String id) {
        return new CheckpointCommand(commandMeta(id), "web", ARCHIVE, false, true, "h2");
    }

    private static FinalizeCommand finalizeCommand(String id) {
        return new FinalizeCommand(commandMeta(id), "web");
    }

    @Test
    void aCommandIsCarriedOutOnceAndARedeliveryGetsTheSameRepliesAgain() {
        // given a checkpoint command that was carried out
        String json = MessageCodec.encode(checkpoint("m1/checkpoint"));
        side.onRecord(json);
        List<MigrationMessage> firstReplies = events.replies();
        assertThat(side.carriedOut).hasSize(1);
        assertThat(firstReplies).extracting(m -> m.meta().id())
                .containsExactly("m1/checkpoint/started", "m1/checkpoint/dumped", "m1/checkpoint/completed");
        events.published.clear();

        // when the same record is delivered again
        side.onRecord(json);

        // then it is not carried out again, and the replies are sent again: same ids, same content
        assertThat(side.carriedOut).hasSize(1);
        assertThat(events.published).containsExactlyElementsOf(firstReplies);
        assertThat(events.published.stream().map(MessageCodec::encode))
                .containsExactlyElementsOf(firstReplies.stream().map(MessageCodec::encode).toList());
    }

    @Test
    void aDuplicateIsRecognisedByItsIdAlone() {
        // given a finalize command that was carried out
        side.handle(finalizeCommand("m1/finalize"));
        List<MigrationMessage> firstReplies = List.copyOf(events.published);
        events.published.clear();

        // when a command with the same id but another body arrives (a duplicate resent with a new timestamp)
        side.handle(new FinalizeCommand(new Meta("m1/finalize", "m1", "h1", Instant.now(), Meta.VERSION), "web"));

        // then it is answered from the record
        assertThat(side.carriedOut).hasSize(1);
        assertThat(events.published).containsExactlyElementsOf(firstReplies);
    }

    @Test
    void differentCommandsAreEachCarriedOut() {
        // given
        CheckpointCommand checkpoint = checkpoint("m1/checkpoint");
        FinalizeCommand finalize = finalizeCommand("m1/finalize");
        CheckpointCommand retry = checkpoint("m1/checkpoint/retry-1"); // derived from another id: not a duplicate

        // when
        side.handle(checkpoint);
        side.handle(finalize);
        side.handle(retry);

        // then
        assertThat(side.carriedOut).containsExactly(checkpoint, finalize, retry);
        assertThat(events.replies()).extracting(m -> m.meta().id()).containsExactly(
                "m1/checkpoint/started", "m1/checkpoint/dumped", "m1/checkpoint/completed",
                "m1/finalize/finalized",
                "m1/checkpoint/retry-1/started", "m1/checkpoint/retry-1/dumped", "m1/checkpoint/retry-1/completed");
    }

    @Test
    void afterARestartARedeliveryIsAnsweredFromDisk() {
        // given a command carried out before the service stopped
        side.handle(checkpoint("m1/checkpoint"));
        List<MigrationMessage> firstReplies = events.replies();

        // when a new service over the same host root gets the command again (its offset was not committed)
        RecordingEvents eventsAfterRestart = new RecordingEvents();
        FakeSourceSide afterRestart = new FakeSourceSide(eventsAfterRestart, newProcessedCommands());
        afterRestart.onRecord(MessageCodec.encode(checkpoint("m1/checkpoint")));

        // then it carries out nothing and sends the recorded replies
        assertThat(afterRestart.carriedOut).isEmpty();
        assertThat(eventsAfterRestart.published).containsExactlyElementsOf(firstReplies);
    }

    @Test
    void aCommandWhoseHandlingCrashedIsNotRecordedAndIsCarriedOutAgainOnRedelivery() {
        // given handling that sends a first reply and then dies before the command is recorded
        side.crashAfterFirstReply = true;
        assertThatThrownBy(() -> side.handle(checkpoint("m1/checkpoint")))
                .isInstanceOf(IllegalStateException.class).hasMessage("crash");
        assertThat(side.carriedOut).hasSize(1);
        assertThat(processed.replies("m1/checkpoint")).isEmpty();
        assertThat(events.published).extracting(m -> m.meta().id()).containsExactly("m1/checkpoint/started");

        // when the command is delivered again (to the restarted service)
        RecordingEvents eventsAfterRestart = new RecordingEvents();
        FakeSourceSide afterRestart = new FakeSourceSide(eventsAfterRestart, newProcessedCommands());
        afterRestart.handle(checkpoint("m1/checkpoint"));

        // then it is carried out again, with the same derived reply ids, and now recorded
        assertThat(afterRestart.carriedOut).hasSize(1);
        assertThat(eventsAfterRestart.replies()).extracting(m -> m.meta().id())
                .containsExactly("m1/checkpoint/started", "m1/checkpoint/dumped", "m1/checkpoint/completed");
        assertThat(processed.replies("m1/checkpoint")).hasValue(eventsAfterRestart.replies());
    }

    @Test
    void progressSentWithPublishIsNotRepeatedOnRedelivery() {
        // given a checkpoint that sent upload progress along with its replies
        side.handle(checkpoint("m1/checkpoint"));
        assertThat(events.published).filteredOn(UploadProgress.class::isInstance).hasSize(2);
        events.published.clear();

        // when it is delivered again
        side.handle(checkpoint("m1/checkpoint"));

        // then only the replies are sent again, no progress
        assertThat(events.published).isNotEmpty().noneMatch(UploadProgress.class::isInstance);
        assertThat(processed.replies("m1/checkpoint")).hasValueSatisfying(
                replies -> assertThat(replies).noneMatch(UploadProgress.class::isInstance));
    }

    @Test
    void aFerryMessageThatIsNotACommandIsSkipped() throws IOException {
        // given a report (not a command) on the command topic
        String report = MessageCodec.encode(new SourceFinalized(commandMeta("m1/finalize/finalized")));

        // when
        side.onRecord(report);

        // then nothing is carried out, sent or recorded
        assertThat(side.attempts).isZero();
        assertThat(events.published).isEmpty();
        assertThat(processed.replies("m1/finalize/finalized")).isEmpty();
        assertThat(recordFiles()).isEmpty();
    }

    @Test
    void somethingThatIsNotAFerryMessageIsRejectedAsIllegalArgument() throws IOException {
        // given records that cannot be decoded; when / then: IllegalArgumentException, which the Kafka
        // error handler does not retry
        for (String json : List.of("{not json", "", "[]", "42", "{\"type\":\"NoSuchCommand\",\"meta\":{\"id\":\"x\"}}",
                "{\"meta\":{\"id\":\"x\"},\"container\":\"web\"}")) {
            assertThatThrownBy(() -> side.onRecord(json)).as("record %s", json)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(side.attempts).isZero();
        assertThat(events.published).isEmpty();
        assertThat(recordFiles()).isEmpty();
    }

    @Test
    void aRecordThatIsNullOrACommandWithoutAnIdIsRejectedAsIllegalArgument() {
        // given records that decode, but not to a command that can be handled; when / then
        for (String json : List.of("null",
                "{\"type\":\"FinalizeCommand\",\"container\":\"web\"}",
                "{\"type\":\"FinalizeCommand\",\"meta\":null,\"container\":\"web\"}",
                "{\"type\":\"FinalizeCommand\",\"meta\":{\"migrationId\":\"m1\",\"schemaVersion\":1},\"container\":\"web\"}")) {
            assertThatThrownBy(() -> side.onRecord(json)).as("record %s", json)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(side.attempts).isZero();
        assertThat(events.published).isEmpty();
    }

    @Test
    void aCommandTypeThisSideDoesNotHandleIsNotRecorded() throws IOException {
        // given a restore command sent to a source side
        RestoreCommand restore = new RestoreCommand(commandMeta("m1/restore"), ARCHIVE, null, false, "sha256:" + "cd".repeat(32), "h0", null);

        // when it is delivered (twice)
        side.onRecord(MessageCodec.encode(restore));
        side.onRecord(MessageCodec.encode(restore));

        // then it is offered to the side each time, nothing is sent and no record is made
        assertThat(side.attempts).isEqualTo(2);
        assertThat(side.carriedOut).isEmpty();
        assertThat(events.published).isEmpty();
        assertThat(processed.replies("m1/restore")).isEmpty();
        assertThat(recordFiles()).isEmpty();
    }

    @Test
    void aCommandOfAnEpochTheMigrationHasLeftIsRefusedReportedAndStaysRefusedAfterARestart() {
        // given a finalize of epoch 1 carried out (the gateway turned the migration around once)
        FinalizeCommand epoch1 = new FinalizeCommand(commandMeta("m1/finalize").withEpoch(1), "web");
        side.handle(epoch1);
        events.published.clear();

        // when a checkpoint decided in epoch 0 arrives late, at this service and at a restarted one
        CheckpointCommand late = new CheckpointCommand(commandMeta("m1/checkpoint"), "web", ARCHIVE, false, true, "h2");
        side.handle(late);
        RecordingEvents eventsAfterRestart = new RecordingEvents();
        FakeSourceSide afterRestart = new FakeSourceSide(eventsAfterRestart, newProcessedCommands());
        afterRestart.handle(new CheckpointCommand(commandMeta("m1/checkpoint/again"), "web", ARCHIVE, false, true, "h2"));

        // then neither carries it out; each reports the refusal, naming the command and the epoch seen
        assertThat(side.carriedOut).containsExactly(epoch1);
        assertThat(afterRestart.carriedOut).isEmpty();
        assertThat(events.published).singleElement().isInstanceOfSatisfying(MigrationMessage.CommandRefused.class, r -> {
            assertThat(r.meta().id()).isEqualTo("m1/checkpoint/refused");
            assertThat(r.meta().epoch()).isZero();
            assertThat(r.command()).isEqualTo("CheckpointCommand");
            assertThat(r.commandId()).isEqualTo("m1/checkpoint");
            assertThat(r.seenEpoch()).isEqualTo(1);
        });
        assertThat(eventsAfterRestart.published).singleElement().isInstanceOf(MigrationMessage.CommandRefused.class);
    }

    @Test
    void commandsOfTheCurrentOrAHigherEpochAreCarriedOutAndOtherMigrationsAreNotFenced() {
        side.handle(new FinalizeCommand(commandMeta("m1/finalize").withEpoch(2), "web"));
        side.handle(new FinalizeCommand(commandMeta("m1/finalize/again").withEpoch(2), "web"));
        side.handle(new FinalizeCommand(new Meta("m2/finalize", "m2", "h1", Instant.now(), Meta.VERSION), "web"));

        assertThat(side.carriedOut).hasSize(3);
        assertThat(events.published).noneMatch(MigrationMessage.CommandRefused.class::isInstance);
        assertThat(events.published).extracting(m -> m.meta().epoch()).containsExactly(2L, 2L, 0L);
    }

    @Test
    void aLongRestoreTicksWhileItRunsAndTheTicksAreNoReplies() {
        side.setProgressTick(java.time.Duration.ofMillis(40));
        side.restoreTakes = 300;
        RestoreCommand restore = new RestoreCommand(commandMeta("m1/restore"), ARCHIVE, null, false, "sha256:" + "cd".repeat(32), "h0", null);

        side.handle(restore);
        int published = events.published.size();

        assertThat(events.published).filteredOn(MigrationMessage.RestoreProgress.class::isInstance)
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(p -> assertThat(p.meta().id()).startsWith("m1/restore/still-restoring-"));
        assertThat(processed.replies("m1/restore")).hasValueSatisfying(replies -> assertThat(replies)
                .noneMatch(MigrationMessage.RestoreProgress.class::isInstance));
        side.restoreTakes = 0;
        side.handle(new RestoreCommand(commandMeta("m1/restore-quick"), ARCHIVE, null, false, "sha256:" + "cd".repeat(32), "h0", null));
        assertThat(events.published.subList(published, events.published.size()))
                .noneMatch(MigrationMessage.RestoreProgress.class::isInstance);
    }

    private List<Path> recordFiles() throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** Our EventPublisher without Kafka: remembers what it was asked to send. */
    @Test
    void aServiceKilledRightAfterSendingAnOutcomeAnswersTheRedeliveryFromItsRecordWithoutCarryingItOutAgain() {
        // the process dies the instant the outcome has gone out: nothing after the send runs
        RecordingEvents dying = new RecordingEvents() {
            @Override
            public void publish(MigrationMessage message) {
                super.publish(message);
                if (message instanceof CheckpointCompleted) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        FakeSourceSide before = new FakeSourceSide(dying, processed);
        String json = MessageCodec.encode(checkpoint("m1/checkpoint"));
        assertThatThrownBy(() -> before.onRecord(json)).hasMessage("killed");

        FakeSourceSide restarted = new FakeSourceSide(events, newProcessedCommands());
        restarted.onRecord(json);

        assertThat(restarted.carriedOut).as("the checkpoint is not taken a second time").isEmpty();
        assertThat(events.replies()).extracting(m -> m.meta().id())
                .containsExactly("m1/checkpoint/started", "m1/checkpoint/dumped", "m1/checkpoint/completed");
    }

    @Test
    void aRestoredMigrationIsRememberedAcrossRestarts() {
        processed.restored().record("m1", "ab".repeat(32));
        assertThat(newProcessedCommands().restored().containerOf("m1")).hasValue("ab".repeat(32));
        assertThat(newProcessedCommands().restored().containerOf("m2")).isEmpty();
    }

    static class RecordingEvents extends EventPublisher {
        final List<MigrationMessage> published = java.util.Collections.synchronizedList(new ArrayList<>());

        RecordingEvents() {
            super(null, new Host("h1", Path.of("/nonexistent")));
        }

        @Override
        public void publish(MigrationMessage message) {
            published.add(message);
        }

        /** What was sent, without progress events. */
        List<MigrationMessage> replies() {
            return published.stream().filter(m -> !(m instanceof UploadProgress)).toList();
        }
    }

    /**
     * A source side that carries out checkpoint and finalize commands by sending replies (with fresh
     * timestamps, as the real side does), and remembers each command it carried out.
     */
    static final class FakeSourceSide extends HostCommands {
        final List<MigrationMessage.Command> carriedOut = new ArrayList<>();
        int attempts;
        boolean crashAfterFirstReply;
        /** A RestoreCommand takes this long (ms) and answers RestoreFailed; 0 leaves restores unhandled. */
        volatile long restoreTakes;

        FakeSourceSide(EventPublisher events, ProcessedCommands processed) {
            super(events, processed);
        }

        @Override
        protected boolean carryOut(MigrationMessage.Command command, List<MigrationMessage> replies) {
            attempts++;
            if (command instanceof CheckpointCommand c) {
                carriedOut.add(c);
                emit(replies, new CheckpointStarted(c.meta().reply("started", "h1"), "0123456789abcdef".repeat(4)));
                if (crashAfterFirstReply) {
                    throw new IllegalStateException("crash");
                }
                Instant frozenAt = Instant.now();
                emit(replies, new CheckpointDumped(c.meta().reply("dumped", "h1"), frozenAt, 12));
                publish(new UploadProgress(c.meta().reply("uploaded-1024", "h1"), 1024));
                publish(new UploadProgress(c.meta().reply("uploaded-2048", "h1"), 2048));
                emit(replies, new CheckpointCompleted(c.meta().reply("completed", "h1"), c.archive(),
                        "sha256:" + "ab".repeat(32), 2048, frozenAt, 12, 34,
                        new DumpStatistics(1, 2, 3, 4, 5, 6, 7, 8), "sha256:" + "cd".repeat(32), null));
                return true;
            }
            if (command instanceof RestoreCommand r && restoreTakes > 0) {
                carriedOut.add(r);
                try {
                    Thread.sleep(restoreTakes); // a long restore (the engine's work)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                emit(replies, new MigrationMessage.RestoreFailed(r.meta().reply("failed", "h1"), "no image"));
                return true;
            }
            if (command instanceof FinalizeCommand f) {
                carriedOut.add(f);
                emit(replies, new SourceFinalized(f.meta().reply("finalized", "h1")));
                return true;
            }
            return false;
        }
    }
}
