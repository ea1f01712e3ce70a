package io.ferry.registry;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import io.ferry.protocol.ArchiveAnnotations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A container checkpointed on host A travels as an OCI artifact through registry-service; host B,
 * without the container's image, pulls the image on demand, streams the archive down and restores
 * it, and the looper counts on.
 */
@Tag("host")
class CheckpointArtifactTest extends RegistryServerTest {
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    private TestHost host(String label) {
        return hosts.create(label, EngineSettings.defaults().withRegistryAuth("127.0.0.1:" + port + "=ferry:secret"));
    }

    @Test
    void aLooperMovesThroughTheRegistryToAHostWithoutItsImage() {
        String image = "127.0.0.1:" + port + "/lib/busybox:1";
        TestHost a = host("arta");
        TestHost b = host("artb");
        a.engine().imageStore().register(image, a.engine().images().get(BusyboxImage.REF).layers());
        a.engine().images().push(image, null);
        // the container runs from the registry's image, so its archive names that image
        a.engine().containers().run(new io.ferry.core.container.RunRequest("looper", image,
                List.of("sh", "-c", TestHost.LOOPER), List.of()));
        a.log("looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));
        assertThat(b.engine().images().find(image)).isEmpty();

        String url = "registry://127.0.0.1:" + port + "/checkpoints/looper:1";
        a.engine().checkpoint("looper", CheckpointOptions.defaults(), new ArchiveTarget.Registry(url)).result();
        int stoppedAt = a.log("looper").last();
        RestoreResult restored = b.engine().restore(new ArchiveSource.Registry(url), RestoreOptions.defaults());

        assertThat(restored.container().restoredFrom()).isEqualTo("127.0.0.1:" + port + "/checkpoints/looper:1");
        assertThat(b.engine().images().find(image)).as("pulled on demand").isPresent();
        List<Integer> n = b.log("looper").awaitNumberAtLeast(stoppedAt + 2, Duration.ofSeconds(20)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter on B: %s", n).isEqualTo(i);
        }
        assertThat(a.running("looper")).isFalse();
    }

    @Test
    void theArtifactTellsATargetWhatItNeedsBeforeTheDownload() {
        TestHost a = host("annot");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        String url = "registry://127.0.0.1:" + port + "/checkpoints/annotated:1";
        a.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(), new ArchiveTarget.Registry(url)).result();

        V2 v2 = new V2(port);
        var manifest = V2.json(v2.send(v2.authed("/v2/checkpoints/annotated/manifests/1", V2.pull("checkpoints/annotated"))
                .header("Accept", MediaTypes.OCI_MANIFEST).GET()).body());
        assertThat(manifest.path("artifactType").asString()).isEqualTo(MediaTypes.FERRY_CHECKPOINT);
        var annotations = manifest.path("annotations");
        assertThat(annotations.path(ArchiveAnnotations.CONTAINER_NAME).asString()).isEqualTo("looper");
        assertThat(annotations.path(ArchiveAnnotations.ROOTFS_IMAGE_NAME).asString()).isEqualTo(BusyboxImage.REF);
        assertThat(annotations.path(ArchiveAnnotations.RUNTIME_NAME).asString()).isEqualTo("runc");
        assertThat(annotations.path(ArchiveAnnotations.CRIU_VERSION).asString()).startsWith("4.");
        assertThat(annotations.path(ArchiveAnnotations.HOST_ARCH).asString()).isEqualTo("amd64");
        assertThat(annotations.path(ArchiveAnnotations.CGROUP_VERSION).asString()).isNotEmpty();
        assertThat(annotations.path(ArchiveAnnotations.ARCHIVE_COMPRESSION).asString()).isEqualTo("zstd");
        assertThat(annotations.path(ArchiveAnnotations.ARCHIVE_SIZE).asLong())
                .isEqualTo(manifest.path("layers").path(0).path("size").asLong()).isPositive();
        assertThat(a.running("looper")).isTrue();
    }

    @Test
    void anImageIsNotAnArchive() {
        TestHost a = host("notart");
        String image = "127.0.0.1:" + port + "/lib/plain:1";
        a.engine().imageStore().register(image, a.engine().images().get(BusyboxImage.REF).layers());
        a.engine().images().push(image, null);
        assertThatThrownBy(() -> a.engine().restore(new ArchiveSource.Registry("registry://" + image), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is not a Ferry checkpoint artifact");
        assertThat(a.leftoverContainerDirs()).isEmpty();
    }
}
