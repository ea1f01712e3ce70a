package io.ferry.cli;

import io.ferry.core.json.Json;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.NetworkedHosts;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13: `ferry start` keeps a container's network attachment: its address and published port serve again. */
@Tag("host")
class StartNetworkCliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path tmp;
    private NetworkedHosts net;
    private String hostNs;
    private TestHost a;

    @BeforeEach
    void setUp() {
        net = new NetworkedHosts();
        hostNs = net.namespace("h");
        a = net.host("startnet", hostNs);
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    private FerryCliTest.Run ok(String... args) {
        List<String> argv = new ArrayList<>(List.of("--host-netns", NetworkedHosts.path(hostNs).toString()));
        argv.addAll(List.of(args));
        FerryCliTest.Run r = FerryCliTest.ferry(a, argv.toArray(String[]::new));
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.all()).isZero();
        return r;
    }

    private String address() {
        return Json.MAPPER.readTree(ok("inspect", "web1").out()).get(0).get("NetworkSettings").get("IPAddress").asString();
    }

    @Test
    void aStoppedAndACheckpointedContainerStartAgainOnTheirAddressAndPublishedPort() {
        ok("network", "create", "web");
        ok("run", "-d", "--name", "web1", "--network", "web", "-p", "8080:80", BusyboxImage.REF, "sh", "-c",
                "httpd -f -p 80 -h /var/www");
        String ip = address();
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://10.89.0.1:8080/index.html", WAIT)).isEqualTo("hello from ferry\n");

        ok("stop", "-t", "1", "web1");
        ok("start", "web1");
        assertThat(address()).isEqualTo(ip);
        assertThat(ok("ps").out()).contains("0.0.0.0:8080->80/tcp");
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://10.89.0.1:8080/index.html", WAIT)).isEqualTo("hello from ferry\n");
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://" + ip + "/index.html", WAIT)).isEqualTo("hello from ferry\n");

        ok("checkpoint", "web1", "-e", tmp.resolve("web1.tar.zst").toString()); // withdraws its address and port
        ok("start", "web1");
        assertThat(address()).isEqualTo(ip);
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://10.89.0.1:8080/index.html", WAIT)).isEqualTo("hello from ferry\n");
    }
}
