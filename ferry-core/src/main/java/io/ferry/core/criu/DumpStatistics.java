package io.ferry.core.criu;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** CRIU's dump statistics (stats-dump), times in microseconds, as Podman's --print-stats shows them. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // CRIU's and Podman's names
public record DumpStatistics(long freezingTime, long frozenTime, long memdumpTime, long memwriteTime,
                             long pagesScanned, long pagesSkippedParent, long pagesWritten, long pagesLazy) {

    /** Decodes a StatsEntry message (field 1 = dump_stats_entry). */
    public static DumpStatistics from(ProtoMessage stats) {
        ProtoMessage d = stats.message(1);
        if (d == null) {
            return null;
        }
        return new DumpStatistics(d.uint(1, 0), d.uint(2, 0), d.uint(3, 0), d.uint(4, 0),
                d.uint(5, 0), d.uint(6, 0), d.uint(7, 0), d.uint(9, 0));
    }
}
