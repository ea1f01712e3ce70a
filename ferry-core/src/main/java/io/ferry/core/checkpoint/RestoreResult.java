package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.criu.RestoreStatistics;

import java.time.Duration;

/**
 * The restored container, how long the runtime's restore and the whole import took, and CRIU's statistics.
 * {@code pageFetching} (post-copy only, else null): the memory pages still arriving from the source.
 */
public record RestoreResult(ContainerRecord container, Duration runtimeDuration, Duration totalDuration,
                            RestoreStatistics statistics, PageFetching pageFetching) {

    public RestoreResult(ContainerRecord container, Duration runtimeDuration, Duration totalDuration,
                         RestoreStatistics statistics) {
        this(container, runtimeDuration, totalDuration, statistics, null);
    }
}
