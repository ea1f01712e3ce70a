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
 * @param networks         the host's container networks (null from hosts before networks: none)
 */
public record HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                            String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                            long freeDiskBytes, List<RunningContainer> containers, int schemaVersion,
                            String transferEndpoint, List<String> features, List<Network> networks) {

    public HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                         String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                         long freeDiskBytes, List<RunningContainer> containers, int schemaVersion,
                         String transferEndpoint, List<String> features) {
        this(hostId, role, at, runtime, runtimeVersion, criuVersion, kernel, arch, cgroupVersion, cpuModel,
                freeDiskBytes, containers, schemaVersion, transferEndpoint, features, List.of());
    }

    public HostHeartbeat(String hostId, String role, Instant at, String runtime, String runtimeVersion,
                         String criuVersion, String kernel, String arch, String cgroupVersion, String cpuModel,
                         long freeDiskBytes, List<RunningContainer> containers, int schemaVersion) {
        this(hostId, role, at, runtime, runtimeVersion, criuVersion, kernel, arch, cgroupVersion, cpuModel,
                freeDiskBytes, containers, schemaVersion, null, List.of());
    }

    /**
     * A container on the host as the heartbeat lists it; {@code network} null or "none": loopback only;
     * {@code ports} as Podman's ps prints them ({@code 0.0.0.0:8080->80/tcp}).
     */
    public record RunningContainer(String id, String name, String image, String status, String network, String ip,
                                   String mac, List<String> ports) {
        public RunningContainer(String id, String name, String image, String status) {
            this(id, name, image, status, null, null, null, List.of());
        }
    }

    /**
     * A container network of the host: the gateway checks that a migration's target is on the container's
     * network ({@code name}, {@code subnet} and {@code vni} alike; vni 0: this host only) and that its address
     * is free there ({@code addressesInUse}).
     */
    public record Network(String name, String subnet, String gateway, int vni, List<String> addressesInUse) {
    }
}
