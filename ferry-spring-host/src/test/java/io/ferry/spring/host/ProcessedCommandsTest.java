package io.ferry.spring.host;

import io.ferry.core.host.Host;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointDumped;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessedCommandsTest {
    private static final Instant AT = Instant.parse("2025-01-02T03:04:05.123456789Z");

    @TempDir
    Path root;

    private ProcessedCommands processed(String applicationName) {
        MockEnvironment env = new MockEnvironment();
        if (applicationName != null) {
            env.setProperty("spring.application.name", applicationName);
        }
        return new ProcessedCommands(new Host("h1", root), env);
    }

    private static Meta meta(String id) {
        return new Meta(id, "m1", "h1", AT, Meta.VERSION);
    }

    @Test
    void aCommandNeverRecordedHasNoReplies() {
        // given a host root where nothing was handled yet
        ProcessedCommands processed = processed("checkpoint-service");

        // when / then
        assertThat(processed.replies("m1/checkpoint")).isEmpty();
        assertThat(root.resolve("services")).doesNotExist(); // asking creates nothing
    }

    @Test
    void recordedRepliesAreReadBackInOrderWithTheirIdsAndContent() {
        // given
        ProcessedCommands processed = processed("checkpoint-service");
        List<MigrationMessage> replies = List.of(
                new CheckpointStarted(meta("c1/started"), "abc123".repeat(10) + "abcd"),
                new CheckpointDumped(meta("c1/dumped"), AT.plusMillis(7), 42));

        // when
        processed.record("c1", replies);

        // then
        assertThat(processed.replies("c1")).hasValueSatisfying(read -> {
            assertThat(read).containsExactlyElementsOf(replies);
            assertThat(read).extracting(m -> m.meta().id()).containsExactly("c1/started", "c1/dumped");
            assertThat(read.stream().map(MessageCodec::encode))
                    .containsExactlyElementsOf(replies.stream().map(MessageCodec::encode).toList());
        });
    }

    @Test
    void aCommandRecordedWithNoRepliesIsStillKnownAsHandled() {
        // given
        ProcessedCommands processed = processed("restore-service");

        // when
        processed.record("c-empty", List.of());

        // then: an empty record, not "never handled"
        assertThat(processed.replies("c-empty")).hasValue(List.of());
    }

    @Test
    void recordsSurviveARestartOverTheSameRoot() {
        // given replies recorded by one instance
        processed("checkpoint-service").record("c1", List.of(new SourceFinalized(meta("c1/finalized"))));

        // when a new instance (the service restarted) reads the same root
        ProcessedCommands afterRestart = processed("checkpoint-service");

        // then
        assertThat(afterRestart.replies("c1")).hasValue(List.of(new SourceFinalized(meta("c1/finalized"))));
    }

    @Test
    void recordsLiveUnderTheServicesNameAndServicesOnOneHostDoNotSeeEachOthers() throws IOException {
        // given two services on the same host root
        ProcessedCommands checkpointing = processed("checkpoint-service");
        ProcessedCommands restoring = processed("restore-service");

        // when one records a command
        checkpointing.record("c1", List.of(new SourceFinalized(meta("c1/finalized"))));

        // then only that one knows it, and its file is in its own directory
        assertThat(restoring.replies("c1")).isEmpty();
        assertThat(regularFiles(root)).singleElement()
                .satisfies(f -> assertThat(f.getParent()).isEqualTo(
                        root.resolve("services").resolve("checkpoint-service").resolve("processed")));
    }

    @Test
    void withoutAnApplicationNameRecordsGoUnderHostService() throws IOException {
        // given
        ProcessedCommands processed = processed(null);

        // when
        processed.record("c1", List.of());

        // then
        assertThat(regularFiles(root)).singleElement()
                .satisfies(f -> assertThat(f.getParent()).isEqualTo(
                        root.resolve("services").resolve("host-service").resolve("processed")));
    }

    @Test
    void commandIdsWithSlashesAndOddCharactersMapToDistinctFilesInsideTheProcessedDirectory() throws IOException {
        // given ids that a naive file name would confuse, escape with, or fail on
        String escape = "../../../../ferry-escape-" + UUID.randomUUID(); // naively: next to the host root
        List<String> ids = List.of(
                "m1/checkpoint", "m1\\checkpoint", "m1_checkpoint", "m1:checkpoint", "M1/checkpoint",
                "m1/checkpoint ", "m1/checkpoint/retry", "../../x", "../../../x", escape, "/etc/passwd",
                "..", ".", "", "a\u0000b", "a\nb", "ü/日本/😀", "x".repeat(1000), "*?<>|\"");
        ProcessedCommands processed = processed("checkpoint-service");

        // when each is recorded with a reply that names it (by index: reply ids must be valid message ids)
        for (int i = 0; i < ids.size(); i++) {
            processed.record(ids.get(i), List.of(new SourceFinalized(meta("c" + i + "/finalized"))));
        }

        // then each reads back its own reply
        for (int i = 0; i < ids.size(); i++) {
            assertThat(processed.replies(ids.get(i))).as("replies of %s", ids.get(i))
                    .hasValue(List.of(new SourceFinalized(meta("c" + i + "/finalized"))));
        }
        // and every id has its own file, named by a digest, in the processed directory and nowhere else
        Path dir = root.resolve("services").resolve("checkpoint-service").resolve("processed");
        List<Path> files = regularFiles(root);
        assertThat(files).hasSize(ids.size());
        assertThat(files).allSatisfy(f -> {
            assertThat(f.getParent()).isEqualTo(dir);
            assertThat(f.getFileName().toString()).matches("[0-9a-f]{64}\\.json");
        });
        assertThat(dir.resolve(escape).normalize()).isEqualTo(root.resolveSibling(escape.substring(12)))
                .doesNotExist();
        assertThat(dir.resolve(escape + ".json").normalize()).doesNotExist();
    }

    @Test
    void recordingLeavesNoTemporaryFileBehind() throws IOException {
        // given
        ProcessedCommands processed = processed("checkpoint-service");

        // when
        processed.record("c1", List.of(new SourceFinalized(meta("c1/finalized"))));
        processed.record("c2", List.of());

        // then
        assertThat(regularFiles(root)).hasSize(2).noneMatch(f -> f.getFileName().toString().endsWith(".tmp"));
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            Set<Path> distinct = new HashSet<>(files);
            assertThat(distinct).hasSameSizeAs(files);
            return files;
        }
    }
}
