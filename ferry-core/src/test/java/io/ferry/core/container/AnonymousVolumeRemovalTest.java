package io.ferry.core.container;

import io.ferry.core.volume.VolumeStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rm -v and run --rm remove only volumes this host made anonymous: a container's config may come from an
 * archive (hostile), and its "anonymous" flag on a volume that already was here (restore --ignore-volumes
 * hands it over) must not make a named volume go with the container.
 */
class AnonymousVolumeRemovalTest {
    @TempDir
    Path root;

    private Provisioner provisioner(VolumeStore volumes) {
        return new Provisioner(null, new ContainerStore(root.resolve("containers")), null, volumes, null, null, null);
    }

    private static ContainerConfig config(VolumeMount volume) {
        return new ContainerConfig("a".repeat(64), "c", "busybox:latest", "b".repeat(64), List.of("sh"),
                List.of(volume), Instant.EPOCH, null, Boolean.TRUE);
    }

    @Test
    void aNamedVolumeThatAnArchiveCallsAnonymousStays() {
        VolumeStore volumes = new VolumeStore(root.resolve("volumes"));
        volumes.create("db-data");

        provisioner(volumes).removeAnonymousVolumes(config(new VolumeMount("db-data", "/data", false, Boolean.TRUE)));

        assertThat(volumes.exists("db-data")).isTrue();
    }

    @Test
    void anAnonymousVolumeGoes() {
        VolumeStore volumes = new VolumeStore(root.resolve("volumes"));
        String name = ContainerStore.newId();
        volumes.create(name, true);

        provisioner(volumes).removeAnonymousVolumes(config(new VolumeMount(name, "/data", false, Boolean.TRUE)));

        assertThat(volumes.exists(name)).isFalse();
    }
}
