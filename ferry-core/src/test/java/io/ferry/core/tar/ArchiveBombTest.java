package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.exec.Commands;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small archives that would expand to much more than they are: each is refused early, with a precise reason. */
class ArchiveBombTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** Bytes the extraction left on disk (allocated blocks, so sparse files count as they really are). */
    private static long bytesOnDisk(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            long blocks = 0;
            for (Path p : all.toList()) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    String out = Commands.check("stat", List.of("stat", "-c", "%b", p.toString()), Duration.ofSeconds(10)).stdout();
                    blocks += Long.parseLong(out.strip());
                }
            }
            return blocks * 512;
        }
    }

    /** GNU tar's own sparse archive of a 300 MiB file holding one byte: about 10 KB. */
    private Path sparseArchive(String... format) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("big").toFile(), "rw")) {
            f.seek(300 * MIB);
            f.write('x');
        }
        Path tar = tmp.resolve("sparse.tar");
        List<String> argv = new java.util.ArrayList<>(List.of("tar", "-C", src.toString(), "-S"));
        argv.addAll(List.of(format));
        argv.addAll(List.of("-cf", tar.toString(), "big"));
        Commands.check("making a sparse archive", argv, Duration.ofSeconds(30));
        assertThat(Files.size(tar)).isLessThan(64 * 1024);
        return tar;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "0.0", "0.1", "1.0"})
    void sparseEntriesAreRefusedBeforeAnythingIsWritten(String format) throws IOException {
        Path tar = format.equals("gnu") ? sparseArchive("--format=gnu")
                : sparseArchive("--format=posix", "--sparse-version=" + format);
        Path dest = tmp.resolve("dest");
        assertThatThrownBy(() -> {
            try (InputStream in = Files.newInputStream(tar)) {
                new SafeExtractor(ArchiveLimits.defaults(), SafeExtractor.Links.ROOTFS).extract(in, dest);
            }
        }).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"big\" is a sparse file (" + (300 * MIB + 1)
                        + " bytes stored as holes and data); sparse entries are not supported");
        assertThat(bytesOnDisk(dest)).isLessThan(MIB);
    }

    @Test
    void directoriesAnEntryCreatesCountAsEntries() throws IOException {
        String deep = "d/".repeat(200) + "file"; // one entry, 200 directories
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e = new TarArchiveEntry(deep);
            e.setSize(1);
            out.putArchiveEntry(e);
            out.write('x');
            out.closeArchiveEntry();
        }
        Path dest = tmp.resolve("dest");
        assertThatThrownBy(() -> new SafeExtractor(new ArchiveLimits(MIB, MIB, 50, 1024), SafeExtractor.Links.ROOTFS)
                .extract(new ByteArrayInputStream(buf.toByteArray()), dest))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive has more than 50 entries (directories created for them included)");
        try (Stream<Path> all = Files.walk(dest)) {
            assertThat(all.count()).isLessThanOrEqualTo(51);
        }
    }

    /** 256 MiB of zeros in one entry, zstd-compressed to a few KB. */
    private byte[] zstdZeros(Compression compression) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream z = compression.compress(buf); TarArchiveOutputStream out = new TarArchiveOutputStream(z)) {
            TarArchiveEntry e = new TarArchiveEntry("zeros");
            e.setSize(256 * MIB);
            out.putArchiveEntry(e);
            byte[] chunk = new byte[(int) MIB];
            for (int i = 0; i < 256; i++) {
                out.write(chunk);
            }
            out.closeArchiveEntry();
        }
        return buf.toByteArray();
    }

    @Test
    void aStreamExpandingPastTheRatioIsRefusedEarly() throws IOException {
        byte[] bomb = zstdZeros(Compression.ZSTD);
        assertThat(bomb.length).isLessThan(64 * 1024);
        ArchiveLimits limits = ArchiveLimits.defaults().withMaxExpansionRatio(100);
        Path dest = tmp.resolve("dest");
        assertThatThrownBy(() -> {
            try (InputStream in = Compression.decompress(new ByteArrayInputStream(bomb), limits)) {
                new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(in, dest);
            }
        }).isInstanceOf(InvalidArchiveException.class)
                .hasMessageMatching("archive expands more than 100 times: \\d+ bytes from \\d+ compressed bytes"
                        + " \\(a compression bomb\\?\\)");
        assertThat(bytesOnDisk(dest)).isLessThan(16 * MIB);
    }

    @Test
    void aGzipBombIsMeasuredTheSameWay() throws IOException {
        byte[] bomb = zstdZeros(Compression.GZIP);
        ArchiveLimits limits = ArchiveLimits.defaults().withMaxExpansionRatio(100);
        Path dest = tmp.resolve("dest");
        assertThatThrownBy(() -> {
            try (InputStream in = Compression.decompress(new ByteArrayInputStream(bomb), limits)) {
                new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(in, dest);
            }
        }).isInstanceOf(InvalidArchiveException.class).hasMessageStartingWith("archive expands more than 100 times");
        assertThat(bytesOnDisk(dest)).isLessThan(64 * MIB);
    }

    @Test
    void extractionStopsBeforeTheFilesystemRunsOutOfSpace() throws IOException {
        byte[] bomb = zstdZeros(Compression.ZSTD);
        Path dest = tmp.resolve("dest");
        long free = Files.getFileStore(tmp).getUsableSpace();
        ArchiveLimits limits = ArchiveLimits.defaults().withMinFreeBytes(free + (1L << 40)); // already below the reserve
        assertThatThrownBy(() -> {
            try (InputStream in = Compression.decompress(new ByteArrayInputStream(bomb), limits)) {
                new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(in, dest);
            }
        }).isInstanceOf(InvalidArchiveException.class)
                .hasMessageMatching("archive entry \"zeros\" would leave less than \\d+ bytes free on the filesystem of .*");
        assertThat(bytesOnDisk(dest)).isLessThan(MIB);
    }

    @Test
    void theDefaultsAcceptWhatARealCheckpointOfZeroedMemoryLooksLike() throws IOException {
        byte[] zeros = zstdZeros(Compression.ZSTD); // ~32,000:1: zstd's ceiling, above any real checkpoint
        Path dest = tmp.resolve("dest");
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(zeros))) {
            new SafeExtractor(ArchiveLimits.defaults(), SafeExtractor.Links.CONFINED).extract(in, dest);
        }
        assertThat(Files.size(dest.resolve("zeros"))).isEqualTo(256 * MIB);
    }
}
