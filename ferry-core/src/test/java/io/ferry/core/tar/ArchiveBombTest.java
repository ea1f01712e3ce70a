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

    /** A raw header (GNU magic), so the test can claim any size for any type without building the content. */
    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar  ");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /**
     * One metadata entry (GNU long name 'L', long link 'K', PAX 'x' or global PAX 'g') of 512 MiB,
     * zstd-compressed: commons-compress reads such an entry whole into memory inside getNextEntry,
     * before any limit of the extractor saw an entry.
     */
    private static byte[] hugeMetadataEntry(char type) throws IOException {
        long size = 512 * MIB;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream z = Compression.ZSTD.compress(buf)) {
            z.write(header(type == 'L' || type == 'K' ? "././@LongLink" : "PaxHeader", type, size));
            byte[] chunk = new byte[(int) MIB];
            java.util.Arrays.fill(chunk, (byte) 'a');
            long left = size;
            if (type == 'x' || type == 'g') { // one record: "<its length> path=aaa...\n"
                byte[] start = (size + " path=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                z.write(start);
                left -= start.length + 1;
            }
            while (left > 0) {
                int n = (int) Math.min(left, chunk.length);
                z.write(chunk, 0, n);
                left -= n;
            }
            if (type == 'x' || type == 'g') {
                z.write('\n');
            }
            z.write(header("file", '0', 0)); // something for the metadata to apply to
            z.write(new byte[1024]);
        }
        return buf.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(chars = {'L', 'K', 'x', 'g'})
    void aHugeLongNameOrPaxHeaderIsRefusedBeforeItIsReadIntoMemory(char type) throws IOException {
        byte[] bomb = hugeMetadataEntry(type);
        assertThat(bomb.length).isLessThan(64 * 1024); // 512 MiB of header in a few KB: within the default ratio
        Path dest = tmp.resolve("dest");
        long[] read = {0};
        assertThatThrownBy(() -> {
            try (InputStream in = new java.io.FilterInputStream(Compression.decompress(new ByteArrayInputStream(bomb))) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    read[0] += Math.max(n, 0);
                    return n;
                }
            }) {
                new SafeExtractor(ArchiveLimits.defaults(), SafeExtractor.Links.ROOTFS).extract(in, dest);
            }
        }).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry 1 has headers (PAX, GNU long name or long link) over the limit of "
                        + ArchiveLimits.defaults().maxMetadataBytes() + " bytes");
        assertThat(read[0]).isLessThan(32 * MIB);
        assertThat(bytesOnDisk(dest)).isZero();
    }

    @Test
    void inspectingAnArchiveBoundsItsHeadersToo() throws IOException {
        Path archive = tmp.resolve("bomb.tar.zst");
        Files.write(archive, hugeMetadataEntry('x'));
        assertThatThrownBy(() -> io.ferry.core.archive.ArchiveInspector.inspect(archive, ArchiveLimits.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry 1 has headers (PAX, GNU long name or long link) over the limit of "
                        + ArchiveLimits.defaults().maxMetadataBytes() + " bytes");
    }

    @Test
    void longNamesAndPaxHeadersOfRealSizeStillWork() throws IOException {
        String name = "d/".repeat(100) + "f".repeat(200);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            TarArchiveEntry dir = new TarArchiveEntry("dir/");
            dir.setSize(0);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(1);
            out.putArchiveEntry(e);
            out.write('x');
            out.closeArchiveEntry();
        }
        Path dest = tmp.resolve("dest");
        new SafeExtractor(ArchiveLimits.defaults(), SafeExtractor.Links.ROOTFS)
                .extract(new ByteArrayInputStream(buf.toByteArray()), dest);
        assertThat(Files.readString(dest.resolve(name))).isEqualTo("x");
    }
}
