package io.ferry.core.criu;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** CRIU's restore statistics (stats-restore), times in microseconds. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // CRIU's and Podman's names
public record RestoreStatistics(long pagesCompared, long pagesSkippedCow, long forkingTime, long restoreTime,
                                long pagesRestored) {

    /** Decodes a StatsEntry message (field 2 = restore_stats_entry). */
    public static RestoreStatistics from(ProtoMessage stats) {
        ProtoMessage r = stats.message(2);
        if (r == null) {
            return null;
        }
        return new RestoreStatistics(r.uint(1, 0), r.uint(2, 0), r.uint(3, 0), r.uint(4, 0), r.uint(5, 0));
    }
}
