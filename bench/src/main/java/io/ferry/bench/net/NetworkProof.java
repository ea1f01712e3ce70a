package io.ferry.bench.net;

import io.ferry.bench.chaos.ChaosTopology;
import io.ferry.bench.chaos.GatewayApi;
import io.ferry.bench.chaos.Sh;
import io.ferry.core.network.LinkNames;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Issue 12's proof, as a user sees it, on a running {@link ChaosTopology}: a web service (busybox httpd and a
 * TCP counter) runs on host A on a VXLAN network that spans both hosts and a client; the client, in a namespace
 * of its own, polls the web server every 20 ms and holds one connection to the counter while the gateway moves
 * the container to host B with tcpEstablished. Then: COMPLETED, the same address answers from B, the held
 * connection was kept and its counter went on one by one, and nothing of the container is left on A.
 * {@link #run} returns the assertions that failed (empty: the proof held); it prints the client's table and
 * the migration's downtime (no timing asserts). Used by {@code bench/run.sh chaos --network-proof} (CI) and
 * NetworkProofTest (by hand). The container and the network stay on the hosts: the topology's close removes them.
 */
public final class NetworkProof {
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

    private final ChaosTopology topo;
    private final Path dir;
    private final String clientNetns;
    private final String clientLink;
    private final List<String> failures = new ArrayList<>();

    /** {@code dir}: for the probe's output; {@code name}: names the client's namespace (ferry-NAME-client) and link. */
    public NetworkProof(ChaosTopology topo, Path dir, String name) {
        this.topo = topo;
        this.dir = dir;
        this.clientNetns = "ferry-" + name + "-client";
        this.clientLink = "f" + name + "-c";
    }

    /** Runs the proof once; the failed assertions, each with what was seen. */
    public List<String> run() {
        try (OverlayClient client = new OverlayClient(clientNetns, clientLink)) {
            prove(client);
        } catch (RuntimeException e) {
            failures.add("the proof stopped: " + e);
        }
        return failures;
    }

    private void prove(OverlayClient client) {
        String a = topo.hostA();
        String b = topo.hostB();
        String clientUnderlay = topo.gw().substring(0, topo.gw().lastIndexOf('.')) + ".13";
        // given: the network on both hosts (each hands out from its own range), the client on it too
        createNetwork(a, b, "10.89.79.64/27", clientUnderlay);
        createNetwork(b, a, "10.89.79.96/27", clientUnderlay);
        client.create(topo.bridge(), clientUnderlay + "/24", VNI, VXLAN_PORT,
                List.of(topo.address(a), topo.address(b)), CLIENT_IP + "/24", 1450);
        // and the web service on A, polled by the client
        Set<String> before = containerIds(topo.root(a));
        topo.ferryOnHost(a, "run", "-d", "--name", WEB, "--network", NETWORK, "--ip", WEB_IP, topo.imageRef(),
                "sh", "-c", WEB_COMMAND);
        GatewayApi api = topo.api();
        if (!check(within(Duration.ofSeconds(30), () -> api.hostContainers(a).contains("\"" + WEB + "\"")),
                "the gateway lists " + WEB + " on " + a + " within 30 s")) {
            return;
        }
        Set<String> added = containerIds(topo.root(a));
        added.removeAll(before);
        if (!check(added.size() == 1, "one new container on " + a + " (got " + added + ")")) {
            return;
        }
        String webId = added.iterator().next();
        try (ProbeProcess probe = ProbeProcess.start(client.netns(), WEB_IP + ":80", WEB_IP + ":7000", dir)) {
            probe.awaitReady(Duration.ofSeconds(30));

            // when: the gateway moves it to B, carrying established TCP connections
            HttpResponse<String> created = request(api, a, b);
            if (!check(created.statusCode() == 202, "the migration request is accepted (202; got "
                    + created.statusCode() + ": " + created.body() + ")")) {
                return;
            }
            String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
            JsonNode m = awaitTerminal(api, id);

            // then: COMPLETED, the same address answers from B
            String state = m == null ? "not terminal within 120 s" : m.path("state").asString();
            check("COMPLETED".equals(state), "migration " + id + " COMPLETED (got " + state + ": " + m + ")");
            boolean answers = within(Duration.ofSeconds(10), () -> client.run("curl", "-s", "-m", "2",
                    "http://" + WEB_IP + "/").out().contains("ferry-web"));
            ProbeProcess.Result seen = probe.stop();
            System.out.println(seen.table());
            System.out.println("  migration downtime    " + (m == null ? -1 : m.path("downtimeMillis").asLong(-1))
                    + " ms (the gateway's record of " + id + ")");
            check(answers, "http://" + WEB_IP + "/ answers the client after the move; " + (answers ? "" : networkState(client)));
            check(topo.ferryOnHost(b, "ps").contains(WEB), WEB + " runs on " + b);
            // the held connection carried on: kept, counting one by one, still receiving at the end
            check("kept".equals(seen.values().get("tcp")), "the held connection was kept\n" + seen.table());
            check("continued".equals(seen.values().get("counter")), "its counter continued one by one\n" + seen.table());
            check(between(seen.number("tcp_last_line_age_ms")), "the held connection still receives at the end"
                    + " (last line " + seen.number("tcp_last_line_age_ms") + " ms before; at most 2000)");
            check(between(seen.number("http_last_ok_age_ms")), "HTTP still answers at the end (last answer "
                    + seen.number("http_last_ok_age_ms") + " ms before; at most 2000)");
        }
        // and nothing of it is left on A once the source copy is finalized
        check(within(Duration.ofSeconds(60), () -> !topo.ferryOnHost(a, "ps", "-a").contains(WEB)),
                "the source copy of " + WEB + " is removed from " + a + " within 60 s");
        nothingLeftOn(a, webId);
        check(topo.ferryOnHost(b, "ps").contains(WEB), WEB + " still runs on " + b);
        check(Files.exists(topo.root(b).resolve("networks/addresses/" + NETWORK + "/" + WEB_IP)), b + " holds the kept address");
    }

    private HttpResponse<String> request(GatewayApi api, String a, String b) {
        try {
            return api.requestMigration(WEB, a, b, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No veth, no netfilter rule, no address, no namespace of the container on the host it left. */
    private void nothingLeftOn(String host, String containerId) {
        String links = topo.onHost(host, "ip", "-o", "link", "show").out();
        check(links.contains(": fb"), "the network's bridge is still on " + host + ":\n" + links);
        String veth = LinkNames.hostVeth(host, containerId);
        check(!links.contains(veth), "no veth " + veth + " of " + WEB + " left on " + host + ":\n" + links);
        String rules = topo.onHost(host, "iptables-save").out();
        check(rules.contains(":FERRY-FORWARD"), "Ferry's chains are still on " + host + ":\n" + rules);
        check(!rules.contains(containerId) && !rules.contains(WEB_IP), "no netfilter rule of " + WEB + " left on " + host + ":\n" + rules);
        String inspect = topo.ferryOnHost(host, "network", "inspect", NETWORK);
        check(!inspect.contains(WEB_IP), host + "'s network no longer lists " + WEB_IP + ":\n" + inspect);
        check(!Files.exists(topo.root(host).resolve("networks/attachments/" + containerId + ".json")),
                "no attachment of " + containerId + " left on " + host);
        check(!Files.exists(topo.root(host).resolve("networks/addresses/" + NETWORK + "/" + WEB_IP)),
                WEB_IP + " is released on " + host);
        check(!Sh.run("ip", "netns", "list").out().contains(topo.netns(host) + "-" + containerId),
                "no namespace of " + containerId + " left on " + host);
    }

    private void createNetwork(String host, String other, String range, String client) {
        topo.ferryOnHost(host, "network", "create", "--subnet", SUBNET, "--ip-range", range,
                "--opt", "vxlan.id=" + VNI, "--opt", "vxlan.local=" + topo.address(host),
                "--opt", "vxlan.peers=" + topo.address(other) + "," + client, NETWORK);
    }

    private boolean check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
        return ok;
    }

    private static boolean between(long ageMs) {
        return ageMs >= 0 && ageMs <= 2000;
    }

    /** The ids of the containers in a host's state (the engine keeps one directory per container). */
    private static Set<String> containerIds(Path root) {
        Path dir = root.resolve("containers");
        if (!Files.isDirectory(dir)) {
            return new java.util.HashSet<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The migration once terminal, null when it is not within 120 s. */
    private static JsonNode awaitTerminal(GatewayApi api, String id) {
        JsonNode[] last = new JsonNode[1];
        boolean done = within(Duration.ofSeconds(120), () -> {
            last[0] = api.migration(id).orElse(null);
            return last[0] != null && Set.of("COMPLETED", "ROLLED_BACK", "FAILED").contains(last[0].path("state").asString());
        });
        return done ? last[0] : null;
    }

    private static boolean within(Duration bound, BooleanSupplier condition) {
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
    private String networkState(OverlayClient client) {
        StringBuilder out = new StringBuilder("network state:\n");
        for (String h : List.of(topo.hostA(), topo.hostB())) {
            for (String[] cmd : List.of(new String[]{"ip", "-br", "link"}, new String[]{"ip", "-br", "addr"},
                    new String[]{"bridge", "fdb", "show"}, new String[]{"ip", "neigh"})) {
                out.append("== ").append(h).append(": ").append(String.join(" ", cmd)).append('\n').append(topo.onHost(h, cmd).out());
            }
        }
        out.append("== client ").append(clientNetns).append('\n').append(client.run("ip", "-br", "addr").out())
                .append(client.run("ip", "neigh").out()).append(client.run("bridge", "fdb", "show", "dev", "vx0").out());
        return out.toString();
    }
}
