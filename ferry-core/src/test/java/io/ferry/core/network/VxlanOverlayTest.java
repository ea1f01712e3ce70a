package io.ferry.core.network;

import io.ferry.core.exec.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One network over two "hosts" (namespaces joined by a veth underlay) by VXLAN: containers on both reach each
 * other, and an address moved from one host to the other (withdraw, detach, attach keeping IP and MAC,
 * announce) is reached at its new place at once.
 */
@Tag("host")
class VxlanOverlayTest {
    private Namespaces ns;
    private String h1;
    private String h2;
    private HostNetworks host1;
    private HostNetworks host2;

    @BeforeEach
    void setUp() {
        ns = new Namespaces();
        h1 = ns.create("h1");
        h2 = ns.create("h2");
        Namespaces.run("ip", "link", "add", "fntu1", "netns", h1, "type", "veth", "peer", "name", "fntu2", "netns", h2);
        Namespaces.in(h1, "ip", "addr", "add", "192.168.240.1/24", "dev", "fntu1");
        Namespaces.in(h2, "ip", "addr", "add", "192.168.240.2/24", "dev", "fntu2");
        Namespaces.in(h1, "ip", "link", "set", "fntu1", "up");
        Namespaces.in(h2, "ip", "link", "set", "fntu2", "up");
        host1 = ns.host("h1", h1);
        host2 = ns.host("h2", h2);
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void containersOnTwoHostsShareTheNetworkAndAMovedAddressIsReachedAtItsNewHost() {
        NetworkConfig n1 = host1.create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.0/25", 4242,
                "192.168.240.1", List.of("192.168.240.2")));
        NetworkConfig n2 = host2.create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.128/25", 4242,
                "192.168.240.2", List.of("192.168.240.1")));
        host1.restoreHostState(); // idempotent when everything is there
        assertThat(n1.mtu()).isEqualTo(1450);
        assertThat(Namespaces.in(h1, "ip", "link", "show", "dev", n1.bridge()).stdout())
                .contains(Bridges.gatewayMac(n1)).isNotEqualTo(n2.bridge());
        assertThat(Bridges.gatewayMac(n1)).isEqualTo(Bridges.gatewayMac(n2));
        assertThat(Namespaces.in(h1, "bridge", "fdb", "show").stdout()).contains("00:00:00:00:00:00 dev fx")
                .contains("dst 192.168.240.2");
        String a = ns.create("a");
        String b = ns.create("b");
        String c = ns.create("c");
        String idA = Namespaces.containerId();
        NetworkAttachment atA = host1.attach(idA, "a", new NetworkRequest("span", null, null, List.of()), null, null,
                Namespaces.path(a), ns.filesDir(a));
        NetworkAttachment atB = host2.attach(Namespaces.containerId(), "b", new NetworkRequest("span", null, null, List.of()),
                null, null, Namespaces.path(b), ns.filesDir(b));
        host1.attach(Namespaces.containerId(), "c", new NetworkRequest("span", null, null, List.of()), null, null,
                Namespaces.path(c), ns.filesDir(c));
        assertThat(atA.ip()).isEqualTo("10.90.0.2");
        assertThat(atB.ip()).isEqualTo("10.90.0.129");

        assertThat(ping(a, atB.ip()).ok()).as("a on host 1 reaches b on host 2").isTrue();
        assertThat(ping(b, atA.ip()).ok()).isTrue();
        assertThat(ping(c, atA.ip()).ok()).isTrue();
        assertThat(ping(b, "10.90.0.1").ok()).as("the gateway answers on every host").isTrue();

        // the move: the source withdraws and lets go, the target attaches the same IP and MAC and announces it
        host1.withdraw(idA);
        host1.detach(idA);
        String moved = ns.create("a2");
        // no IPv6 chatter (router solicitations) from the moved one that would teach the network by chance
        Namespaces.in(moved, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        NetworkAttachment atMoved = host2.attach(idA, "a", new NetworkRequest("span", null, null, List.of()),
                atA.ip(), atA.mac(), Namespaces.path(moved), ns.filesDir(moved));
        // eth0 coming up announced it already (arp_notify); make host 1 forget, so announce() is what teaches it
        String vx1 = LinkNames.vxlan(ns.hostId("h1"), "span");
        Namespaces.in(h1, "bridge", "fdb", "del", atA.mac(), "dev", vx1, "master");
        Namespaces.in(h1, "bridge", "fdb", "del", atA.mac(), "dev", vx1, "self");
        assertThat(Namespaces.in(h1, "bridge", "fdb", "show", "br", n1.bridge()).stdout()).doesNotContain(atA.mac());
        host2.announce(idA);

        // the gratuitous ARP taught host 1's bridge that the MAC now lives behind the VXLAN port, before any traffic
        assertThat(learned(h1, n1.bridge(), atA.mac() + " dev " + vx1 + " ")).isTrue();
        assertThat(atMoved.ip()).isEqualTo(atA.ip());
        assertThat(atMoved.mac()).isEqualTo(atA.mac());
        assertThat(ping(c, atA.ip()).ok()).as("c on host 1 reaches the moved address on host 2").isTrue();
        assertThat(ping(b, atA.ip()).ok()).isTrue();
        assertThat(ping(moved, "10.90.0.1").ok()).isTrue();
        assertThat(host1.summaries().get(0).addressesInUse()).containsExactly("10.90.0.3");
        assertThat(host2.summaries()).singleElement().isEqualTo(new HostNetworkSummary("span", "10.90.0.0/24",
                "10.90.0.1", 4242, List.of("10.90.0.2", "10.90.0.129")));
    }

    /**
     * VXLAN has no authentication: a machine on the underlay that is not a peer sends frames with the network's VNI
     * (here its own VXLAN device aimed at host 1) and would reach the containers and teach host 1's bridge its MACs.
     * Only the network's peers' datagrams are let in.
     */
    @Test
    void anUnderlayNeighbourThatIsNotAPeerCannotInjectFramesIntoTheOverlay() {
        host1.create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.0/25", 4242,
                "192.168.240.1", List.of("192.168.240.2")));
        host2.create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.128/25", 4242,
                "192.168.240.2", List.of("192.168.240.1")));
        String a = ns.create("a");
        NetworkAttachment atA = host1.attach(Namespaces.containerId(), "a", new NetworkRequest("span", null, null,
                List.of()), null, null, Namespaces.path(a), ns.filesDir(a));
        String b = ns.create("b");
        NetworkAttachment atB = host2.attach(Namespaces.containerId(), "b", new NetworkRequest("span", null, null,
                List.of()), null, null, Namespaces.path(b), ns.filesDir(b));
        String evil = ns.create("evil");
        Namespaces.run("ip", "link", "add", "fntu3", "netns", h1, "type", "veth", "peer", "name", "fntu4", "netns", evil);
        Namespaces.in(h1, "ip", "addr", "add", "192.168.239.1/24", "dev", "fntu3");
        Namespaces.in(h1, "ip", "link", "set", "fntu3", "up");
        Namespaces.in(evil, "ip", "addr", "add", "192.168.239.2/24", "dev", "fntu4");
        Namespaces.in(evil, "ip", "link", "set", "fntu4", "up");
        Namespaces.in(evil, "ip", "link", "add", "evx", "type", "vxlan", "id", "4242", "dstport", "4789",
                "remote", "192.168.240.1", "local", "192.168.239.2");
        Namespaces.in(evil, "ip", "route", "add", "192.168.240.0/24", "via", "192.168.239.1");
        Namespaces.in(evil, "ip", "addr", "add", "10.90.0.66/24", "dev", "evx");
        Namespaces.in(evil, "ip", "link", "set", "evx", "up");

        assertThat(ping(evil, atA.ip()).ok()).as("a frame injected from outside the peers reaches a container").isFalse();
        assertThat(Namespaces.in(h1, "bridge", "fdb", "show").stdout()).doesNotContain("dst 192.168.239.2");
        assertThat(ping(b, atA.ip()).ok()).as("the peers still reach each other").isTrue();
        host1.restoreHostState();
        host1.restoreHostState(); // idempotent: no rule twice
        String rules = Namespaces.in(h1, "iptables", "-S", Masquerade.INPUT).stdout();
        assertThat(rules.split("--dport 4789", -1)).hasSize(3); // the peer's RETURN and the DROP, once each
        assertThat(rules.split("192.168.240.2/32", -1)).hasSize(2);

        host1.remove("span", true);
        assertThat(Namespaces.in(h1, "iptables-save").stdout()).doesNotContain("ferry-network:span");
    }

    /** Whether the bridge learns the entry within 3 s (the announcement runs in the background). */
    private static boolean learned(String hostNs, String bridge, String entry) {
        for (int i = 0; i < 30; i++) {
            if (Namespaces.in(hostNs, "bridge", "fdb", "show", "br", bridge).stdout().contains(entry)) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static CommandResult ping(String from, String ip) {
        return Namespaces.in(from, "busybox", "ping", "-c", "1", "-w", "5", ip);
    }
}
