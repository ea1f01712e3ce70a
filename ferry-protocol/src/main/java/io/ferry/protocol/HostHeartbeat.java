package io.ferry.protocol;

import java.time.Instant;
import java.util.List;

/**
 * What a host service announces every few seconds on ferry.host.<id>.heartbeats (key: host:role): enough
 * for the gateway to list hosts and to refuse a migration to a host that is down or cannot restore.
 *
 * @param role "checkpoint" or "restore" (each host service beats for itself)
 */
public record HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                            String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                            long freeDiskBytes, List<RunningContainer> containers, int schemaVersion) {

    /** A container on the host as the heartbeat lists it. */
    public record RunningContainer(String id, String name, String image, String status) {
    }
}
