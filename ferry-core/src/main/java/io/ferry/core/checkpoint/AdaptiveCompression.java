package io.ferry.core.checkpoint;

import com.github.luben.zstd.Zstd;
import io.ferry.core.tar.Compression;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compression only where it pays: a few samples of the memory pages CRIU dumped are compressed with
 * zstd's fastest level; unless they shrink to {@link #WORTH} or less, the archive goes uncompressed
 * (random or already compressed memory would only cost CPU time while the container is frozen).
 * What was chosen is visible in the archive itself (zstd's magic bytes, or none) and said in the
 * transfer's header.
 */
public final class AdaptiveCompression {
    /**
     * Compress when the samples shrink to at most this fraction of their size. Measured here: zstd (level 3,
     * both cores) turned 90 MB of base64 memory into 67 MB (0.75) but took the stream from ~60 to ~14 MB/s
     * end to end, so a ratio like that costs downtime on any link faster than that; halving the bytes pays.
     */
    static final double WORTH = 0.5;
    private static final int SAMPLE = 64 << 10;
    private static final int SAMPLES = 32;

    private AdaptiveCompression() {
    }

    /** The decision from a sample's raw and compressed sizes (nothing sampled: the small archive is compressed). */
    public static Compression decide(long sampledBytes, long compressedBytes) {
        if (sampledBytes <= 0) {
            return Compression.ZSTD;
        }
        return (double) compressedBytes / sampledBytes <= WORTH ? Compression.ZSTD : Compression.NONE;
    }

    /** Samples the {@code pages-*.img} files of a CRIU image directory, spread evenly over their bytes. */
    public static Compression choose(Path imagesDir) {
        try (Stream<Path> files = Files.list(imagesDir)) {
            List<Path> pages = files.filter(p -> p.getFileName().toString().startsWith("pages-")).sorted().toList();
            long total = 0;
            for (Path p : pages) {
                total += Files.size(p);
            }
            if (total == 0) {
                return decide(0, 0);
            }
            long step = Math.max(SAMPLE, total / SAMPLES);
            long sampled = 0;
            long compressed = 0;
            long offset = 0; // across all page files, in order
            ByteBuffer buf = ByteBuffer.allocate(SAMPLE);
            for (Path p : pages) {
                long size = Files.size(p);
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    for (long at = nextSample(offset, step); at < offset + size; at += step) {
                        buf.clear();
                        int n = ch.read(buf, at - offset);
                        if (n <= 0) {
                            break;
                        }
                        byte[] raw = java.util.Arrays.copyOf(buf.array(), n);
                        sampled += n;
                        compressed += Zstd.compress(raw, 1).length;
                    }
                }
                offset += size;
            }
            return decide(sampled, compressed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sample the checkpoint's pages in " + imagesDir, e);
        }
    }

    private static long nextSample(long offset, long step) {
        return ((offset + step - 1) / step) * step;
    }
}
