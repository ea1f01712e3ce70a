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
        Namespaces.in(hostNs, "ip", "link", "del", net.bridge());
        Namespaces.in(hostNs, "iptables", "-t", "nat", "-F", "FERRY-POSTROUTING");

        host.restoreHostState();
        host.restoreHostState();

        assertThat(Namespaces.in(hostNs, "ip", "addr", "show", "dev", net.bridge()).stdout()).contains("10.89.0.1/24");
        String rules = Namespaces.in(hostNs, "iptables-save").stdout();
        assertThat(rules.split("-s 10.89.0.0/24 ! -o " + net.bridge(), -1)).hasSize(2);
    }
}
