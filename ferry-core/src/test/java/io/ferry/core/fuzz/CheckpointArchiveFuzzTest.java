package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.archive.ArchiveInspector;
import io.ferry.core.archive.ArchiveSummary;
import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.error.FerryException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.volume.VolumeStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint archive from another host or a registry, read the two ways Ferry reads one: streamed
 * by ArchiveInspector (inspect) and unpacked by ExtractedCheckpoint (restore). Only Ferry's typed
 * errors escape (and IOException from the CRIU image readers, which declare it); an archive that is
 * accepted names a container whose id, name and volumes are safe to use in paths.
 */
class CheckpointArchiveFuzzTest {
    private static final ArchiveLimits LIMITS = new ArchiveLimits(1 << 20, 256 << 10, 256, 64 << 10);

    @FuzzTest
    void readersRefuseWithTypedErrorsOnly(byte[] archive) throws IOException {
        Path dir = Files.createTempDirectory("ferry-fuzz-archive");
        try {
            Path file = Files.write(dir.resolve("archive.tar"), archive);
            try {
                ArchiveSummary summary = ArchiveInspector.inspect(file, LIMITS);
                assertThat(summary.config()).isNotNull();
            } catch (FerryException refused) {
                // typed
            }
            ExtractedCheckpoint x;
            try {
                x = ExtractedCheckpoint.extract(new ByteArrayInputStream(archive), dir.resolve("staging"), LIMITS);
            } catch (FerryException refused) {
                return;
            }
            ContainerConfig c = x.config().container();
            assertThat(c.id()).matches("[0-9a-f]{64}");
            assertThat(ContainerStore.validName(c.name())).isEqualTo(c.name());
            if (c.volumes() != null) {
                for (VolumeMount v : c.volumes()) {
                    assertThat(VolumeStore.validName(v.name())).isEqualTo(v.name());
                }
            }
            try {
                x.spec();
                x.deletedFiles();
                CheckpointImages.imageVersion(x.imagesDir());
                CheckpointImages.processTree(x.imagesDir());
            } catch (FerryException | IOException refused) {
                // typed
            }
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }
}
