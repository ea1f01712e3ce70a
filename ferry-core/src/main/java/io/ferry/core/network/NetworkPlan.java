package io.ferry.core.network;

import io.ferry.core.error.ConflictException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a create request into a network's config (pure: unit-tested): the subnet (given, or the first free
 * 10.89.N.0/24, as Podman picks them), the gateway (.1 unless given) and ip-range checked inside it, the
 * overlay checked, the MTU (1450 under VXLAN).
 */
final class NetworkPlan {
    private NetworkPlan() {
    }

    static NetworkConfig plan(NetworkCreateRequest r, List<NetworkConfig> others, String bridge, String id,
                              Instant created) {
        Cidr subnet = r.subnet() == null || r.subnet().isBlank() ? freeSubnet(others) : Cidr.parse(r.subnet(), "subnet");
        if (subnet.prefixLength() > 30) {
            throw new IllegalArgumentException("subnet " + subnet + " is too small: use a prefix length of 30 or less");
        }
        for (NetworkConfig other : others) {
            if (Cidr.parse(other.subnet(), "subnet").overlaps(subnet)) {
                throw new ConflictException("subnet " + subnet + " is already used by network " + other.name());
            }
        }
        long gateway = subnet.firstHost();
        if (r.gateway() != null && !r.gateway().isBlank()) {
            gateway = Ipv4.parse(r.gateway(), "gateway");
            if (!subnet.isHostAddress(gateway)) {
                throw new IllegalArgumentException("gateway " + Ipv4.format(gateway) + " is not a host address of subnet "
                        + subnet);
            }
        }
        String range = null;
        if (r.ipRange() != null && !r.ipRange().isBlank()) {
            Cidr ipRange = Cidr.parse(r.ipRange(), "ip-range");
            if (!subnet.contains(ipRange)) {
                throw new IllegalArgumentException("ip-range " + ipRange + " is not inside subnet " + subnet);
            }
            range = ipRange.toString();
        }
        NetworkConfig.Overlay overlay = overlay(r, others);
        return new NetworkConfig(r.name(), id, "bridge", subnet.toString(), Ipv4.format(gateway), range, bridge,
                overlay == null ? HostNetworks.MTU : HostNetworks.VXLAN_MTU, overlay, created);
    }

    static Cidr freeSubnet(List<NetworkConfig> others) {
        for (int n = 0; n < 256; n++) {
            Cidr candidate = Cidr.parse("10.89." + n + ".0/24", "subnet");
            if (others.stream().noneMatch(o -> Cidr.parse(o.subnet(), "subnet").overlaps(candidate))) {
                return candidate;
            }
        }
        throw new ConflictException("no free subnet left in 10.89.0.0/16: give one with --subnet");
    }

    private static NetworkConfig.Overlay overlay(NetworkCreateRequest r, List<NetworkConfig> others) {
        boolean any = r.vxlanId() != 0 || (r.vxlanLocal() != null && !r.vxlanLocal().isBlank()) || !r.vxlanPeers().isEmpty();
        if (!any) {
            return null;
        }
        if (r.vxlanId() < 1 || r.vxlanId() > 16_777_215) {
            throw new IllegalArgumentException("vxlan.id " + r.vxlanId() + " is not in 1-16777215");
        }
        if (r.vxlanLocal() == null || r.vxlanLocal().isBlank()) {
            throw new IllegalArgumentException("vxlan.local is missing: this host's underlay address");
        }
        String local = Ipv4.canonical(r.vxlanLocal(), "vxlan.local");
        List<String> peers = new ArrayList<>();
        for (String p : r.vxlanPeers()) {
            String peer = Ipv4.canonical(p.strip(), "vxlan.peers address");
            if (peer.equals(local)) {
                throw new IllegalArgumentException("vxlan.peers lists this host's own address " + local);
            }
            if (!peers.contains(peer)) {
                peers.add(peer);
            }
        }
        for (NetworkConfig other : others) {
            if (other.overlay() != null && other.overlay().vni() == r.vxlanId()) {
                throw new ConflictException("vxlan.id " + r.vxlanId() + " is already used by network " + other.name());
            }
        }
        return new NetworkConfig.Overlay(r.vxlanId(), local, List.copyOf(peers), HostNetworks.VXLAN_PORT);
    }
}
