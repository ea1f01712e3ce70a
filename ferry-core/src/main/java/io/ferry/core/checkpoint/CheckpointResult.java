package io.ferry.core.checkpoint;

import io.ferry.core.criu.DumpStatistics;

import java.time.Duration;

/**
 * The outcome of a checkpoint with export: how long the runtime's dump took (the container is frozen
 * during it), the whole operation, the archive's size, and CRIU's statistics (for --print-stats).
 */
public record CheckpointResult(String containerId, String name, long archiveBytes, Duration runtimeDuration,
                               Duration totalDuration, DumpStatistics statistics) {
}
