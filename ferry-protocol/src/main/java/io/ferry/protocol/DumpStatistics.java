package io.ferry.protocol;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * CRIU's dump statistics as a checkpoint reports them (times in microseconds), with CRIU's and
 * Podman's snake_case names. The engine reads them from CRIU's stats-dump image; this is their wire form.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DumpStatistics(long freezingTime, long frozenTime, long memdumpTime, long memwriteTime,
                             long pagesScanned, long pagesSkippedParent, long pagesWritten, long pagesLazy) {
}
