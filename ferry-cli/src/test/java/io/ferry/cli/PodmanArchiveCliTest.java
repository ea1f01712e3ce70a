package io.ferry.cli;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.Podman;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ferry inspect} and {@code ferry restore --import} of an archive real podman wrote (docs/podman-interop.md). */
@Tag("host")
class PodmanArchiveCliTest {
    @TempDir
    Path tmp;

    @Test
    void inspectSaysPodmanMadeItAndRestoreImportCountsOnUnderANewName() throws IOException {
        try (TestHost host = TestHost.create("clipod")) {
            StringBuilder whyNot = new StringBuilder();
            Podman podman = Podman.open(host.engine().criu(), whyNot).orElse(null);
            assumeTrue(podman != null, whyNot::toString);
            try (podman) {
                Image busybox = host.engine().images().get(BusyboxImage.REF); // Podman's image, by its name here
                new ImageStore(host.host().images(), EngineSettings.defaults().archiveLimits())
                        .register(Podman.IMAGE, busybox.layers());
                podman.run("pod-looper", TestHost.LOOPER);
                Path archive = tmp.resolve("podman.tar.zst");
                for (int i = 0; i < 50 && podman.logs("pod-looper").size() < 2; i++) {
                    Thread.sleep(200);
                }
                podman.check("podman container checkpoint", "container", "checkpoint", "-e", archive.toString(), "pod-looper");

                FerryCliTest.Run inspect = FerryCliTest.ferry(host, "inspect", archive.toString());
                assertThat(inspect.exit()).as(inspect.all()).isZero();
                assertThat(inspect.out()).contains("Made by:").contains("Podman")
                        .contains("pod-looper").contains(Podman.IMAGE).contains("Networks:      none (loopback only)");
                assertThat(inspect.all()).doesNotContainPattern("Exception|java\\.|\\bnull\\b");

                FerryCliTest.Run restore = FerryCliTest.ferry(host, "restore", "--import", archive.toString(),
                        "--name", "pod-copy");
                assertThat(restore.exit()).as(restore.all()).isZero();
                host.log("pod-copy").awaitNumberAtLeast(podman.logs("pod-looper").size() + 1, Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
