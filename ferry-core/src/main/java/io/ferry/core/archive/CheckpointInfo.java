package io.ferry.core.archive;

import java.time.Instant;

/**
 * Facts about a checkpoint that a target host checks before restoring: who made it with what
 * runtime and CRIU, on which kernel, arch and cgroup version, and with which options ({@code fileLocks}:
 * issue 13's --file-locks, boxed so that archives written before it read as without).
 */
public record CheckpointInfo(String runtime, String runtimeVersion, String criuVersion, String hostId,
                             String kernel, String arch, String cgroupVersion, Instant checkpointedAt,
                             boolean tcpEstablished, boolean leaveRunning, boolean rootfsIncluded,
                             boolean volumesIncluded, Boolean fileLocks) {
    public CheckpointInfo(String runtime, String runtimeVersion, String criuVersion, String hostId, String kernel,
                          String arch, String cgroupVersion, Instant checkpointedAt, boolean tcpEstablished,
                          boolean leaveRunning, boolean rootfsIncluded, boolean volumesIncluded) {
        this(runtime, runtimeVersion, criuVersion, hostId, kernel, arch, cgroupVersion, checkpointedAt, tcpEstablished,
                leaveRunning, rootfsIncluded, volumesIncluded, null);
    }

    /** Checkpointed with --file-locks: the restore must be given --file-locks too (null in older archives: no). */
    public boolean requiresFileLocks() {
        return Boolean.TRUE.equals(fileLocks);
    }
}
