package io.ferry.core.checkpoint;

import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkCreateRequest;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.NetworkedHosts;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 across two hosts: one network spanning them by VXLAN over a veth underlay (each host's networks in
 * a namespace of its own). A container exported from host 1, removed there and imported on host 2 keeps its IP
 * and MAC; its published port answers on host 2; a client on the network (a namespace attached on host 1)
 * holds one TCP connection through the move with --tcp-established, or sees it closed with --tcp-close while
 * the container serves new ones.
 */
@Tag("host")
class ContainerNetworkMigrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HELLO = "hello from ferry\n";
    /** A TCP server sending a counter to each client, one line a second. */
    private static final String COUNTER = "nc -ll -p 9000 -e sh -c 'i=0; while true; do echo tcp-$i; i=$((i+1)); sleep 1; done'";
    private static final Pattern TCP_LINE = Pattern.compile("tcp-(\\d+)");

    @TempDir
    Path tmp;
    private NetworkedHosts net;
    private String h1;
    private String h2;
    private String client;
    private String clientId;
    private TestHost one;
    private TestHost two;

    @BeforeEach
    void setUp() {
        net = new NetworkedHosts();
        h1 = net.namespace("h1");
        h2 = net.namespace("h2");
        net.link(h1, "192.168.240.1", h2, "192.168.240.2");
        one = net.host("neto", h1);
        two = net.host("nett", h2);
        one.engine().networks().create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.0/25", 4242,
                "192.168.240.1", List.of("192.168.240.2")));
        two.engine().networks().create(new NetworkCreateRequest("span", "10.90.0.0/24", null, "10.90.0.128/25", 4242,
                "192.168.240.2", List.of("192.168.240.1")));
        // the client: a namespace on the network, attached at host 1 as a container would be
        client = net.namespace("client");
        clientId = "c1ce".repeat(16);
        one.engine().networks().attach(clientId, "client", new NetworkRequest("span", null, null, List.of()), null, null,
                NetworkedHosts.path(client), tmp.resolve("client-files"));
    }

    @AfterEach
    void tearDown() {
        try {
            one.engine().networks().detach(clientId);
        } finally {
            net.close();
        }
    }

    @Test
    void aMovedContainerKeepsItsAddressAndItsPortAnswersOnTheTarget() {
        run(one, "web", "httpd -f -p 80 -h /var/www", "8080:80");
        NetworkAttachment before = attachment(one, "web");
        assertThat(before.ip()).startsWith("10.90.0.");
        assertThat(NetworkedHosts.awaitHttp(client, "http://" + before.ip() + "/index.html", WAIT)).isEqualTo(HELLO);
        Path archive = tmp.resolve("web.tar.zst");

        one.engine().checkpoint("web", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        one.engine().containers().remove("web", false);
        two.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        NetworkAttachment after = attachment(two, "web");
        assertThat(NetworkedHosts.describe(after)).isEqualTo(NetworkedHosts.describe(before));
        assertThat(NetworkedHosts.awaitHttp(client, "http://" + before.ip() + "/index.html", WAIT))
                .as("the same address answers, now from host 2").isEqualTo(HELLO);
        assertThat(NetworkedHosts.awaitHttp(h1, "http://192.168.240.2:8080/index.html", WAIT)).isEqualTo(HELLO);
        assertThat(NetworkedHosts.veths(h1)).as("host 1 keeps the client's veth only").hasSize(1);
        assertThat(NetworkedHosts.addressFiles(one)).hasSize(1);
        assertThat(NetworkedHosts.containerRules(h1)).isEmpty();
    }

    @Test
    void tcpEstablishedKeepsAHeldConnectionAcrossTheMove() throws Exception {
        run(one, "counter", COUNTER);
        String ip = attachment(one, "counter").ip();
        Path received = tmp.resolve("received.txt");
        Process held = net.start(client, received, "busybox", "nc", ip, "9000");
        awaitLines(received, n -> n.size() >= 2, "two lines over the connection");
        Path archive = tmp.resolve("counter.tar.zst");

        one.engine().checkpoint("counter", CheckpointOptions.defaults().withTcpEstablished(), ArchiveTarget.file(archive)).result();
        int stoppedAt = last(numbers(received));
        one.engine().containers().remove("counter", false);
        two.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().withTcpEstablished());

        List<Integer> numbers = awaitLines(received, n -> last(n) >= stoppedAt + 2, "the held connection to go on");
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("line %d over the one connection: %s", i, numbers).isEqualTo(i);
        }
        assertThat(held.isAlive()).isTrue();
    }

    @Test
    void tcpCloseRestoresTheConnectionClosedAndServesNewOnes() throws Exception {
        run(one, "counter", COUNTER);
        String ip = attachment(one, "counter").ip();
        Path received = tmp.resolve("received.txt");
        // the client writes too: a connection restored closed answers its next segment with a reset
        Process held = net.start(client, received, "sh", "-c", "while true; do echo ping; sleep 0.3; done | busybox nc "
                + ip + " 9000");
        awaitLines(received, n -> n.size() >= 2, "two lines over the connection");
        Path archive = tmp.resolve("counter.tar.zst");
        one.engine().checkpoint("counter", CheckpointOptions.defaults().withTcpEstablished(), ArchiveTarget.file(archive)).result();
        one.engine().containers().remove("counter", false);

        two.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().closingTcp());

        assertThat(held.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the client saw its connection end").isTrue();
        String fresh = NetworkedHosts.in(client, Duration.ofSeconds(10), "busybox", "timeout", "3", "busybox", "nc", ip,
                "9000").stdout();
        assertThat(fresh).as("a new connection is served from the start").startsWith("tcp-0\n");
        assertThat(two.running("counter")).isTrue();
    }

    private void run(TestHost h, String name, String script, String... ports) {
        h.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", script), List.of(),
                new NetworkRequest("span", null, null, List.of(ports).stream().map(PortMapping::parse).toList())));
    }

    private static NetworkAttachment attachment(TestHost h, String name) {
        return h.engine().networks().attachment(h.engine().containers().get(name).id()).orElseThrow();
    }

    private static List<Integer> numbers(Path file) {
        try {
            List<Integer> out = new ArrayList<>();
            Matcher m = TCP_LINE.matcher(Files.exists(file) ? Files.readString(file) : "");
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Integer> awaitLines(Path file, Predicate<List<Integer>> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> n = numbers(file);
            if (condition.test(n)) {
                return n;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + ": " + numbers(file));
    }

    private static int last(List<Integer> numbers) {
        return numbers.isEmpty() ? -1 : numbers.get(numbers.size() - 1);
    }
}
