package io.ferry.core.checkpoint;

import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.protocol.DumpStatistics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a checkpoint with export: how long the runtime's dump took (the container is frozen
 * during it), the whole operation, the archive's size, CRIU's statistics (for --print-stats), and
 * what config.dump says (a registry push turns it into annotations). {@code pageServing} (post-copy only,
 * else null): the page server that still holds the memory pages. {@code warnings}: what the checkpoint
 * left out and the user should know (unix socket files of the rootfs diff), one sentence each.
 */
public record CheckpointResult(String containerId, String name, long archiveBytes, Instant frozenAt,
                               Duration runtimeDuration, Duration totalDuration, DumpStatistics statistics,
                               CheckpointedContainer archived, PageServing pageServing, List<String> warnings) {

    public CheckpointResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public CheckpointResult(String containerId, String name, long archiveBytes, Instant frozenAt,
                            Duration runtimeDuration, Duration totalDuration, DumpStatistics statistics,
                            CheckpointedContainer archived, PageServing pageServing) {
        this(containerId, name, archiveBytes, frozenAt, runtimeDuration, totalDuration, statistics, archived,
                pageServing, List.of());
    }

    public CheckpointResult withWarnings(List<String> more) {
        return new CheckpointResult(containerId, name, archiveBytes, frozenAt, runtimeDuration, totalDuration,
                statistics, archived, pageServing, more);
    }

    public CheckpointResult(String containerId, String name, long archiveBytes, Instant frozenAt,
                            Duration runtimeDuration, Duration totalDuration, DumpStatistics statistics,
                            CheckpointedContainer archived) {
        this(containerId, name, archiveBytes, frozenAt, runtimeDuration, totalDuration, statistics, archived, null);
    }
}
