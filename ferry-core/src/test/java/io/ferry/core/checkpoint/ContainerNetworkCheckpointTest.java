package io.ferry.core.checkpoint;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.archive.NetworkStatus;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.error.ConflictException;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkCreateRequest;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.NetworkedHosts;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12, one host: containers on a bridge network with published ports, through checkpoint and restore
 * with Podman's network semantics (kept IP and MAC, new ones under a new name or when told to ignore them,
 * -p remapped on import, rollback in place), and nothing left behind (veths, address files, netfilter rules).
 * The host's networks live in a namespace of its own; clients run in a "lan" namespace linked to it.
 */
@Tag("host")
class ContainerNetworkCheckpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HTTPD = "httpd -f -p 80 -h /var/www";
    private static final String HELLO = "hello from ferry\n";
    private static final String PORT_URL = "http://192.0.2.1:8080/index.html";

    @TempDir
    Path tmp;
    private NetworkedHosts net;
    private String hostNs;
    private String lan;
    private TestHost a;

    @BeforeEach
    void setUp() {
        net = new NetworkedHosts();
        hostNs = net.namespace("h1");
        lan = net.namespace("lan");
        net.link(hostNs, "192.0.2.1", lan, "192.0.2.2");
        NetworkedHosts.in(lan, "ip", "route", "add", "10.89.0.0/16", "via", "192.0.2.1");
        a = net.host("neta", hostNs);
        a.engine().networks().create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    @Test
    void runOnANetworkGetsAnAddressReachesTheGatewayAndPublishesItsPort() throws IOException {
        ContainerRecord web = run("web1", HTTPD, "8080:80");
        NetworkAttachment at = attachment("web1");

        assertThat(at.ip()).startsWith("10.89.0.");
        assertThat(at.gateway()).isEqualTo("10.89.0.1");
        assertThat(NetworkedHosts.eth0(a, "web1")).contains(at.ip() + "/24").contains(at.mac());
        assertThat(a.inNetns("web1", WAIT, "busybox", "ping", "-c", "1", "-w", "5", at.gateway())).contains("1 packets received");
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
        assertThat(NetworkedHosts.awaitHttp(lan, "http://" + at.ip() + ":80/index.html", WAIT)).isEqualTo(HELLO);
        assertThat(etcInContainer("web1", "hosts")).contains(at.ip()).contains("web1");
        assertThat(etcInContainer("web1", "resolv.conf")).contains("nameserver");

        a.engine().containers().stop("web1", Duration.ofSeconds(2));
        assertThat(NetworkedHosts.containerRules(hostNs)).as("stop unpublishes").isEmpty();
        a.engine().containers().remove("web1", false);
        assertNothingLeft();
        assertThat(web.config().network().ports()).containsExactly(new PortMapping(null, 8080, 80, "tcp"));
    }

    @Test
    void restoreKeepsIpAndMacAndThePortWorksAgain() throws IOException {
        run("web1", HTTPD, "8080:80");
        NetworkAttachment before = attachment("web1");
        NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT);
        Path archive = tmp.resolve("web1.tar");

        a.engine().checkpoint("web1", CheckpointOptions.defaults().compressedWith(io.ferry.core.tar.Compression.NONE),
                ArchiveTarget.file(archive)).result();
        assertThat(NetworkedHosts.containerRules(hostNs)).as("a moved source unpublishes").isEmpty();
        assertThat(NetworkedHosts.linkUp(hostNs, NetworkedHosts.veths(hostNs).get(0))).as("and withdraws").isFalse();
        ExtractedCheckpoint x = ExtractedCheckpoint.extract(Files.newInputStream(archive), tmp.resolve("x"), ArchiveLimits.defaults());
        assertThat(Files.readString(x.networkStatus())).isEqualTo("{\"web\":{\"interfaces\":{\"eth0\":{\"subnets\":[{\"ipnet\":\""
                + before.ip() + "/24\",\"gateway\":\"10.89.0.1\"}],\"mac_address\":\"" + before.mac() + "\"}}}}");
        assertThat(NetworkStatus.read(x.networkStatus(), "web")).get().extracting(NetworkStatus.Archived::ip).isEqualTo(before.ip());
        assertThat(Files.readString(x.networkFile("hosts").orElseThrow())).contains(before.ip() + " web1");
        assertThat(x.networkFile("resolv.conf")).isPresent();
        a.engine().containers().remove("web1", false);
        assertNothingLeft();
        a.engine().networks().remove("web", false);
        assertThatThrownBy(() -> a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(io.ferry.core.error.NotFoundException.class)
                .hasMessageStartingWith("the checkpointed container is on network \"web\", which does not exist on this"
                        + " host: create it first (ferry network create web");
        assertThat(a.leftoverContainerDirs()).isEmpty();
        a.engine().networks().create(new NetworkCreateRequest("web", null, null, null, 0, null, List.of()));

        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        NetworkAttachment after = attachment("web1");
        assertThat(NetworkedHosts.describe(after)).isEqualTo(NetworkedHosts.describe(before));
        assertThat(NetworkedHosts.eth0(a, "web1")).contains(before.mac()).contains(before.ip() + "/24");
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
        assertThat(etcInContainer("web1", "hosts")).contains(before.ip() + " web1");
        a.engine().containers().remove("web1", true);
        assertNothingLeft();
    }

    @Test
    void aCopyUnderANewNameGetsItsOwnAddressAndRemappedPortWhileTheOriginalRuns() {
        run("web1", HTTPD, "8080:80");
        NetworkAttachment original = attachment("web1");
        Path archive = tmp.resolve("web1.tar.zst");
        a.engine().checkpoint("web1", CheckpointOptions.defaults().leavingRunning(), ArchiveTarget.file(archive)).result();
        List<String> rulesOfTheOriginal = NetworkedHosts.containerRules(hostNs);
        List<String> addressesOfTheOriginal = NetworkedHosts.addressFiles(a);

        assertThatThrownBy(() -> a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy")
                .withTcpEstablished())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--tcp-established cannot be used with --name");
        // the archived -p 8080:80 is the original's: the copy restores, cannot publish, and is undone completely
        assertThatThrownBy(() -> a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy")))
                .isInstanceOf(ConflictException.class).hasMessageContaining("host port 8080/tcp is already published");
        assertThat(a.engine().find("copy")).isEmpty();
        assertThat(NetworkedHosts.veths(hostNs)).hasSize(1);
        assertThat(NetworkedHosts.containerRules(hostNs)).isEqualTo(rulesOfTheOriginal);
        assertThat(NetworkedHosts.addressFiles(a)).isEqualTo(addressesOfTheOriginal);

        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy")
                .publishing(List.of(PortMapping.parse("8081:80"))));

        NetworkAttachment copy = attachment("copy");
        assertThat(copy.ip()).isNotEqualTo(original.ip());
        assertThat(copy.mac()).isNotEqualTo(original.mac());
        assertThat(copy.ports()).containsExactly(new PortMapping(null, 8081, 80, "tcp"));
        assertThat(a.running("web1")).isTrue();
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
        assertThat(NetworkedHosts.awaitHttp(lan, "http://192.0.2.1:8081/index.html", WAIT)).isEqualTo(HELLO);
        assertThat(NetworkedHosts.awaitHttp(lan, "http://" + copy.ip() + "/index.html", WAIT)).isEqualTo(HELLO);
    }

    @Test
    void ignoreStaticIpGetsANewAddressAndKeepsTheMac() {
        a.engine().containers().run(new RunRequest("web1", BusyboxImage.REF, List.of("sh", "-c", HTTPD), List.of(),
                new NetworkRequest("web", "10.89.0.50", "02:00:00:00:00:50", List.of())));
        assertThat(attachment("web1").ip()).isEqualTo("10.89.0.50");
        Path archive = tmp.resolve("web1.tar.zst");
        a.engine().checkpoint("web1", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        a.engine().containers().remove("web1", false);

        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringStatic(true, false));

        NetworkAttachment after = attachment("web1");
        assertThat(after.ip()).isNotEqualTo("10.89.0.50");
        assertThat(after.mac()).isEqualTo("02:00:00:00:00:50");
        assertThat(NetworkedHosts.awaitHttp(lan, "http://" + after.ip() + "/index.html", WAIT)).isEqualTo(HELLO);
        assertThat(a.engine().containers().get("web1").config().network().ip()).as("no longer static").isNull();
    }

    @Test
    void rollbackInPlaceAnnouncesAndPublishesAgain() {
        run("web1", HTTPD, "8080:80");
        NetworkAttachment before = attachment("web1");
        Path archive = tmp.resolve("web1.tar.zst");
        a.engine().checkpoint("web1", CheckpointOptions.defaults().keepingLocalImages(), ArchiveTarget.file(archive)).result();
        String veth = NetworkedHosts.veths(hostNs).get(0);
        assertThat(NetworkedHosts.linkUp(hostNs, veth)).isFalse();
        assertThat(NetworkedHosts.containerRules(hostNs)).isEmpty();

        assertThat(a.engine().rollback("web1", ArchiveSource.file(archive))).isTrue();

        assertThat(NetworkedHosts.veths(hostNs)).containsExactly(veth);
        assertThat(NetworkedHosts.linkUp(hostNs, veth)).isTrue();
        assertThat(NetworkedHosts.containerRules(hostNs)).hasSize(1);
        assertThat(NetworkedHosts.addressFiles(a)).hasSize(1);
        assertThat(attachment("web1")).isEqualTo(before);
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
    }

    @Test
    void inPlaceRestoreAfterARebootAttachesAgainWithTheSameAddress() throws InterruptedException {
        run("web1", HTTPD, "8080:80");
        NetworkAttachment before = attachment("web1");
        a.engine().checkpoint("web1", CheckpointOptions.defaults().keepingLocalImages(),
                ArchiveTarget.file(tmp.resolve("web1.tar.zst"))).result();
        // a reboot takes the container's namespace, and its veth pair with it
        io.ferry.core.exec.Commands.check("deleting netns", List.of("ip", "netns", "delete", a.netns("web1")), WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos(); // the kernel cleans a deleted namespace up a moment later
        while (!NetworkedHosts.veths(hostNs).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(NetworkedHosts.veths(hostNs)).isEmpty();

        a.engine().restoreInPlace("web1", false);

        assertThat(NetworkedHosts.describe(attachment("web1"))).isEqualTo(NetworkedHosts.describe(before));
        assertThat(NetworkedHosts.veths(hostNs)).hasSize(1);
        assertThat(NetworkedHosts.addressFiles(a)).hasSize(1);
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
    }

    /** Issue 13: Podman's checkpoint/restore in place, without an archive: the same address, the port published again. */
    @Test
    void checkpointAndRestoreInPlaceKeepTheAddressAndThePublishedPort() {
        ContainerRecord web = run("web1", HTTPD, "8080:80");
        NetworkAttachment before = attachment("web1");
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);

        a.engine().checkpointInPlace("web1", CheckpointOptions.defaults());
        assertThat(NetworkedHosts.containerRules(hostNs)).as("unpublished while checkpointed").isEmpty();
        ContainerRecord back = a.engine().restoreInPlace("web1", RestoreOptions.defaults());

        assertThat(back.id()).isEqualTo(web.id());
        assertThat(NetworkedHosts.describe(attachment("web1"))).isEqualTo(NetworkedHosts.describe(before));
        assertThat(NetworkedHosts.awaitHttp(lan, PORT_URL, WAIT)).isEqualTo(HELLO);
    }

    private ContainerRecord run(String name, String script, String... ports) {
        return a.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", script), List.of(),
                new NetworkRequest("web", null, null, List.of(ports).stream().map(PortMapping::parse).toList())));
    }

    private NetworkAttachment attachment(String name) {
        return a.engine().networks().attachment(a.engine().containers().get(name).id()).orElseThrow();
    }

    /** The container's /etc file, through its init's root (the bind-mounted file, as the container sees it). */
    private String etcInContainer(String name, String file) throws IOException {
        long pid = a.engine().containers().inspect(name).pid();
        return Files.readString(Path.of("/proc/" + pid + "/root/etc/" + file));
    }

    private void assertNothingLeft() {
        assertThat(NetworkedHosts.veths(hostNs)).as("veths").isEmpty();
        assertThat(NetworkedHosts.addressFiles(a)).as("address files").isEmpty();
        assertThat(NetworkedHosts.containerRules(hostNs)).as("netfilter rules").isEmpty();
        assertThat(a.leftoverNetns()).as("network namespaces").isEmpty();
    }
}
