package io.ferry.core.container;

import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.dump's network request comes from untrusted archives: each field is checked and named when wrong. */
class NetworkRequestsTest {
    private static final PortMapping HTTP = new PortMapping(null, 8080, 80, "tcp");

    @Test
    void aValidRequestPasses() {
        NetworkRequest ok = new NetworkRequest("web-net", "10.89.0.5", "02:42:ac:11:00:02",
                List.of(HTTP, new PortMapping("127.0.0.1", 5353, 53, "udp")));
        assertThat(config(ok).checked().network()).isEqualTo(ok);
        assertThat(config(null).checked().networkOrNone().isNone()).isTrue();
        assertThat(config(NetworkRequest.none()).checked().network()).isEqualTo(NetworkRequest.none());
    }

    @Test
    void hostileNetworkNamesAreRefused() {
        assertRefused(new NetworkRequest("../../etc", null, null, null), "invalid container.network.network \"../../etc\"");
        assertRefused(new NetworkRequest("a b", null, null, null), "invalid container.network.network \"a b\"");
        assertRefused(new NetworkRequest("x\n-j ACCEPT", null, null, null), "invalid container.network.network \"x\\n-j ACCEPT\"");
        assertRefused(new NetworkRequest(null, null, null, null), "container.network.network is missing");
    }

    @Test
    void addressesMustBeUnicastIpv4() {
        for (String ip : List.of("10.89.0", "10.89.0.256", "010.1.1.1", "::1", "10.0.0.1/24", "224.0.0.1", "127.0.0.1",
                "0.0.0.0", "255.255.255.255", "10.0.0.1 ")) {
            assertRefused(new NetworkRequest("net", ip, null, null), "invalid container.network.ip");
        }
    }

    @Test
    void macsMustBeUnicast() {
        assertRefused(new NetworkRequest("net", null, "01:00:5e:00:00:01", null), "invalid container.network.mac \"01:00:5e:00:00:01\": a unicast MAC");
        assertRefused(new NetworkRequest("net", null, "00:00:00:00:00:00", null), "invalid container.network.mac \"00:00:00:00:00:00\": a unicast MAC");
        assertRefused(new NetworkRequest("net", null, "02-42-ac-11-00-02", null), "invalid container.network.mac");
        assertRefused(new NetworkRequest("net", null, "02:42:ac:11:00", null), "invalid container.network.mac");
    }

    @Test
    void portsAreCheckedOneByOne() {
        assertRefused(new NetworkRequest("net", null, null, List.of(HTTP, new PortMapping(null, 0, 80, "tcp"))),
                "invalid container.network.ports[1].hostPort 0");
        assertRefused(new NetworkRequest("net", null, null, List.of(new PortMapping(null, 80, 70000, "tcp"))),
                "invalid container.network.ports[0].containerPort 70000");
        assertRefused(new NetworkRequest("net", null, null, List.of(new PortMapping(null, 80, 80, "sctp"))),
                "invalid container.network.ports[0].protocol \"sctp\"");
        assertRefused(new NetworkRequest("net", null, null, List.of(new PortMapping("1.2.3", 80, 80, "tcp"))),
                "invalid container.network.ports[0].hostIp \"1.2.3\"");
        assertRefused(new NetworkRequest("net", null, null, Collections.nCopies(65, HTTP)),
                "container.network.ports has 65 entries; at most 64 are allowed");
    }

    @Test
    void noneCannotCarryAddressesOrPorts() {
        assertRefused(new NetworkRequest("none", "10.0.0.2", null, null), "invalid container.network: an address");
        assertRefused(new NetworkRequest("none", null, null, List.of(HTTP)), "invalid container.network: an address");
    }

    private static void assertRefused(NetworkRequest request, String message) {
        assertThatThrownBy(() -> config(request).checked()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    private static ContainerConfig config(NetworkRequest network) {
        return new ContainerConfig("0123456789abcdef".repeat(4), "web", "busybox:latest",
                "ab".repeat(32), List.of("sh"), List.of(), Instant.now(), network);
    }
}
