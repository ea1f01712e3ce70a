package io.ferry.core.archive;

import java.time.Instant;

/**
 * Facts about a checkpoint that a target host checks before restoring: who made it with what
 * runtime and CRIU, on which kernel, arch and cgroup version, and with which options.
 */
public record CheckpointInfo(String runtime, String runtimeVersion, String criuVersion, String hostId,
                             String kernel, String arch, String cgroupVersion, Instant checkpointedAt,
                             boolean tcpEstablished, boolean leaveRunning, boolean rootfsIncluded,
                             boolean volumesIncluded) {
}
