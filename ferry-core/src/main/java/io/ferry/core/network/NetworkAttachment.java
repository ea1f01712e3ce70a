package io.ferry.core.network;

import java.util.List;

/**
 * What a container got on a network on this host: interface (eth0), address with prefix length, gateway,
 * MAC and the ports published for it. Kept by the host while the container exists; written to the
 * checkpoint archive as network.status in Podman's format
 * ({@code {"NET":{"interfaces":{"eth0":{"subnets":[{"ipnet":"10.89.0.5/24","gateway":"10.89.0.1"}],"mac_address":"..."}}}}}).
 */
public record NetworkAttachment(String network, String interfaceName, String ip, int prefixLength, String gateway,
                                String mac, List<PortMapping> ports) {
    public NetworkAttachment {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
