package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.archive.ArchiveSummary;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.Podman;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checkpoint archives interoperate with Podman 4.3 both ways, with real podman, runc and CRIU: a
 * counter checkpointed by one continues in the other (docs/podman-interop.md).
 */
@Tag("host")
class PodmanInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestHost ferry;
    private static Podman podman;
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    @BeforeAll
    static void openPodman() throws IOException {
        ferry = TestHost.create("podman-interop");
        StringBuilder whyNot = new StringBuilder();
        podman = Podman.open(ferry.engine().criu(), whyNot).orElse(null);
        assumeTrue(podman != null, whyNot::toString);
        // the same image on both sides, as when both pulled it from one registry: Podman's image id is its
        // config digest, and so is the id of an image Ferry pulled
        String podmanId = podman.check("podman image inspect", "image", "inspect", "--format", "{{.Id}}", Podman.IMAGE)
                .stdout().strip();
        Image busybox = ferry.engine().images().get(BusyboxImage.REF);
        new ImageStore(ferry.host().images(), EngineSettings.defaults().archiveLimits())
                .register(Podman.IMAGE, busybox.layers(), podmanId);
    }

    @AfterAll
    static void closePodman() {
        if (podman != null) {
            podman.close();
        }
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void ferryArchiveRestoresInPodmanAndCountsOn() {
        ferry.engine().containers().run(new RunRequest("to-podman", Podman.IMAGE,
                List.of("sh", "-c", TestHost.LOOPER), List.of()));
        ferry.log("to-podman").awaitNumberAtLeast(2, WAIT);
        Path archive = tmp.resolve("ferry.tar.zst");
        ferry.engine().checkpoint("to-podman", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        int stoppedAt = ferry.log("to-podman").last();
        ferry.engine().containers().remove("to-podman", false);

        podman.check("podman container restore", "container", "restore", "-i", archive.toString());

        // Podman's k8s-file log driver cannot parse the plain lines Ferry logged before the checkpoint
        // (it says so on stderr): what it prints is what the restored process counted
        List<Integer> counted = awaitPodmanCount("to-podman", stoppedAt + 3);
        assertThat(counted.get(0)).as("the restored process goes on from %d: %s", stoppedAt, counted)
                .isEqualTo(stoppedAt + 1);
        for (int i = 1; i < counted.size(); i++) {
            assertThat(counted.get(i)).as("podman logs %s", counted).isEqualTo(counted.get(i - 1) + 1);
        }
    }

    @Test
    void podmanArchiveRestoresInFerryAndCountsOn() {
        Path archive = podmanCheckpoint("from-podman", "zstd");

        RestoreResult restored = ferry.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(restored.container().name()).isEqualTo("from-podman");
        assertThat(restored.container().id()).isEqualTo(podmanId("from-podman-id"));
        int stoppedAt = lastPodmanNumber;
        ContainerLog log = ferry.log("from-podman").awaitNumberAtLeast(stoppedAt + 3, WAIT);
        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(log, stoppedAt);

        // and on from there with Ferry: its archive carries Podman's binds in spec.dump, the next restore gives them again
        Path again = tmp.resolve("again.tar.zst");
        ferry.engine().checkpoint("from-podman", CheckpointOptions.defaults(), ArchiveTarget.file(again)).result();
        int stoppedAgainAt = ferry.log("from-podman").last();
        ferry.engine().containers().remove("from-podman", false);
        ferry.engine().restore(ArchiveSource.file(again), RestoreOptions.defaults());
        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(
                ferry.log("from-podman").awaitNumberAtLeast(stoppedAgainAt + 3, WAIT), stoppedAgainAt);
        ferry.engine().containers().remove("from-podman", true);
    }

    @Test
    void podmanGzipArchiveRestoresInFerryUnderANewNameAndInspectSaysPodman() {
        Path archive = podmanCheckpoint("gz-podman", "gzip", "-v", "gzdata:/data"); // a named volume, written to

        ArchiveSummary summary = ferry.engine().inspect(archive);
        assertThat(summary.config().madeByPodman()).isTrue();
        assertThat(summary.config().container().name()).isEqualTo("gz-podman");
        assertThat(summary.config().container().image()).isEqualTo(Podman.IMAGE);
        assertThat(summary.config().container().command()).containsExactly("sh", "-c", VOLUME_WRITER + TestHost.LOOPER);
        assertThat(summary.volumeBytes()).containsKey("gzdata");
        assertThat(summary.processTree()).isNotEmpty();

        ferry.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("gz-copy"));
        assertThat(ferry.engine().volumes().get("gzdata").mountpoint().resolve("f"))
                .as("the volume's content came along").hasContent("from podman");
        int stoppedAt = lastPodmanNumber;
        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(
                ferry.log("gz-copy").awaitNumberAtLeast(stoppedAt + 3, WAIT), stoppedAt);
        ferry.engine().containers().remove("gz-copy", true);
        ferry.engine().volumes().remove("gzdata");
    }

    @Test
    void podmanContainerOnANetworkOrWithAHostBindIsRefusedNamingTheField() {
        Path archive = podmanCheckpoint("refused-podman", "zstd");
        Path onBridge = new ArchiveRewriter().change("config.dump", b -> {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(b);
            config.putObject("newNetworks").putObject("podman").put("interface_name", "eth0");
            return Json.bytes(config);
        }).change("network.status", b -> ("{\"podman\":{\"interfaces\":{\"eth0\":{\"subnets\":[{\"ipnet\":"
                + "\"10.88.0.4/16\",\"gateway\":\"10.88.0.1\"}],\"mac_address\":\"32:9c:6a:2f:ad:01\"}}}}")
                .getBytes(StandardCharsets.UTF_8)).writeTo(archive, tmp.resolve("bridge.tar.zst"));
        assertThatThrownBy(() -> ferry.engine().restore(ArchiveSource.file(onBridge), RestoreOptions.defaults()))
                .isInstanceOf(IncompatibleException.class)
                .hasMessageContaining("Podman network \"podman\"")
                .hasMessageContaining("eth0 10.88.0.4/16, gateway 10.88.0.1, subnet 10.88.0.0/16")
                .hasMessageContaining("ferry network create --subnet 10.88.0.0/16 podman");

        Path hostBind = new ArchiveRewriter().change("spec.dump", b -> {
            ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(b);
            ObjectNode m = ((ArrayNode) spec.get("mounts")).addObject();
            m.put("destination", "/host").put("type", "bind").put("source", "/");
            return Json.bytes(spec);
        }).writeTo(archive, tmp.resolve("host-bind.tar.zst"));
        assertThatThrownBy(() -> ferry.engine().restore(ArchiveSource.file(hostBind), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("spec.dump: \"mounts[")
                .hasMessageContaining("at \"/host\" is not one Ferry can give a restored Podman container");
        assertThat(ferry.engine().containers().store().list()).as("nothing was created")
                .noneMatch(r -> r.name().equals("refused-podman"));
        assertThat(ferry.leftoverNetns()).noneMatch(n -> n.contains(podmanId("refused-podman-id")));
    }

    private int lastPodmanNumber;
    private final java.util.Map<String, String> podmanIds = new java.util.HashMap<>();

    private String podmanId(String key) {
        return podmanIds.get(key);
    }

    /** Runs the looper in Podman, checkpoints it with -e (and -c), removes it; remembers where it stopped. */
    private static final String VOLUME_WRITER = "[ -d /data ] && echo 'from podman' > /data/f; ";

    private Path podmanCheckpoint(String name, String compression, String... runOptions) {
        List<String> run = new java.util.ArrayList<>(List.of("run", "-d", "--name", name));
        run.addAll(List.of(runOptions));
        run.addAll(List.of(Podman.IMAGE, "sh", "-c", (runOptions.length > 0 ? VOLUME_WRITER : "") + TestHost.LOOPER));
        podman.check("podman run", run.toArray(String[]::new));
        podmanIds.put(name + "-id", podman.check("podman inspect", "inspect", "--format", "{{.Id}}", name).stdout().strip());
        awaitPodmanCount(name, 2);
        Path archive = tmp.resolve(name + ".tar." + (compression.equals("gzip") ? "gz" : "zst"));
        podman.check("podman container checkpoint", "container", "checkpoint", "-c", compression,
                "-e", archive.toString(), name);
        List<Integer> n = numbers(podman.logs(name));
        lastPodmanNumber = n.get(n.size() - 1);
        podman.check("podman rm", "rm", name);
        return archive;
    }

    private static List<Integer> awaitPodmanCount(String name, int atLeast) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Integer> n = List.of();
        while (System.nanoTime() < deadline) {
            n = numbers(podman.logs(name));
            if (!n.isEmpty() && n.get(n.size() - 1) >= atLeast) {
                return n;
            }
            sleep(300);
        }
        throw new AssertionError("podman logs " + name + " did not reach " + atLeast + ": " + n);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> numbers(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> l.matches("[0-9]{1,9}")).map(Integer::parseInt).toList();
    }
}
