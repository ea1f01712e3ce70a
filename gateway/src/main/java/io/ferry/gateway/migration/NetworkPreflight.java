package io.ferry.gateway.migration;

import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MigrationMessage.MigrateRequested;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issue 12: a container with an address keeps it on the target, so before anything moves the target must be on the
 * same network (name, subnet and VXLAN id alike, as the hosts' heartbeats list their networks) and the address must
 * be free there. A restore under a new name gets a new address (Podman's rule), so only the network matters then.
 * Containers without a network (loopback only) are not checked.
 */
final class NetworkPreflight {
    private NetworkPreflight() {
    }

    /**
     * Why the target cannot take the container's address, if it cannot. {@code container} as the source's heartbeat
     * lists it, {@code sourceNetworks} the source host's networks, {@code target} the target's restore-service beat.
     */
    static Optional<String> check(MigrateRequested r, HostHeartbeat.RunningContainer container,
                                  List<HostHeartbeat.Network> sourceNetworks, HostHeartbeat target) {
        String network = container.network();
        if (network == null || network.equals("none") || container.ip() == null) {
            return Optional.empty();
        }
        // the source's own description of the network: what the target's must match (a source that lists the
        // container on a network it does not list itself is matched by name only)
        Optional<HostHeartbeat.Network> onSource = named(sourceNetworks, network).findFirst();
        Optional<HostHeartbeat.Network> onTarget = named(target.networks(), network)
                .filter(n -> onSource.isEmpty() || Objects.equals(n.subnet(), onSource.get().subnet())
                        && n.vni() == onSource.get().vni()).findFirst();
        if (onTarget.isEmpty()) {
            return Optional.of("host " + target.hostId() + " is not on network " + network
                    + onSource.map(n -> " (subnet " + n.subnet() + ", " + vxlan(n.vni()) + ")").orElse(""));
        }
        boolean renamed = r.options() != null && r.options().newName() != null;
        if (renamed) {
            return Optional.empty(); // a renamed copy gets a new address on the target
        }
        List<String> inUse = onTarget.get().addressesInUse() == null ? List.of() : onTarget.get().addressesInUse();
        if (inUse.contains(container.ip())) {
            return Optional.of("address " + container.ip() + " of network " + network + " is in use on " + target.hostId());
        }
        if (r.options() != null && r.options().keep() && onTarget.get().vni() != 0) {
            // keep leaves the source's copy running with the address, and the overlay joins both hosts: one segment,
            // two containers answering for one address
            return Optional.of("address " + container.ip() + " of network " + network + " stays in use on " + r.sourceHost()
                    + " with keep, and the network spans both hosts (" + vxlan(onTarget.get().vni()) + "); migrate with"
                    + " newName (the copy gets a new address) or without keep");
        }
        return Optional.empty();
    }

    private static java.util.stream.Stream<HostHeartbeat.Network> named(List<HostHeartbeat.Network> networks, String name) {
        return networks == null ? java.util.stream.Stream.empty() : networks.stream().filter(n -> n.name().equals(name));
    }

    private static String vxlan(int vni) {
        return vni == 0 ? "no vxlan" : "vxlan " + vni;
    }
}
