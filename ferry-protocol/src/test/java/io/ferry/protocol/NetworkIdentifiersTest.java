package io.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12: a heartbeat's networks and container addresses are checked where it is decoded; forged ones are refused. */
class NetworkIdentifiersTest {
    private static final String ID = "0123456789abcdef".repeat(4);

    private static HostHeartbeat beat(List<HostHeartbeat.RunningContainer> containers, List<HostHeartbeat.Network> networks) {
        return new HostHeartbeat("host-a", "restore", Instant.parse("2026-11-29T00:00:00Z"), "runc", "1.1.12", "4.2",
                "6.1.0", "x86_64", "v2", "cpu", 1L << 30, containers, Meta.VERSION, null, List.of(), networks);
    }

    private static HostHeartbeat.RunningContainer web(String network, String ip, String mac, List<String> ports) {
        return new HostHeartbeat.RunningContainer(ID, "web", "busybox", "running", network, ip, mac, ports);
    }

    private static HostHeartbeat.Network net(String name, String subnet, String gateway, int vni, List<String> inUse) {
        return new HostHeartbeat.Network(name, subnet, gateway, vni, inUse);
    }

    private static HostHeartbeat roundTrip(HostHeartbeat beat) {
        return MessageCodec.decodeHeartbeat(MessageCodec.encode(beat));
    }

    @Test
    void aHeartbeatWithNetworksAndAddressesRoundTrips() {
        HostHeartbeat beat = beat(List.of(web("web", "10.89.0.5", "02:42:0a:59:00:05",
                        List.of("0.0.0.0:8080->80/tcp", "127.0.0.1:5353->53/udp")),
                        new HostHeartbeat.RunningContainer(ID.replace('0', 'f'), "batch", "busybox", "running")),
                List.of(net("web", "10.89.0.0/24", "10.89.0.1", 42, List.of("10.89.0.5")),
                        net("local", "10.90.0.0/16", null, 0, List.of())));
        assertThat(roundTrip(beat)).isEqualTo(beat);
        assertThat(roundTrip(beat(List.of(web("none", null, null, List.of())), List.of()))).isNotNull();
        assertThat(MessageCodec.decodeHeartbeat("{\"hostId\":\"host-a\",\"role\":\"restore\",\"containers\":[{\"id\":\""
                + ID + "\",\"name\":\"old\",\"status\":\"running\"}],\"freeDiskBytes\":1,\"schemaVersion\":1}").networks())
                .as("a heartbeat from before networks").isNull();
    }

    @Test
    void markupOrAForgedLineInAPortOrNetworkIsRefused() {
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.5", null,
                List.of("<img src=x onerror=alert(1)>"))), List.of())))
                .hasMessageStartingWith("HostHeartbeat: invalid containers[].ports[] \"<img src=x onerror=alert(1)>\"");
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web</b>", null, null, List.of())), List.of())))
                .hasMessageStartingWith("HostHeartbeat: invalid containers[].network \"web</b>\"");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web\nforged", "10.89.0.0/24", null, 1, List.of())))))
                .hasMessageStartingWith("HostHeartbeat: invalid networks[].name \"web\\nforged\"");
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.5", null, List.of("0.0.0.0:99999->80/tcp"))),
                List.of()))).hasMessageContaining("ports are 0-65535");
    }

    @Test
    void addressesSubnetsMacsAndVxlanIdsMustBeWhatTheySay() {
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.256", null, List.of())), List.of())))
                .hasMessageContaining("invalid containers[].ip \"10.89.0.256\"");
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.5/24", null, List.of())), List.of())))
                .hasMessageContaining("invalid containers[].ip");
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.5", "02:42:0a:59:00", List.of())), List.of())))
                .hasMessageContaining("invalid containers[].mac");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/33", null, 1, List.of())))))
                .hasMessageContaining("invalid networks[].subnet \"10.89.0.0/33\"");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/24", "gw", 1, List.of())))))
                .hasMessageContaining("invalid networks[].gateway");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/24", null, 1 << 24, List.of())))))
                .hasMessageContaining("invalid networks[].vni 16777216: a VXLAN id is 0-16777215");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/24", null, -1, List.of())))))
                .hasMessageContaining("invalid networks[].vni -1");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/24", null, 1,
                List.of("10.89.0.5", "10.89.0.x")))))).hasMessageContaining("invalid networks[].addressesInUse[] \"10.89.0.x\"");
        assertThat(NetworkIdentifiers.vni("vni", NetworkIdentifiers.MAX_VNI)).isEqualTo(16_777_215);
    }

    @Test
    void listsAreBounded() {
        assertThatThrownBy(() -> roundTrip(beat(List.of(), List.of(net("web", "10.89.0.0/16", null, 1,
                Collections.nCopies(NetworkIdentifiers.MAX_ADDRESSES + 1, "10.89.0.5"))))))
                .hasMessageContaining("networks[].addressesInUse: 65537 entries, at most 65536");
        assertThatThrownBy(() -> roundTrip(beat(List.of(), Collections.nCopies(NetworkIdentifiers.MAX_NETWORKS + 1,
                net("web", "10.89.0.0/24", null, 1, List.of()))))).hasMessageContaining("networks: 257 entries");
        assertThatThrownBy(() -> roundTrip(beat(List.of(web("web", "10.89.0.5", null,
                Collections.nCopies(NetworkIdentifiers.MAX_PORTS + 1, "0.0.0.0:8080->80/tcp"))), List.of())))
                .hasMessageContaining("containers[].ports: 1025 entries");
        String nullEntry = "{\"hostId\":\"host-a\",\"role\":\"restore\",\"containers\":[],\"networks\":[null],"
                + "\"freeDiskBytes\":1,\"schemaVersion\":1}";
        assertThatThrownBy(() -> MessageCodec.decodeHeartbeat(nullEntry)).hasMessageContaining("networks[] has a null entry");
    }
}
