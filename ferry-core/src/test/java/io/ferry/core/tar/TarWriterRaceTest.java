package io.ferry.core.tar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A volume (or, with --leave-running, the container's writable layer) is archived while a container
 * may still write to it. The container swaps a directory or a file it owns for a symbolic link to a
 * host path between the archiver's check and its read: the host file must never reach the archive.
 */
class TarWriterRaceTest {
    private static final String HOST_SECRET = "root:$6$host-password-hash:19000::::::\n";

    @TempDir
    Path tmp;

    /** Archives {@code dir} over and over while {@code swap} runs; the host secret must never be in a tar. */
    private void archiveWhileSwapping(Path dir, Runnable swap) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread container = new Thread(() -> {
            while (!stop.get()) {
                swap.run();
            }
        });
        container.start();
        int leaked = 0;
        int archived = 0;
        try {
            for (int i = 0; i < 3000 && leaked == 0; i++) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                try (TarWriter tar = new TarWriter(buf)) {
                    tar.addTree("", dir, p -> false);
                    tar.finish();
                } catch (IOException | java.io.UncheckedIOException refused) {
                    continue; // a file that changed while archived fails the export: fine
                }
                archived++;
                try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
                    TarArchiveEntry e;
                    while ((e = in.getNextEntry()) != null) {
                        if (new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("host-password-hash")) {
                            leaked++;
                        }
                    }
                }
            }
        } finally {
            stop.set(true);
            container.join();
        }
        assertThat(leaked).as("archives holding the host's file").isZero();
        assertThat(archived).isPositive();
    }

    private Path hostDir() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host-etc"));
        Files.writeString(host.resolve("shadow"), HOST_SECRET);
        return host;
    }

    @Test
    void aDirectorySwappedForALinkToTheHostIsNeverArchivedThrough() throws Exception {
        Path host = hostDir();
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Path sub = Files.createDirectories(volume.resolve("sub"));
        Files.writeString(sub.resolve("shadow"), "x".repeat(HOST_SECRET.length()));
        Path aside = volume.resolve("sub.real");
        archiveWhileSwapping(volume, () -> {
            try {
                Files.move(sub, aside, StandardCopyOption.ATOMIC_MOVE);
                Files.createSymbolicLink(sub, host); // absolute: the host resolves it in its own root
                Files.delete(sub);
                Files.move(aside, sub, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ignored) {
                // lost a round
            }
        });
    }

    @Test
    void aFileSwappedForALinkToTheHostIsNeverArchivedThrough() throws Exception {
        Path host = hostDir();
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Path file = Files.writeString(volume.resolve("f"), "x".repeat(HOST_SECRET.length()));
        Path link = volume.resolve("f.link");
        archiveWhileSwapping(volume, () -> {
            try {
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, host.resolve("shadow"));
                Files.move(link, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Path fresh = volume.resolve("f.new");
                Files.writeString(fresh, "x".repeat(HOST_SECRET.length()));
                Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // lost a round
            }
        });
    }
}
