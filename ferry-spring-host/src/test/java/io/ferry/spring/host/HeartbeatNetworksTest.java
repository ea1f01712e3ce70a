package io.ferry.spring.host;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerState;
import io.ferry.core.container.ContainerView;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.HostNetworkSummary;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkConfig;
import io.ferry.core.network.NetworkCreateRequest;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.Meta;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: the heartbeat lists the host's networks and each container's network, address, MAC and ports (as
 * Podman's ps prints them); a networking that fails, or reports what the gateway would refuse, costs the networks,
 * never the heartbeat.
 */
class HeartbeatNetworksTest {
    private static final String ID = "ab".repeat(32);
    private static final NetworkAttachment ATTACHED = new NetworkAttachment("web", "eth0", "10.89.0.5", 24, "10.89.0.1",
            "02:42:0a:59:00:05", List.of(new PortMapping(null, 8080, 80, "tcp"), new PortMapping("127.0.0.1", 5353, 53, "udp")));
    private static final HostNetworkSummary WEB = new HostNetworkSummary("web", "10.89.0.0/24", "10.89.0.1", 42,
            List.of("10.89.0.5"));

    private static ContainerView container(NetworkRequest network) {
        ContainerConfig config = new ContainerConfig(ID, "web", "busybox", "cd".repeat(32), List.of("httpd"), List.of(),
                Instant.EPOCH, network);
        return new ContainerView(new ContainerRecord(config, ContainerState.RUNNING, Instant.EPOCH, null, false, null, null),
                "running", 42);
    }

    private static final NetworkRequest ON_WEB = new NetworkRequest("web", null, null, List.of());

    @Test
    void aContainerOnANetworkIsListedWithItsAddressMacAndPortsAndTheHostWithItsNetworks() {
        HeartbeatNetworks networks = new HeartbeatNetworks(new Networking(List.of(WEB), Optional.of(ATTACHED)));

        HostHeartbeat.RunningContainer c = networks.container(container(ON_WEB));

        assertThat(c.network()).isEqualTo("web");
        assertThat(c.ip()).isEqualTo("10.89.0.5");
        assertThat(c.mac()).isEqualTo("02:42:0a:59:00:05");
        assertThat(c.ports()).containsExactly("0.0.0.0:8080->80/tcp", "127.0.0.1:5353->53/udp");
        assertThat(networks.networks()).containsExactly(new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42,
                List.of("10.89.0.5")));
    }

    @Test
    void withoutNetworksOrAttachmentsTheAddressesAreEmpty() {
        HeartbeatNetworks networks = new HeartbeatNetworks(new Networking(List.of(), Optional.empty()));

        assertThat(networks.networks()).isEmpty();
        HostHeartbeat.RunningContainer loopback = networks.container(container(null));
        assertThat(loopback.network()).isNull();
        assertThat(loopback.ip()).isNull();
        assertThat(loopback.ports()).isEmpty();
        HostHeartbeat.RunningContainer unattached = networks.container(container(ON_WEB));
        assertThat(unattached.network()).as("the network it asked for, no address yet").isEqualTo("web");
        assertThat(unattached.ip()).isNull();
    }

    @Test
    void aFailingNetworkingCostsTheNetworksNotTheHeartbeat() {
        HeartbeatNetworks networks = new HeartbeatNetworks(new Networking(null, null));

        assertThat(networks.networks()).isEmpty();
        HostHeartbeat.RunningContainer c = networks.container(container(ON_WEB));
        assertThat(c.id()).isEqualTo(ID);
        assertThat(c.ip()).isNull();
    }

    @Test
    void aNetworkValueTheGatewayWouldRefuseIsDroppedAndTheHeartbeatStillGoes() {
        HeartbeatNetworks networks = new HeartbeatNetworks(new Networking(List.of(new HostNetworkSummary("web",
                "10.89.0.0/24<script>", null, 42, List.of())), Optional.of(ATTACHED)));
        HostHeartbeat beat = new HostHeartbeat("host-a", "restore", Instant.now(), "runc", "1.1.12", "4.2", "6.1", "x86_64",
                "v2", "cpu", 1, List.of(networks.container(container(ON_WEB))), Meta.VERSION, null, List.of(),
                networks.networks());

        HostHeartbeat sent = HeartbeatPublisher.withoutNetworksIfRefused(beat);

        assertThat(sent.networks()).isEmpty();
        assertThat(sent.containers()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(ID);
            assertThat(c.ip()).isNull();
        });
        HostHeartbeat fine = new HostHeartbeat("host-a", "restore", Instant.now(), "runc", "1.1.12", "4.2", "6.1", "x86_64",
                "v2", "cpu", 1, beat.containers(), Meta.VERSION, null, List.of(), List.of(new HostHeartbeat.Network("web",
                "10.89.0.0/24", "10.89.0.1", 42, List.of())));
        assertThat(HeartbeatPublisher.withoutNetworksIfRefused(fine)).isSameAs(fine);
    }

    /** Networking that reports what it is given; null: that call fails. */
    private record Networking(List<HostNetworkSummary> summaries, Optional<NetworkAttachment> attached)
            implements ContainerNetworking {
        @Override
        public List<HostNetworkSummary> summaries() {
            if (summaries == null) {
                throw new IllegalStateException("bridge state unreadable");
            }
            return summaries;
        }

        @Override
        public Optional<NetworkAttachment> attachment(String containerId) {
            if (attached == null) {
                throw new IllegalStateException("attachment file unreadable");
            }
            return attached;
        }

        @Override
        public NetworkConfig create(NetworkCreateRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NetworkConfig> list() {
            return List.of();
        }

        @Override
        public NetworkConfig inspect(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String name, boolean force) {
        }

        @Override
        public void restoreHostState() {
        }

        @Override
        public NetworkAttachment attach(String containerId, String hostname, NetworkRequest request, String keepIp,
                                        String keepMac, Path netnsPath, Path filesDir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void publish(String containerId) {
        }

        @Override
        public void unpublish(String containerId) {
        }

        @Override
        public void withdraw(String containerId) {
        }

        @Override
        public void announce(String containerId) {
        }

        @Override
        public void detach(String containerId) {
        }
    }
}
