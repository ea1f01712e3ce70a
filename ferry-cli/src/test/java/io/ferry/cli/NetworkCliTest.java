package io.ferry.cli;

import io.ferry.core.exec.Commands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** ferry network create|ls|inspect|rm, with the host's networks in a throw-away namespace (--host-netns). */
@Tag("host")
class NetworkCliTest {
    @TempDir
    Path root;
    private final String hostNs = "fnt-cli-" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeEach
    void namespace() {
        Commands.check("ip netns add", List.of("ip", "netns", "add", hostNs), Duration.ofSeconds(10));
    }

    @AfterEach
    void deleteNamespace() {
        Commands.run(List.of("ip", "netns", "delete", hostNs), Duration.ofSeconds(10));
    }

    private FerryCliTest.Run ferry(String... args) {
        List<String> argv = new ArrayList<>(List.of("--host-id", "netcli", "--root", root.toString(),
                "--host-netns", "/var/run/netns/" + hostNs));
        argv.addAll(List.of(args));
        return FerryCliTest.ferryRaw(argv.toArray(String[]::new));
    }

    @Test
    void createListInspectRemove() {
        assertThat(ferry("network", "create", "web").out()).isEqualTo("web\n");
        var vx = ferry("network", "create", "--subnet", "10.90.0.0/24", "--ip-range", "10.90.0.0/25",
                "-o", "vxlan.id=42", "--opt", "vxlan.local=192.168.250.1", "-o", "vxlan.peers=192.168.250.2,192.168.250.3",
                "span");
        assertThat(vx.exit()).as(vx.all()).isZero();

        var ls = ferry("network", "ls");
        assertThat(ls.out()).startsWith("NETWORK ID").contains("DRIVER").containsPattern("[0-9a-f]{12} +span +bridge")
                .containsPattern("[0-9a-f]{12} +web +bridge");
        var inspect = ferry("network", "inspect", "span");
        assertThat(inspect.out()).contains("\"subnet\" : \"10.90.0.0/24\"", "\"gateway\" : \"10.90.0.1\"",
                "\"vni\" : 42", "\"mtu\" : 1450", "192.168.250.3");
        assertThat(ferry("network", "inspect", "nope").exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(ferry("network", "create", "web").exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        var bad = ferry("network", "create", "--subnet", "10.91.0.0/24", "--gateway", "10.92.0.1", "x");
        assertThat(bad.err()).contains("gateway 10.92.0.1 is not a host address of subnet 10.91.0.0/24");
        assertThat(ferry("network", "create", "-o", "vlan=3", "y").err()).contains("unsupported network option \"vlan\"");

        assertThat(ferry("network", "rm", "web", "span").out()).isEqualTo("web\nspan\n");
        assertThat(ferry("network", "ls").out().lines().count()).isEqualTo(1);
    }
}
