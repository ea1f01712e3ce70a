package io.ferry.bench.net;

import io.ferry.bench.chaos.ChaosTopology;
import io.ferry.bench.chaos.GatewayApi;
import io.ferry.bench.chaos.Sh;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's proof, as a user sees it: a web service (busybox httpd and a TCP counter) runs on host A on a
 * VXLAN network that spans both hosts and a client; the client, in a namespace of its own, polls the web
 * server every 20 ms and holds one connection to the counter while the gateway moves the container to host B
 * with tcpEstablished. Afterwards the same address answers from B, the held connection goes on counting, and
 * nothing of the container is left on A. The demo's topology for real: each host's services in their own
 * network namespace on a bridge, the gateway with its in-process Kafka broker and embedded PostgreSQL, runc
 * and CRIU. Prints the client's longest gaps next to the migration's downtime (no timing asserts).
 */
@Tag("host")
class NetworkProofTest {
    private static final String UNDERLAY = "10.88.79";
    private static final String NETWORK = "proofnet";
    private static final String SUBNET = "10.89.79.0/24";
    private static final String WEB_IP = "10.89.79.10";
    private static final String CLIENT_IP = "10.89.79.250";
    private static final int VNI = 7942;
    private static final int VXLAN_PORT = 4789;
    private static final String WEB = "web";
    /** httpd on :80 and, on :7000, a counter per connection: a number every 20 ms, each one more. */
    static final String WEB_COMMAND = "mkdir -p /tmp/www; echo ferry-web > /tmp/www/index.html;"
            + " printf '#!/bin/sh\\ni=0; while true; do echo $i; i=$((i+1)); usleep 20000; done\\n' > /tmp/counter;"
            + " chmod +x /tmp/counter; httpd -f -p 80 -h /tmp/www & nc -ll -p 7000 -e /tmp/counter";

    @Test
    void aMovedWebServiceKeepsItsAddressAndItsHeldConnection() throws Exception {
        Path repo = Path.of(System.getProperty("ferry.repo", "..")).toAbsolutePath().normalize();
        Path state = Files.createTempDirectory("ferry-proof");
        Path logs = repo.resolve("bench/target/proof-logs");
        try (ChaosTopology topo = new ChaosTopology(repo, state, UNDERLAY, logs, "proof");
             OverlayClient client = new OverlayClient("ferry-proof-client", "fproof-c")) {
            topo.start();
            String a = topo.hostA();
            String b = topo.hostB();
            String clientUnderlay = UNDERLAY + ".13";
            // given: the network on both hosts (each hands out from its own range), the client on it too
            createNetwork(topo, a, b, "10.89.79.64/27", clientUnderlay);
            createNetwork(topo, b, a, "10.89.79.96/27", clientUnderlay);
            client.create(topo.bridge(), clientUnderlay + "/24", VNI, VXLAN_PORT,
                    List.of(topo.address(a), topo.address(b)), CLIENT_IP + "/24", 1450);
            // and the web service on A, polled by the client
            topo.ferryOnHost(a, "run", "-d", "--name", WEB, "--network", NETWORK, "--ip", WEB_IP, topo.imageRef(),
                    "sh", "-c", WEB_COMMAND);
            GatewayApi api = topo.api();
            await("the gateway to see " + WEB + " on " + a).atMost(Duration.ofSeconds(30))
                    .until(() -> api.hostContainers(a).contains("\"" + WEB + "\""));
            String webId = containerId(topo.root(a));
            try (ProbeProcess probe = ProbeProcess.start(client.netns(), WEB_IP + ":80", WEB_IP + ":7000", state)) {
                probe.awaitReady(Duration.ofSeconds(30));

                // when: the gateway moves it to B, carrying established TCP connections
                HttpResponse<String> created = api.requestMigration(WEB, a, b, true);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
                String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
                JsonNode m = awaitTerminal(api, id);

                // then: COMPLETED, the same address answers from B
                assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
                boolean answers = within(Duration.ofSeconds(10), () -> client.run("curl", "-s", "-m", "2",
                        "http://" + WEB_IP + "/").out().contains("ferry-web"));
                ProbeProcess.Result seen = probe.stop();
                long downtime = m.path("downtimeMillis").asLong(-1);
                System.out.println(seen.table());
                System.out.println("  migration downtime    " + downtime + " ms (the gateway's record of " + id + ")");
                String where = answers ? "" : networkState(topo, client);
                assertThat(answers).as("http://%s/ answers the client after the move; %s", WEB_IP, where).isTrue();
                assertThat(topo.ferryOnHost(b, "ps")).contains(WEB);
                // the held connection carried on: kept, counting one by one, still receiving at the end
                assertThat(seen.values().get("tcp")).as(seen.table()).isEqualTo("kept");
                assertThat(seen.values().get("counter")).as(seen.table()).isEqualTo("continued");
                assertThat(seen.number("tcp_last_line_age_ms")).as(seen.table()).isBetween(0L, 2000L);
                assertThat(seen.number("http_last_ok_age_ms")).as(seen.table()).isBetween(0L, 2000L);
            }
            // and nothing of it is left on A once the source copy is finalized
            await("the source copy of " + WEB + " to be removed from " + a).atMost(Duration.ofSeconds(60))
                    .until(() -> !topo.ferryOnHost(a, "ps", "-a").contains(WEB));
            assertNothingLeftOn(topo, a, webId);
            assertThat(topo.ferryOnHost(b, "ps")).contains(WEB);
            assertThat(topo.root(b).resolve("networks/addresses/" + NETWORK + "/" + WEB_IP)).as("B holds the kept address").exists();
        }
    }

    private static void createNetwork(ChaosTopology topo, String host, String other, String range, String client) {
        topo.ferryOnHost(host, "network", "create", "--subnet", SUBNET, "--ip-range", range,
                "--opt", "vxlan.id=" + VNI, "--opt", "vxlan.local=" + topo.address(host),
                "--opt", "vxlan.peers=" + topo.address(other) + "," + client, NETWORK);
    }

    /** The id of the one container in a host's state (the engine keeps one directory per container). */
    private static String containerId(Path root) throws Exception {
        try (Stream<Path> s = Files.list(root.resolve("containers"))) {
            List<String> ids = s.map(p -> p.getFileName().toString()).toList();
            assertThat(ids).hasSize(1);
            return ids.get(0);
        }
    }

    private static JsonNode awaitTerminal(GatewayApi api, String id) {
        JsonNode[] last = new JsonNode[1];
        await("migration " + id + " to end").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    last[0] = api.migration(id).orElse(null);
                    return last[0] != null && Set.of("COMPLETED", "ROLLED_BACK", "FAILED").contains(last[0].path("state").asString());
                });
        return last[0];
    }

    private static boolean within(Duration bound, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            NetworkProbe.sleep(250);
        }
        return false;
    }

    /** Links, forwarding and neighbour entries of the hosts, their containers and the client: for a failure's message. */
    private static String networkState(ChaosTopology topo, OverlayClient client) {
        StringBuilder out = new StringBuilder("network state:\n");
        for (String h : List.of(topo.hostA(), topo.hostB())) {
            for (String[] cmd : List.of(new String[]{"ip", "-br", "link"}, new String[]{"ip", "-br", "addr"},
                    new String[]{"bridge", "fdb", "show"}, new String[]{"ip", "neigh"})) {
                out.append("== ").append(h).append(": ").append(String.join(" ", cmd)).append('\n').append(topo.onHost(h, cmd).out());
            }
        }
        for (String ns : Sh.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith("ferry-proof-")).toList()) {
            out.append("== netns ").append(ns).append('\n').append(Sh.run("ip", "-n", ns, "-br", "addr").out())
                    .append(Sh.run("ip", "-n", ns, "neigh").out()).append(Sh.run("ip", "-n", ns, "route").out());
        }
        out.append("== client fdb\n").append(client.run("bridge", "fdb", "show", "dev", "vx0").out());
        return out.toString();
    }

    /** No veth, no netfilter rule, no address, no namespace of the container on the host it left. */
    private static void assertNothingLeftOn(ChaosTopology topo, String host, String containerId) {
        String links = topo.onHost(host, "ip", "-o", "link", "show").out();
        assertThat(links).as("the network's bridge is still there: these are %s's links", host).contains(": fb");
        assertThat(links.lines().filter(l -> l.matches("\\d+: fv[0-9a-f]{12}.*")).toList()).as(links).isEmpty();
        String rules = topo.onHost(host, "iptables-save").out();
        assertThat(rules).as("Ferry's chains are still there: these are %s's rules", host).contains(":FERRY-FORWARD");
        assertThat(rules).as("iptables on " + host).doesNotContain(containerId).doesNotContain(WEB_IP);
        assertThat(topo.ferryOnHost(host, "network", "inspect", NETWORK)).doesNotContain(WEB_IP);
        assertThat(topo.root(host).resolve("networks/attachments/" + containerId + ".json")).doesNotExist();
        assertThat(topo.root(host).resolve("networks/addresses/" + NETWORK + "/" + WEB_IP)).as("the address is released").doesNotExist();
        assertThat(Sh.run("ip", "netns", "list").out()).doesNotContain(topo.netns(host) + "-" + containerId);
    }
}
