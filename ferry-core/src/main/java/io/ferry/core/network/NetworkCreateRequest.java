package io.ferry.core.network;

import java.util.List;

/**
 * {@code ferry network create [--subnet CIDR] [--gateway IP] [--ip-range CIDR] [--opt vxlan.id=N
 * --opt vxlan.local=IP --opt vxlan.peers=IP,IP] NAME}; null subnet: the next free 10.89.N.0/24, as Podman does.
 * {@code vxlanId} 0: a network of this host only.
 */
public record NetworkCreateRequest(String name, String subnet, String gateway, String ipRange, int vxlanId,
                                   String vxlanLocal, List<String> vxlanPeers) {
    public NetworkCreateRequest {
        vxlanPeers = vxlanPeers == null ? List.of() : List.copyOf(vxlanPeers);
    }
}
