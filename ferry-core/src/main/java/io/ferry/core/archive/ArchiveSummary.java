package io.ferry.core.archive;

import io.ferry.core.criu.ProcessTreeEntry;
import io.ferry.protocol.DumpStatistics;

import java.util.List;
import java.util.Map;

/** What {@code ferry inspect FILE} shows of an archive, like {@code checkpointctl show}. */
public record ArchiveSummary(String compression, long archiveBytes, long contentBytes, long criuImageBytes,
                             long memoryPageBytes, long rootfsDiffBytes, Map<String, Long> volumeBytes,
                             CheckpointedContainer config, DumpStatistics statistics,
                             List<ProcessTreeEntry> processTree, long criuImageVersion) {
}
