package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.tar.ArchiveLimits;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * deleted.files is metadata read whole into memory (a JSON list): like config.dump and spec.dump it
 * is bounded by maxMetadataBytes. Unbounded, 200 MiB of ["/a","/a",...] (some KB of zstd, within
 * the expansion ratio) become 40 million strings on the restoring host's heap.
 */
class ExtractedCheckpointLimitsTest {
    @TempDir
    Path tmp;

    private static void add(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }

    @Test
    void aDeletedFilesListOverTheMetadataLimitIsRefused() throws IOException {
        ContainerConfig c = new ContainerConfig("a".repeat(64), "web", "busybox:latest", "b".repeat(64), List.of("sh"),
                List.of(), Instant.now());
        CheckpointInfo info = new CheckpointInfo("runc", "1.2", "4.0", "h", "6.1", "amd64", "v2", Instant.now(),
                false, false, true, false);
        String deleted = "[" + String.join(",", Collections.nCopies(2000, "\"/a\"")) + "]"; // 10 KB
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            add(out, ArchiveLayout.CONFIG_DUMP, Json.bytes(new CheckpointedContainer(c, info)));
            add(out, ArchiveLayout.SPEC_DUMP, "{}".getBytes(StandardCharsets.UTF_8));
            add(out, ArchiveLayout.CHECKPOINT_DIR + "/inventory.img", new byte[16]);
            add(out, ArchiveLayout.DELETED_FILES, deleted.getBytes(StandardCharsets.UTF_8));
        }
        ArchiveLimits limits = new ArchiveLimits(1L << 30, 1L << 30, 1000, 4096);
        assertThatThrownBy(() -> ExtractedCheckpoint.extract(new ByteArrayInputStream(buf.toByteArray()),
                tmp.resolve("staging"), limits).deletedFiles())
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("deleted.files is larger than 4096 bytes");
    }
}
