package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Named volumes travel in the archive and follow Podman's restore rules. */
@Tag("host")
class VolumeCheckpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestHost a;
    private TestHost b;
    private Path archive;
    @TempDir
    Path tmp;

    @BeforeEach
    void checkpointAContainerWithAVolume() {
        a = TestHost.create("vola");
        b = TestHost.create("volb");
        a.run("writer", "echo payload > /data/file; " + TestHost.LOOPER, "data:/data");
        a.log("writer").awaitNumberAtLeast(1, WAIT);
        archive = tmp.resolve("writer.tar.zst");
        a.engine().checkpoint("writer", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
    }

    @AfterEach
    void cleanUp() {
        a.close();
        b.close();
    }

    @Test
    void volumeContentIsRecreatedOnTheTarget() throws Exception {
        assertThat(a.engine().inspect(archive).volumeBytes()).containsKey("data");

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        Path data = b.engine().volumes().get("data").mountpoint();
        assertThat(Files.readString(data.resolve("file"))).isEqualTo("payload\n");
        b.log("writer").awaitNumberAtLeast(a.log("writer").last() + 2, WAIT);
    }

    @Test
    void anExistingVolumeOfThatNameIsRefused() {
        b.engine().volumes().create("data");

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessage("volume with name data already exists. Use --ignore-volumes to not restore content of volumes");
        assertThat(b.leftoverContainerDirs()).isEmpty();
        assertThat(b.leftoverNetns()).isEmpty();
    }

    @Test
    void anArchiveWithoutTheVolumesContentCannotTakeAnExistingVolume() throws Exception {
        // another container's volume on the target; the crafted archive names it and leaves its content out
        Path victim = b.engine().volumes().create("data").mountpoint();
        Files.writeString(victim.resolve("secret"), "the victim's\n");
        Path bad = new ArchiveRewriter().remove("volumes/data.tar").writeTo(archive, tmp.resolve("bad.tar.zst"));

        try {
            assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults()))
                    .isInstanceOf(ConflictException.class)
                    .hasMessage("volume with name data already exists. Use --ignore-volumes to not restore content"
                            + " of volumes");
        } finally {
            if (b.engine().containers().store().list().stream().anyMatch(r -> r.config().name().equals("writer"))) {
                b.engine().containers().remove("writer", true);
            }
        }
        assertThat(Files.readString(victim.resolve("secret"))).isEqualTo("the victim's\n");
        assertThat(b.leftoverContainerDirs()).isEmpty();
    }

    @Test
    void ignoreVolumesUsesTheExistingVolumeAsItIs() throws Exception {
        Path data = b.engine().volumes().create("data").mountpoint();
        Files.writeString(data.resolve("file"), "already here\n");

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringVolumes());

        assertThat(Files.readString(data.resolve("file"))).isEqualTo("already here\n");
        assertThat(b.running("writer")).isTrue();
    }

    @Test
    void ignoreVolumesNeedsTheVolumeToExist() {
        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringVolumes()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("volume data is needed by the container but does not exist on this host (--ignore-volumes was given)");
        assertThat(b.engine().volumes().list()).isEmpty();
    }

    @Test
    void aRefusedRestoreCreatesNoVolume() {
        b.engine().containers().run(new io.ferry.core.container.RunRequest("writer", "busybox",
                java.util.List.of("sleep", "60"), java.util.List.of()));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("the container name \"writer\" is already in use");
        assertThat(b.engine().volumes().exists("data")).isFalse();
    }

    @Test
    void aVolumeInUseCannotBeRemoved() {
        assertThatThrownBy(() -> a.engine().removeVolume("data"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("volume data is being used");
    }
}
