package io.ferry.core.network;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real bridges, veths and netfilter rules, in throw-away namespaces standing in for hosts and containers. */
@Tag("host")
class HostNetworksTest {
    private Namespaces ns;
    private String hostNs;
    private HostNetworks host;

    @BeforeEach
    void setUp() {
        ns = new Namespaces();
        hostNs = ns.create("h");
        host = ns.host("h1", hostNs);
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    private NetworkAttachment attach(String id, String container, NetworkRequest request) {
        return host.attach(id, "c-" + container, request, null, null, Namespaces.path(container), ns.filesDir(container));
    }

    @Test
    void twoContainersOnANetworkReachEachOtherAndTheGateway() throws Exception {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        assertThat(net.subnet()).isEqualTo("10.89.0.0/24");
        assertThat(net.gateway()).isEqualTo("10.89.0.1");
        assertThat(net.mtu()).isEqualTo(1500);
        String a = ns.create("a");
        String b = ns.create("b");
        String idA = Namespaces.containerId();
        NetworkAttachment atA = attach(idA, a, new NetworkRequest("web", null, null, List.of()));
        NetworkAttachment atB = attach(Namespaces.containerId(), b, new NetworkRequest("web", "10.89.0.77", "02:aa:bb:cc:dd:ee", List.of()));

        assertThat(atA.ip()).isEqualTo("10.89.0.2");
        assertThat(atA.mac()).startsWith("02:");
        assertThat(atB.ip()).isEqualTo("10.89.0.77");
        assertThat(Namespaces.in(a, "busybox", "ping", "-c", "1", "-w", "5", "10.89.0.77").ok()).isTrue();
        assertThat(Namespaces.in(b, "busybox", "ping", "-c", "1", "-w", "5", atA.ip()).ok()).isTrue();
        assertThat(Namespaces.in(a, "busybox", "ping", "-c", "1", "-w", "5", "10.89.0.1").ok()).isTrue();
        assertThat(Namespaces.in(b, "ip", "link", "show", "eth0").stdout()).contains("02:aa:bb:cc:dd:ee").contains("mtu 1500");
        assertThat(Namespaces.in(a, "ip", "route").stdout()).contains("default via 10.89.0.1 dev eth0");
        assertThat(Files.readString(ns.filesDir(a).resolve("hosts"))).contains("10.89.0.2 c-" + a);
        assertThat(Files.readString(ns.filesDir(a).resolve("resolv.conf")))
                .doesNotContain("127.0.0.53").contains("nameserver 8.8.8.8").contains("search example.test");
        assertThat(Namespaces.in(hostNs, "sysctl", "-n", "net.ipv4.ip_forward").stdout().strip()).isEqualTo("1");
        assertThat(host.attachment(idA)).contains(atA);
        assertThat(host.summaries()).singleElement().satisfies(s ->
                assertThat(s.addressesInUse()).containsExactly("10.89.0.2", "10.89.0.77"));
    }

    @Test
    void anAddressIsNeverHandedOutTwiceByTwoInstancesOfOneHost() {
        host.create(new NetworkCreateRequest("web", "10.89.5.0/24", null, "10.89.5.0/29", 0, null, List.of()));
        HostNetworks other = ns.sameHost(host, "h1", hostNs);
        String a = ns.create("a");
        String b = ns.create("b");
        String c = ns.create("c");
        NetworkAttachment atA = attach(Namespaces.containerId(), a, new NetworkRequest("web", null, null, List.of()));
        NetworkAttachment atB = other.attach(Namespaces.containerId(), "c-b", new NetworkRequest("web", null, null, List.of()),
                null, null, Namespaces.path(b), ns.filesDir(b));

        assertThat(atA.ip()).isEqualTo("10.89.5.2");
        assertThat(atB.ip()).isEqualTo("10.89.5.3");
        assertThatThrownBy(() -> other.attach(Namespaces.containerId(), "c-c", new NetworkRequest("web", null, null, List.of()),
                atA.ip(), null, Namespaces.path(c), ns.filesDir(c)))
                .isInstanceOf(ConflictException.class)
                .hasMessage("address 10.89.5.2 is in use on network web by container c-" + a + " ("
                        + ownerShortId(atA.ip()) + ")");
        assertThat(Namespaces.in(c, "ip", "link", "show", "eth0").ok()).isFalse();
    }

    private String ownerShortId(String ip) {
        return new AddressAllocator(ns.root("h1").resolve("networks/addresses")).owner("web", ip).substring(0, 12);
    }

    @Test
    void detachLeavesNothingBehind() throws Exception {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String a = ns.create("a");
        String id = Namespaces.containerId();
        NetworkAttachment at = attach(id, a, new NetworkRequest("web", null, null, List.of(PortMapping.parse("18080:80"))));
        host.publish(id);
        Namespaces.in(hostNs, "busybox", "ping", "-c", "1", "-w", "5", at.ip());
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).contains(id);
        assertThat(Namespaces.in(hostNs, "ip", "neigh", "show", "dev", net.bridge()).stdout()).contains(at.ip());

        host.detach(id);
        host.detach(id); // idempotent

        assertThat(Namespaces.in(hostNs, "ip", "-o", "link").stdout()).doesNotContain(" fv");
        assertThat(Namespaces.in(a, "ip", "link", "show", "eth0").ok()).isFalse();
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain(id);
        assertThat(Namespaces.in(hostNs, "ip", "neigh", "show", "dev", net.bridge()).stdout()).doesNotContain(at.ip());
        assertThat(ns.root("h1").resolve("networks/addresses/web/" + at.ip())).doesNotExist();
        assertThat(host.attachment(id)).isEmpty();
        assertThat(host.summaries().get(0).addressesInUse()).isEmpty();
    }

    @Test
    void detachAfterTheContainersNamespaceIsGone() {
        host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String a = ns.create("a");
        String id = Namespaces.containerId();
        attach(id, a, new NetworkRequest("web", null, null, List.of()));
        Namespaces.run("ip", "netns", "delete", a);

        host.detach(id);

        assertThat(Namespaces.in(hostNs, "ip", "-o", "link").stdout()).doesNotContain(" fv");
        assertThat(host.summaries().get(0).addressesInUse()).isEmpty();
    }

    @Test
    void aNetworkInUseIsNotRemovedUnlessForced() {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String a = ns.create("a");
        String id = Namespaces.containerId();
        attach(id, a, new NetworkRequest("web", null, null, List.of()));

        assertThatThrownBy(() -> host.remove("web", false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("network web is being used by containers: c-" + a + " (" + id.substring(0, 12) + ")");
        host.remove("web", true);

        assertThatThrownBy(() -> host.inspect("web")).isInstanceOf(NotFoundException.class);
        assertThat(Namespaces.in(hostNs, "ip", "-o", "link").stdout()).doesNotContain(net.bridge()).doesNotContain(" fv");
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain("ferry-network:web");
        assertThat(host.attachment(id)).isEmpty();
    }

    @Test
    void restoreHostStateRecreatesWhatARebootTookAndIsIdempotent() {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String a = ns.create("a");
        String b = ns.create("b");
        String idA = Namespaces.containerId();
        String idB = Namespaces.containerId();
        attach(idA, a, new NetworkRequest("web", null, null, List.of(PortMapping.parse("18081:80"))));
        attach(idB, b, new NetworkRequest("web", null, null, List.of(PortMapping.parse("18082:80"))));
        host.publish(idA);
        host.publish(idB);
        Namespaces.in(hostNs, "iptables", "-t", "nat", "-F", "FERRY-POSTROUTING");
        Namespaces.in(hostNs, "iptables", "-t", "nat", "-F", "FERRY-HOSTPORTS");
        Namespaces.run("ip", "netns", "delete", b); // b's container is gone (its veth went with it)

        host.restoreHostState();
        host.restoreHostState();

        assertThat(Namespaces.in(hostNs, "ip", "addr", "show", "dev", net.bridge()).stdout()).contains("10.89.0.1/24");
        String rules = Namespaces.in(hostNs, "iptables-save").stdout();
        assertThat(rules.split("-s 10.89.0.0/24 ! -o " + net.bridge(), -1)).hasSize(2);
        assertThat(rules.split("ferry:" + idA, -1)).as("a's published port is back, once").hasSize(2);
        assertThat(rules).doesNotContain(idB);
        String c = ns.create("c");
        String idC = Namespaces.containerId();
        attach(idC, c, new NetworkRequest("web", null, null, List.of(PortMapping.parse("18082:80"))));
        host.publish(idC); // b's port is free again

        Namespaces.in(hostNs, "ip", "link", "del", net.bridge()); // a reboot takes the bridge
        host.restoreHostState();
        assertThat(Namespaces.in(hostNs, "ip", "link", "show", "dev", net.bridge()).ok()).isTrue();
    }

    @Test
    void detachReleasesAnAddressClaimedBeforeACrashLeftNoRecord() {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String id = Namespaces.containerId();
        new AddressAllocator(ns.root("h1").resolve("networks/addresses")).claim(net, "10.89.0.40", id, x -> x);

        host.detach(id);

        assertThat(host.summaries().get(0).addressesInUse()).isEmpty();
    }

    @Test
    void aFailedAttachUndoesItself() {
        host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String id = Namespaces.containerId();

        assertThatThrownBy(() -> host.attach(id, "gone", new NetworkRequest("web", null, null, List.of()), null, null,
                Namespaces.path("fnt-no-such-namespace"), ns.filesDir("gone")))
                .hasMessageContaining("moving");
        assertThatThrownBy(() -> host.attach(id, "badmac", new NetworkRequest("web", "10.89.0.9", "01:00:5e:00:00:01",
                List.of()), null, null, Namespaces.path(ns.create("m")), ns.filesDir("m")))
                .hasMessageContaining("multicast");

        assertThat(Namespaces.in(hostNs, "ip", "-o", "link").stdout()).doesNotContain(" fv").doesNotContain(" fp");
        assertThat(host.attachment(id)).isEmpty();
        assertThat(host.summaries().get(0).addressesInUse()).isEmpty();
    }

    /** What a hostile archive's network.status can ask a restore to keep: only a free container address and MAC. */
    @Test
    void anArchivedAddressOrMacThatIsNotTheContainersToKeepIsRefusedAndLeavesNothing() {
        NetworkConfig net = host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
        String victim = ns.create("v");
        NetworkAttachment taken = attach(Namespaces.containerId(), victim, new NetworkRequest("web", null, null, List.of()));
        String id = Namespaces.containerId();
        String c = ns.create("c");
        NetworkRequest plain = new NetworkRequest("web", null, null, List.of());

        assertThatThrownBy(() -> keep(id, c, plain, "10.89.0.1", null)).hasMessageContaining("it is the gateway");
        assertThatThrownBy(() -> keep(id, c, plain, "10.89.0.0", null)).hasMessageContaining("not a container address");
        assertThatThrownBy(() -> keep(id, c, plain, "10.89.0.255", null)).hasMessageContaining("not a container address");
        assertThatThrownBy(() -> keep(id, c, plain, "10.89.1.7", null)).hasMessageContaining("not a container address");
        assertThatThrownBy(() -> keep(id, c, plain, taken.ip(), null)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is in use on network web");
        // the bridge's own MAC (the anycast gateway's), or another container's: its frames would be the victim's
        assertThatThrownBy(() -> keep(id, c, plain, "10.89.0.50", Bridges.gatewayMac(net)))
                .hasMessageContaining("is the gateway's");
        assertThatThrownBy(() -> keep(id, c, plain, "10.89.0.50", taken.mac().toUpperCase()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("is in use on network web");
        assertThatThrownBy(() -> keep(id, c, new NetworkRequest("web", null, taken.mac(), List.of()), null, null))
                .isInstanceOf(ConflictException.class);

        assertThat(host.attachment(id)).isEmpty();
        assertThat(host.summaries().get(0).addressesInUse()).containsExactly(taken.ip());
        assertThat(Namespaces.in(c, "ip", "-o", "link").stdout()).doesNotContain("eth0");
    }

    private NetworkAttachment keep(String id, String container, NetworkRequest request, String ip, String mac) {
        return host.attach(id, "c-" + container, request, ip, mac, Namespaces.path(container), ns.filesDir(container));
    }
}
