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
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 as a Podman user types it: run --network/-p, ps's PORTS, inspect's NetworkSettings, checkpoint and
 * restore with --ignore-static-ip and -p remapped on import, and Podman's refusals. The host's networks live in
 * a namespace of its own (--host-netns).
 */
@Tag("host")
class NetworkCliTest {
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
        a = net.host("netcli", hostNs);
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    private FerryCliTest.Run ferry(String... args) {
        List<String> argv = new ArrayList<>(List.of("--host-netns", NetworkedHosts.path(hostNs).toString()));
        argv.addAll(List.of(args));
        return FerryCliTest.ferry(a, argv.toArray(String[]::new));
    }

    @Test
    void runPublishesPsShowsPortsInspectShowsAddressesAndImportRemapsThePort() {
        assertThat(ferry("network", "create", "web").exit()).isZero();
        FerryCliTest.Run run = ferry("run", "-d", "--name", "web1", "--network", "web", "--ip", "10.89.0.40", "-p",
                "8080:80", BusyboxImage.REF, "sh", "-c", "httpd -f -p 80 -h /var/www");
        assertThat(run.exit()).as(run.all()).isZero();

        assertThat(ferry("ps").out()).contains("PORTS").contains("0.0.0.0:8080->80/tcp");
        JsonNode settings = Json.MAPPER.readTree(ferry("inspect", "web1").out()).get(0).get("NetworkSettings");
        assertThat(settings.get("IPAddress").asString()).isEqualTo("10.89.0.40");
        assertThat(settings.get("Gateway").asString()).isEqualTo("10.89.0.1");
        assertThat(settings.get("MacAddress").asString()).startsWith("02:");
        assertThat(settings.get("Ports").get("80/tcp").get(0).get("HostPort").asString()).isEqualTo("8080");
        assertThat(settings.get("Networks").get("web").get("IPAddress").asString()).isEqualTo("10.89.0.40");
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://10.89.0.1:8080/index.html", WAIT)).isEqualTo("hello from ferry\n");

        Path archive = tmp.resolve("web1.tar.zst");
        assertThat(ferry("checkpoint", "web1", "-e", archive.toString()).exit()).isZero();
        assertThat(ferry("rm", "web1").exit()).isZero();
        FerryCliTest.Run restored = ferry("restore", "-i", archive.toString(), "--ignore-static-ip", "-p", "8081:80");
        assertThat(restored.exit()).as(restored.all()).isZero();

        assertThat(ferry("ps").out()).contains("0.0.0.0:8081->80/tcp").doesNotContain("8080->");
        JsonNode after = Json.MAPPER.readTree(ferry("inspect", "web1").out()).get(0).get("NetworkSettings");
        assertThat(after.get("IPAddress").asString()).isNotEqualTo("10.89.0.40").startsWith("10.89.0.");
        assertThat(after.get("MacAddress").asString()).isEqualTo(settings.get("MacAddress").asString());
        assertThat(NetworkedHosts.awaitHttp(hostNs, "http://10.89.0.1:8081/index.html", WAIT)).isEqualTo("hello from ferry\n");
    }

    @Test
    void podmansRefusals() {
        FerryCliTest.Run ip = ferry("run", "--ip", "10.89.0.5", BusyboxImage.REF, "true");
        assertThat(ip.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(ip.err()).contains("--ip can only be used with a network: use --network NAME");
        assertThat(ferry("run", "--network", "none", "-p", "80:80", BusyboxImage.REF, "true").err())
                .contains("--publish can only be used with a network: use --network NAME (not none)");
        assertThat(ferry("run", "--network", "nosuch", BusyboxImage.REF, "true").err()).contains("nosuch");

        FerryCliTest.Run tcp = ferry("restore", "-i", tmp.resolve("x.tar").toString(), "--name", "copy", "--tcp-established");
        assertThat(tcp.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(tcp.err()).contains("Error: --tcp-established cannot be used with --name");
        FerryCliTest.Run publish = ferry("restore", "-p", "8080:80", "web1");
        assertThat(publish.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(publish.err()).contains("Error: --publish can only be used with image or --import");
        assertThat(ferry("ps", "-a").out()).doesNotContain("busybox");
    }

    private FerryCliTest.Run ok(String... args) {
        FerryCliTest.Run r = ferry(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.all()).isZero();
        return r;
    }

    private String address() {
        return Json.MAPPER.readTree(ok("inspect", "web1").out()).get(0).get("NetworkSettings").get("IPAddress").asString();
    }

    /** Issue 13: `ferry start` keeps a container's network attachment: its address and published port serve again. */
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
