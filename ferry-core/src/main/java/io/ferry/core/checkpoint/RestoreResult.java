package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.criu.RestoreStatistics;

import java.time.Duration;

/** The restored container, how long the runtime's restore and the whole import took, and CRIU's statistics. */
public record RestoreResult(ContainerRecord container, Duration runtimeDuration, Duration totalDuration,
                            RestoreStatistics statistics) {
}
