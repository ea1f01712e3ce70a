package io.ferry.core.network;

import io.ferry.core.error.ConflictException;
import io.ferry.core.exec.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Published ports: DNAT from the host's addresses (and 127.0.0.1) to a container, in throw-away namespaces. */
@Tag("host")
class PublishedPortsTest {
    private static final String SEND_UDP = "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(";
    private Namespaces ns;
    private String hostNs;
    private HostNetworks host;

    @BeforeEach
    void setUp() {
        ns = new Namespaces();
        hostNs = ns.create("h");
        host = ns.host("h1", hostNs);
        host.create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void aPublishedPortAnswersFromTheHostFromLoopbackAndFromOutside() throws Exception {
        String c = ns.create("c");
        String id = Namespaces.containerId();
        host.attach(id, "web1", new NetworkRequest("web", null, null, List.of(PortMapping.parse("18080:80"))),
                null, null, Namespaces.path(c), ns.filesDir(c));
        Path www = ns.filesDir("www");
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "hello from the container\n");
        ns.start(c, "busybox", "httpd", "-f", "-p", "80", "-h", www.toString());
        // a client outside the host: a namespace linked to the host's by a veth
        String client = ns.create("x");
        Namespaces.run("ip", "link", "add", "fntx0", "netns", hostNs, "type", "veth", "peer", "name", "fntx1", "netns", client);
        Namespaces.in(hostNs, "ip", "addr", "add", "192.168.241.1/24", "dev", "fntx0");
        Namespaces.in(hostNs, "ip", "link", "set", "fntx0", "up");
        Namespaces.in(client, "ip", "addr", "add", "192.168.241.2/24", "dev", "fntx1");
        Namespaces.in(client, "ip", "link", "set", "fntx1", "up");

        host.publish(id);
        host.publish(id); // idempotent

        // egress: the client has no route to 10.89.0.0/24, so only a masqueraded ping gets its answer
        assertThat(Namespaces.in(c, "busybox", "ping", "-c", "1", "-w", "5", "192.168.241.2").ok()).isTrue();

        assertThat(get(hostNs, "127.0.0.1:18080")).isEqualTo("hello from the container\n");
        assertThat(get(hostNs, "10.89.0.1:18080")).isEqualTo("hello from the container\n");
        assertThat(get(client, "192.168.241.1:18080")).isEqualTo("hello from the container\n");
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout().split("ferry:" + id, -1)).hasSize(2);

        host.unpublish(id);

        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain(id);
        assertThat(request(client, "192.168.241.1", 18080).stdout()).doesNotContain("hello");
    }

    @Test
    void aHostPortPublishedByAnotherContainerIsRefusedAndUnpublishRemovesOnlyItsOwnRules() {
        String a = ns.create("a");
        String b = ns.create("b");
        String idA = Namespaces.containerId();
        String idB = Namespaces.containerId();
        host.attach(idA, "web-a", new NetworkRequest("web", null, null,
                List.of(PortMapping.parse("18080:80"), PortMapping.parse("127.0.0.1:5353:53/udp"))),
                null, null, Namespaces.path(a), ns.filesDir(a));
        host.attach(idB, "web-b", new NetworkRequest("web", null, null, List.of(PortMapping.parse("0.0.0.0:18080:8080"))),
                null, null, Namespaces.path(b), ns.filesDir(b));
        host.publish(idA);

        assertThatThrownBy(() -> host.publish(idB)).isInstanceOf(ConflictException.class)
                .hasMessage("host port 18080/tcp is already published by container web-a (" + idA.substring(0, 12)
                        + ") (0.0.0.0:18080->80/tcp)");
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain(idB);

        host.unpublish(idA);
        host.publish(idB);

        String rules = Namespaces.in(hostNs, "iptables-save").stdout();
        assertThat(rules).doesNotContain(idA).contains("ferry:" + idB);
    }

    @Test
    void aHostPortThatAServiceOfTheHostListensOnIsRefusedSoAnArchiveCannotHijackIt() throws Exception {
        // the host's own services (the restore-service on 8083, sshd on 22) as a listener in the host's namespace
        ns.start(hostNs, "busybox", "nc", "-l", "-p", "18083");
        ns.start(hostNs, "python3", "-c", "import socket,time; s=socket.socket(); s.bind(('127.0.0.1', 18022));"
                + " s.listen(); time.sleep(600)");
        awaitListening(hostNs, 18083);
        awaitListening(hostNs, 18022);
        String c = ns.create("c");
        String id = Namespaces.containerId();
        host.attach(id, "thief", new NetworkRequest("web", null, null,
                List.of(PortMapping.parse("18083:80"))), null, null, Namespaces.path(c), ns.filesDir(c));

        assertThatThrownBy(() -> host.publish(id)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("host port 18083/tcp is in use on this host")
                .hasMessageContaining("bind: address already in use");
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain(id);

        // a listener on 127.0.0.1 only: the OUTPUT DNAT of a 0.0.0.0 mapping would still take its local clients
        String other = Namespaces.containerId();
        String c2 = ns.create("c2");
        host.attach(other, "thief2", new NetworkRequest("web", null, null,
                List.of(PortMapping.parse("0.0.0.0:18022:22"))), null, null, Namespaces.path(c2), ns.filesDir(c2));
        assertThatThrownBy(() -> host.publish(other)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("host port 18022/tcp is in use on this host");
        assertThat(Namespaces.in(hostNs, "iptables-save").stdout()).doesNotContain(other);
    }

    /**
     * route_localnet on the bridge (so a port published on 127.0.0.1 reaches a container) also accepts packets
     * from the bridge addressed to 127.0.0.1 (CVE-2020-8558): a container that forges them (CAP_NET_RAW is enough;
     * here its namespace's routes stand in) would reach services the host binds to loopback only.
     */
    @Test
    void aContainerCannotReachAServiceTheHostBindsToLoopbackOnly() throws Exception {
        Path got = ns.filesDir("loopback-service").resolve("got");
        Files.createDirectories(got.getParent());
        // a host service on 127.0.0.1 only (a local resolver, an admin port): it records what reaches it
        ns.start(hostNs, "python3", "-c", "import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.bind(('127.0.0.1', 18099))\nwhile True:\n d, a = s.recvfrom(100); open('" + got + "', 'ab')"
                + ".write(d + b' from ' + a[0].encode() + b'\\n')");
        for (int i = 0; i < 50 && !Namespaces.in(hostNs, "ss", "-H", "-lun").stdout().contains(":18099 "); i++) {
            Thread.sleep(100);
        }
        String c = ns.create("c");
        String id = Namespaces.containerId();
        NetworkAttachment a = host.attach(id, "web", new NetworkRequest("web", null, null,
                List.of(PortMapping.parse("127.0.0.1:18080:80"))), null, null, Namespaces.path(c), ns.filesDir(c));
        host.publish(id);
        Namespaces.in(c, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.route_localnet=1");
        Namespaces.in(c, "ip", "route", "del", "local", "127.0.0.0/8", "table", "local");
        Namespaces.in(c, "ip", "route", "del", "local", "127.0.0.1", "table", "local");
        Namespaces.in(c, "ip", "route", "add", "127.0.0.1/32", "via", a.gateway(), "dev", "eth0");

        for (int i = 0; i < 3; i++) {
            Namespaces.in(c, "python3", "-c", SEND_UDP + "b'forged', ('127.0.0.1', 18099))");
        }
        Namespaces.in(hostNs, "python3", "-c", SEND_UDP + "b'local', ('127.0.0.1', 18099))"); // the host's own still do
        for (int i = 0; i < 30 && !Files.exists(got); i++) {
            Thread.sleep(100);
        }

        assertThat(Files.readString(got)).contains("local from 127.0.0.1").doesNotContain("forged");
        // and the port published on 127.0.0.1 still leads to the container
        ns.start(c, "busybox", "nc", "-l", "-p", "80", "-e", "echo", "published-ok");
        String answer = "";
        for (int i = 0; i < 30 && !answer.contains("published-ok"); i++) {
            answer = Namespaces.in(hostNs, "busybox", "nc", "-w", "1", "127.0.0.1", "18080").stdout();
            Thread.sleep(100);
        }
        assertThat(answer).contains("published-ok");
    }

    private static void awaitListening(String inNs, int port) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (Namespaces.in(inNs, "ss", "-H", "-ltn").stdout().contains(":" + port + " ")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing listens on " + port + " in " + inNs);
    }

    /** An HTTP GET with busybox nc (busybox-static's wget crashes here). */
    private static CommandResult request(String inNs, String ip, int port) {
        return Namespaces.in(inNs, "sh", "-c", "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 " + ip + " " + port);
    }

    private static String get(String inNs, String hostPort) throws InterruptedException {
        CommandResult r = null;
        for (int i = 0; i < 50; i++) { // the listener may still be starting
            String[] hp = hostPort.split(":");
            r = request(inNs, hp[0], Integer.parseInt(hp[1]));
            if (r.stdout().contains("200 OK")) {
                return r.stdout().substring(r.stdout().indexOf("\r\n\r\n") + 4);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer from " + hostPort + " in " + inNs + ": " + r.errorLines());
    }
}
