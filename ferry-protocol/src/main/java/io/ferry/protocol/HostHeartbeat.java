package io.ferry.protocol;

import java.time.Instant;
import java.util.List;

/**
 * What a host service announces every few seconds on ferry.host.<id>.heartbeats (key: host:role): enough
 * for the gateway to list hosts and to refuse a migration to a host that is down or cannot restore.
 *
 * @param role             "checkpoint" or "restore" (each host service beats for itself)
 * @param transferEndpoint restore role: the URL its direct transfers go to (null: none; migrations to the host
 *                         then go through the registry)
 * @param features         what this host can do beyond the basics: "post-copy" (CRIU lazy pages work here),
 *                         "pre-copy" (the kernel tracks dirty memory)
 */
public record HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                            String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                            long freeDiskBytes, List<RunningContainer> containers, int schemaVersion,
                            String transferEndpoint, List<String> features) {

    public HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                         String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                         long freeDiskBytes, List<RunningContainer> containers, int schemaVersion) {
        this(hostId, role, at, runtime, runtimeVersion, criuVersion, kernel, arch, cgroupVersion, cpuModel,
                freeDiskBytes, containers, schemaVersion, null, List.of());
    }

    /** A container on the host as the heartbeat lists it. */
    public record RunningContainer(String id, String name, String image, String status) {
    }
}
