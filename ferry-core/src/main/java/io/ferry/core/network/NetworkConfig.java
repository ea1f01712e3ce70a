package io.ferry.core.network;

import java.time.Instant;

/**
 * A network on this host, like Podman's bridge networks: a Linux bridge with the gateway address, egress NAT,
 * and addresses handed out from {@code ipRange} (the whole subnet when null). {@code overlay} non-null: the
 * bridge is joined to the same network on other hosts by VXLAN, so a container keeps its address when it moves.
 */
public record NetworkConfig(String name, String id, String driver, String subnet, String gateway, String ipRange,
                            String bridge, int mtu, Overlay overlay, Instant created) {

    /**
     * A VXLAN segment between hosts: {@code vni} identifies the network on every host, {@code local} is this
     * host's underlay address, {@code peers} the other hosts' underlay addresses (head-end replication).
     */
    public record Overlay(int vni, String local, java.util.List<String> peers, int port) {
    }
}
