package io.ferry.core.network;

import io.ferry.core.error.ConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts of container networking: CIDR math, allocation order, -p parsing, plans, resolv.conf. */
class NetworkLogicTest {

    @Test
    void cidrMath() {
        Cidr c = Cidr.parse("10.89.0.0/24", "subnet");
        assertThat(Ipv4.format(c.broadcast())).isEqualTo("10.89.0.255");
        assertThat(c.contains(Ipv4.parse("10.89.0.7", "a"))).isTrue();
        assertThat(c.contains(Ipv4.parse("10.89.1.7", "a"))).isFalse();
        assertThat(c.contains(Cidr.parse("10.89.0.128/25", "r"))).isTrue();
        assertThat(c.contains(Cidr.parse("10.89.0.0/23", "r"))).isFalse();
        assertThat(c.isHostAddress(c.network())).isFalse();
        assertThat(c.isHostAddress(c.broadcast())).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8", "s").overlaps(c)).isTrue();
        assertThatThrownBy(() -> Cidr.parse("10.89.0.5/24", "subnet")).hasMessageContaining("did you mean 10.89.0.0/24");
        assertThatThrownBy(() -> Cidr.parse("10.89.0.0/33", "subnet")).hasMessageContaining("0-32");
        assertThatThrownBy(() -> Ipv4.parse("10.89.0.256", "IP address")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> Ipv4.parse("10.089.0.1", "IP address")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> Ipv4.parse("fe80::1", "IP address")).hasMessageContaining("IPv4");
    }

    @Test
    void allocationSkipsNetworkGatewayAndBroadcastInOrder() {
        Cidr subnet = Cidr.parse("10.89.0.0/24", "s");
        assertThat(first(AddressAllocator.candidatesOf(subnet, null, Ipv4.parse("10.89.0.1", "g")), 3))
                .containsExactly("10.89.0.2", "10.89.0.3", "10.89.0.4");
        List<String> range = first(AddressAllocator.candidatesOf(subnet, Cidr.parse("10.89.0.248/29", "r"),
                Ipv4.parse("10.89.0.250", "g")), 10);
        assertThat(range).containsExactly("10.89.0.249", "10.89.0.251", "10.89.0.252",
                "10.89.0.253", "10.89.0.254");
    }

    @Test
    void concurrentAllocationsNeverShareAnAddress(@TempDir Path dir) throws Exception {
        NetworkConfig net = new NetworkConfig("web", "id", "bridge", "10.89.0.0/24", "10.89.0.1", "10.89.0.0/27",
                "fb", 1500, null, Instant.now());
        AddressAllocator one = new AddressAllocator(dir);
        AddressAllocator two = new AddressAllocator(dir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> got = new ArrayList<>();
        for (int i = 0; i < 29; i++) {
            AddressAllocator a = i % 2 == 0 ? one : two;
            String id = String.format("%064x", i);
            got.add(pool.submit(() -> a.allocate(net, id)));
        }
        List<String> ips = new ArrayList<>();
        for (Future<String> f : got) {
            ips.add(f.get());
        }
        pool.shutdown();
        assertThat(ips).doesNotHaveDuplicates().hasSize(29);
        assertThatThrownBy(() -> one.allocate(net, String.format("%064x", 99)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("no free address left in 10.89.0.0/27");
        assertThatThrownBy(() -> one.claim(net, ips.get(0), String.format("%064x", 99), id -> id.substring(0, 12)))
                .isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("address " + ips.get(0) + " is in use on network web by container ");
        assertThat(one.claim(net, "10.89.0.200", String.format("%064x", 99), id -> id)).isEqualTo("10.89.0.200");
        assertThatThrownBy(() -> one.claim(net, "10.89.0.1", String.format("%064x", 98), id -> id))
                .hasMessageContaining("it is the gateway");
        one.release("web", "10.89.0.200", String.format("%064x", 98)); // not its own: kept
        assertThat(one.inUse("web")).contains("10.89.0.200");
        one.release("web", "10.89.0.200", String.format("%064x", 99));
        assertThat(one.inUse("web")).doesNotContain("10.89.0.200");
    }

    @Test
    void portMappingsParseLikePodman() {
        assertThat(PortMapping.parse("8080:80")).isEqualTo(new PortMapping(null, 8080, 80, "tcp"));
        assertThat(PortMapping.parse("127.0.0.1:5353:53/udp")).isEqualTo(new PortMapping("127.0.0.1", 5353, 53, "udp"));
        assertThat(PortMapping.parse(":8080:80/tcp")).isEqualTo(new PortMapping(null, 8080, 80, "tcp"));
        assertThat(PortMapping.parse("8080:80").toString()).isEqualTo("0.0.0.0:8080->80/tcp");
        assertThatThrownBy(() -> PortMapping.parse("80")).hasMessageContaining("expected [HOSTIP:]HOSTPORT:CTRPORT");
        assertThatThrownBy(() -> PortMapping.parse("0:80")).hasMessageContaining("host port 0 is not in 1-65535");
        assertThatThrownBy(() -> PortMapping.parse("8080:65536")).hasMessageContaining("container port 65536 is not in 1-65535");
        assertThatThrownBy(() -> PortMapping.parse("8080:80/sctp")).hasMessageContaining("tcp or udp");
        assertThatThrownBy(() -> PortMapping.parse("1.2.3:8080:80")).hasMessageContaining("is not an IPv4 address");
        assertThatThrownBy(() -> PortMapping.parse("a:b")).hasMessageContaining("is not a number");
        assertThat(PortMapping.parse("8080:80").clashesWith(PortMapping.parse("127.0.0.1:8080:81"))).isTrue();
        assertThat(PortMapping.parse("8080:80").clashesWith(PortMapping.parse("8080:80/udp"))).isFalse();
        assertThat(PortMapping.parse("10.0.0.1:8080:80").clashesWith(PortMapping.parse("10.0.0.2:8080:80"))).isFalse();
    }

    @Test
    void planChecksSubnetGatewayRangeAndOverlay() {
        NetworkConfig first = NetworkPlan.plan(req("a", null, null, null), List.of(), "fb1", "id", Instant.now());
        assertThat(first.subnet()).isEqualTo("10.89.0.0/24");
        assertThat(first.gateway()).isEqualTo("10.89.0.1");
        NetworkConfig second = NetworkPlan.plan(req("b", null, null, null), List.of(first), "fb2", "id", Instant.now());
        assertThat(second.subnet()).isEqualTo("10.89.1.0/24");
        assertThatThrownBy(() -> NetworkPlan.plan(req("c", "10.89.0.0/16", null, null), List.of(first), "fb", "id", Instant.now()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("already used by network a");
        assertThatThrownBy(() -> NetworkPlan.plan(req("c", "10.90.0.0/24", "10.91.0.1", null), List.of(), "fb", "id", Instant.now()))
                .hasMessageContaining("gateway 10.91.0.1 is not a host address of subnet 10.90.0.0/24");
        assertThatThrownBy(() -> NetworkPlan.plan(req("c", "10.90.0.0/24", null, "10.90.1.0/25"), List.of(), "fb", "id", Instant.now()))
                .hasMessageContaining("ip-range 10.90.1.0/25 is not inside subnet 10.90.0.0/24");
        NetworkConfig vx = NetworkPlan.plan(new NetworkCreateRequest("v", "10.90.0.0/24", null, "10.90.0.0/25", 42,
                "192.168.1.1", List.of("192.168.1.2", "192.168.1.2")), List.of(), "fb", "id", Instant.now());
        assertThat(vx.mtu()).isEqualTo(1450);
        assertThat(vx.overlay()).isEqualTo(new NetworkConfig.Overlay(42, "192.168.1.1", List.of("192.168.1.2"), 4789));
        assertThatThrownBy(() -> NetworkPlan.plan(new NetworkCreateRequest("w", "10.91.0.0/24", null, null, 42,
                "192.168.1.1", List.of()), List.of(vx), "fb", "id", Instant.now()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("vxlan.id 42 is already used by network v");
        assertThatThrownBy(() -> NetworkPlan.plan(new NetworkCreateRequest("w", "10.91.0.0/24", null, null, 7,
                null, List.of("192.168.1.2")), List.of(), "fb", "id", Instant.now())).hasMessageContaining("vxlan.local is missing");
    }

    @Test
    void namesMacsAndFiles() {
        assertThat(LinkNames.bridge("host-a", "web")).startsWith("fb").hasSize(14);
        assertThat(LinkNames.hostVeth("host-a", "x")).isNotEqualTo(LinkNames.hostVeth("host-b", "x"));
        assertThat(MacAddresses.random()).matches("02(:[0-9a-f]{2}){5}");
        assertThat(MacAddresses.valid("02:AA:bb:cc:dd:ee")).isEqualTo("02:aa:bb:cc:dd:ee");
        assertThatThrownBy(() -> MacAddresses.valid("01:00:5e:00:00:01")).hasMessageContaining("multicast");
        assertThatThrownBy(() -> MacAddresses.valid("02:00:00:00:00")).hasMessageContaining("six hex octets");
        NetworkConfig a = new NetworkConfig("web", "1", "bridge", "10.89.0.0/24", "10.89.0.1", null, "fbA", 1450,
                new NetworkConfig.Overlay(42, "192.168.1.1", List.of(), 4789), Instant.now());
        NetworkConfig b = new NetworkConfig("web", "2", "bridge", "10.89.0.0/24", "10.89.0.1", "10.89.0.128/25", "fbB", 1450,
                new NetworkConfig.Overlay(42, "192.168.1.2", List.of(), 4789), Instant.now());
        assertThat(Bridges.gatewayMac(a)).isEqualTo(Bridges.gatewayMac(b)).startsWith("02:");
        assertThat(ContainerNetFiles.resolvConf("nameserver 127.0.0.53\nnameserver ::1\noptions edns0\n"))
                .isEqualTo("options edns0\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        assertThat(ContainerNetFiles.resolvConf("search lan\nnameserver 192.168.1.1\n"))
                .isEqualTo("search lan\nnameserver 192.168.1.1\n");
        assertThat(ContainerNetFiles.hosts("10.89.0.2", "web1")).isEqualTo("127.0.0.1 localhost\n::1 localhost\n10.89.0.2 web1\n");
        assertThat(Iptables.split("-A X -p tcp -m comment --comment \"ferry:abc\" -j DNAT --to-destination 10.89.0.2:80"))
                .containsExactly("-A", "X", "-p", "tcp", "-m", "comment", "--comment", "ferry:abc", "-j", "DNAT",
                        "--to-destination", "10.89.0.2:80");
    }

    private static NetworkCreateRequest req(String name, String subnet, String gateway, String range) {
        return new NetworkCreateRequest(name, subnet, gateway, range, 0, null, List.of());
    }

    @Test
    void aPublishedPortTakesAHostListenerOnItsPortWhenTheAddressesMeet() {
        PortMapping any = PortMapping.parse("8083:80");
        PortMapping one = PortMapping.parse("192.168.1.5:8083:80");
        assertThat(HostListeners.takes(any, "0.0.0.0:8083")).isTrue();
        assertThat(HostListeners.takes(any, "127.0.0.1:8083")).isTrue(); // OUTPUT's DNAT takes local clients
        assertThat(HostListeners.takes(any, "*:8083")).isTrue();
        assertThat(HostListeners.takes(any, "[::]:8083")).isTrue();
        assertThat(HostListeners.takes(any, "127.0.0.53%lo:8083")).isTrue();
        assertThat(HostListeners.takes(any, "0.0.0.0:18083")).isFalse();
        assertThat(HostListeners.takes(any, "0.0.0.0:808")).isFalse();
        assertThat(HostListeners.takes(one, "0.0.0.0:8083")).isTrue();
        assertThat(HostListeners.takes(one, "192.168.1.5:8083")).isTrue();
        assertThat(HostListeners.takes(one, "127.0.0.1:8083")).isFalse();
    }

    private static List<String> first(Iterable<Long> candidates, int n) {
        return StreamSupport.stream(candidates.spliterator(), false).limit(n).map(Ipv4::format).toList();
    }
}
