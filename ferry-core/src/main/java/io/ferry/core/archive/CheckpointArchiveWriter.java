package io.ferry.core.archive;

import io.ferry.core.json.Json;
import io.ferry.core.tar.Compression;
import io.ferry.core.tar.TarWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Streams a checkpoint archive in {@link ArchiveLayout}: metadata first (so a reader can judge the
 * archive before the bulk arrives), then CRIU's images, the rootfs diff and the volumes.
 */
public final class CheckpointArchiveWriter {

    /** Everything that goes into one archive; the paths are read while writing. */
    public record Contents(CheckpointedContainer config, Path spec, String networkStatus, Path statsDump,
                           Path ctrLog, Path imagesDir, Path rootfsDiff, List<String> deletedFiles,
                           Map<String, Path> volumeTars, Map<String, Path> networkFiles) {
    }

    private CheckpointArchiveWriter() {
    }

    /** Writes the archive; {@code out} is left open (the caller owns it). */
    public static void write(OutputStream out, Compression compression, Contents c) throws IOException {
        OutputStream compressed = compression.compress(new NonClosingOutputStream(out));
        try (TarWriter tar = new TarWriter(compressed)) {
            tar.addBytes(ArchiveLayout.CONFIG_DUMP, Json.bytes(PodmanConfig.superset(c.config()))); // Podman reads it too
            tar.addFile(ArchiveLayout.SPEC_DUMP, c.spec());
            tar.addBytes(ArchiveLayout.NETWORK_STATUS, c.networkStatus().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, Path> f : c.networkFiles().entrySet()) { // hosts, resolv.conf
                if (Files.isRegularFile(f.getValue())) {
                    tar.addFile(f.getKey(), f.getValue());
                }
            }
            if (c.statsDump() != null && Files.isRegularFile(c.statsDump())) {
                tar.addFile(ArchiveLayout.STATS_DUMP, c.statsDump());
            }
            if (Files.isRegularFile(c.ctrLog())) {
                tar.addFile(ArchiveLayout.CTR_LOG, c.ctrLog());
            }
            tar.addTree(ArchiveLayout.CHECKPOINT_DIR, c.imagesDir(), p -> false);
            if (c.rootfsDiff() != null) {
                tar.addFile(ArchiveLayout.ROOTFS_DIFF, c.rootfsDiff());
                tar.addBytes(ArchiveLayout.DELETED_FILES, Json.bytes(c.deletedFiles()));
            }
            for (Map.Entry<String, Path> v : c.volumeTars().entrySet()) {
                tar.addFile(ArchiveLayout.volumeEntry(v.getKey()), v.getValue());
            }
            tar.finish();
        }
    }

    /** Lets the tar and compressor streams be closed (flushing their trailers) without closing the caller's stream. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
