package io.ferry.core.container;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13's new record fields are optional: records and archives written before them read as "none". */
class CheckpointHistoryTest {
    private static final ContainerConfig CONFIG = new ContainerConfig("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "looper", "busybox:latest", "sha256:00", List.of("sh", "-c", "sleep 1"), List.of(),
            Instant.parse("2026-11-29T12:00:00Z"));

    @Test
    void aRecordWrittenBeforeIssue13ReadsWithoutHistory() {
        ObjectNode old = (ObjectNode) Json.MAPPER.valueToTree(new ContainerRecord(CONFIG, ContainerState.EXITED,
                Instant.now(), Instant.now(), true, null, null));
        old.remove("history");

        ContainerRecord read = Json.MAPPER.treeToValue(old, ContainerRecord.class);

        assertThat(read.history()).isNull();
        assertThat(read.historyOrNone().wasRestored()).isFalse();
        assertThat(read.historyOrNone().heldFileLocks()).isFalse();
        assertThat(read.withState(ContainerState.RUNNING, null, false).history()).isNull();
    }

    @Test
    void historyTravelsWithTheRecordAndARestoreKeepsTheCheckpointFacts() {
        Instant at = Instant.parse("2026-11-30T01:00:00Z");
        CheckpointHistory checkpointed = CheckpointHistory.NONE.checkpointed(at, "/x/dump.log", true, null);
        ContainerRecord r = new ContainerRecord(CONFIG, ContainerState.EXITED, at, at, true, null, null)
                .withHistory(checkpointed);

        ContainerRecord read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(r), ContainerRecord.class);
        CheckpointHistory restored = read.history().restoredNow("/x/restore.log");

        assertThat(read.history()).isEqualTo(checkpointed);
        assertThat(restored.wasRestored()).isTrue();
        assertThat(restored.checkpointedAt()).isEqualTo(at);
        assertThat(restored.checkpointLog()).isEqualTo("/x/dump.log");
        assertThat(restored.restoreLog()).isEqualTo("/x/restore.log");
        assertThat(restored.heldFileLocks()).isTrue();
    }

    @Test
    void anArchiveWrittenBeforeFileLocksNeedsNone() {
        ObjectNode old = (ObjectNode) Json.MAPPER.valueToTree(new CheckpointInfo("runc", "1.1.5", "4.2", "h", "6.18",
                "amd64", "v1", Instant.now(), false, false, true, true));
        old.remove("fileLocks");

        CheckpointInfo read = Json.MAPPER.treeToValue(old, CheckpointInfo.class);

        assertThat(read.requiresFileLocks()).isFalse();
        assertThat(Json.MAPPER.treeToValue(old.put("fileLocks", true), CheckpointInfo.class).requiresFileLocks()).isTrue();
    }
}
