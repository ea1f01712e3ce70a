package io.ferry.spring.host;

import io.ferry.core.container.ContainerView;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.HostNetworkSummary;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import io.ferry.protocol.HostHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Issue 12: what a heartbeat says of the host's networks and of each container's address, from the engine's
 * networking. The heartbeat is how the gateway knows the host is up: a networking call that fails is logged and
 * the heartbeat goes without networks (or without that container's address), never not at all.
 */
final class HeartbeatNetworks {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatNetworks.class);

    private final ContainerNetworking networking;

    HeartbeatNetworks(ContainerNetworking networking) {
        this.networking = networking;
    }

    /** The host's networks; empty when they cannot be read now. */
    List<HostHeartbeat.Network> networks() {
        try {
            return networking.summaries().stream().map(HeartbeatNetworks::network).toList();
        } catch (RuntimeException e) {
            log.warn("heartbeat sent without networks: {}", e.toString());
            return List.of();
        }
    }

    /**
     * The container as the heartbeat lists it: with its network, address, MAC and ports (Podman's format) when it
     * has an attachment here; with only the network it asked for when it has none (stopped, or not attached yet).
     */
    HostHeartbeat.RunningContainer container(ContainerView v) {
        String id = v.record().id();
        String name = v.record().name();
        String image = v.record().config().image();
        NetworkRequest asked = v.record().config().networkOrNone();
        if (asked.isNone()) {
            return new HostHeartbeat.RunningContainer(id, name, image, v.status());
        }
        Optional<NetworkAttachment> got;
        try {
            got = networking.attachment(id);
        } catch (RuntimeException e) {
            log.warn("heartbeat lists container {} without its address: {}", name, e.toString());
            got = Optional.empty();
        }
        return got.map(a -> new HostHeartbeat.RunningContainer(id, name, image, v.status(), a.network(), a.ip(), a.mac(),
                        a.ports().stream().map(PortMapping::toString).toList()))
                .orElseGet(() -> new HostHeartbeat.RunningContainer(id, name, image, v.status(), asked.network(), null, null,
                        List.of()));
    }

    private static HostHeartbeat.Network network(HostNetworkSummary s) {
        return new HostHeartbeat.Network(s.name(), s.subnet(), s.gateway(), s.vni(),
                s.addressesInUse() == null ? List.of() : List.copyOf(s.addressesInUse()));
    }
}
