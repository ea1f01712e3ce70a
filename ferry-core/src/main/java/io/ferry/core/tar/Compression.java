package io.ferry.core.tar;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** Compression of checkpoint archives and layers; readers detect it from the magic bytes. */
public enum Compression {
    ZSTD, GZIP, NONE;

    private static final int ZSTD_LEVEL = 3; // zstd's default: fast enough not to dominate downtime

    public static Compression parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zstd", "zst" -> ZSTD;
            case "gzip", "gz" -> GZIP;
            case "none", "uncompressed" -> NONE;
            default -> throw new IllegalArgumentException(
                    "unknown compression \"" + name + "\": use zstd, gzip or none");
        };
    }

    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case ZSTD -> {
                ZstdOutputStream z = new ZstdOutputStream(out, ZSTD_LEVEL);
                z.setWorkers(Runtime.getRuntime().availableProcessors());
                yield z;
            }
            case GZIP -> new GzipCompressorOutputStream(out);
            case NONE -> out;
        };
    }

    /** Reads the first bytes to tell zstd, gzip and plain tar apart. */
    public static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        return NONE;
    }

    /** As {@link #decompress(InputStream, ArchiveLimits)} with the default limits. */
    public static InputStream decompress(InputStream raw) throws IOException {
        return decompress(raw, ArchiveLimits.defaults());
    }

    /**
     * The decompressed stream, refused (an InvalidArchiveException from read) once it has expanded
     * more than {@code limits.maxExpansionRatio()} times the compressed bytes read so far.
     */
    public static InputStream decompress(InputStream raw, ArchiveLimits limits) throws IOException {
        ExpansionGuard guard = new ExpansionGuard(limits.maxExpansionRatio());
        BufferedInputStream in = new BufferedInputStream(guard.compressedSide(raw), 1 << 16);
        return switch (detect(in)) {
            case ZSTD -> guard.expandedSide(new ZstdInputStream(in));
            case GZIP -> guard.expandedSide(new GzipCompressorInputStream(in, true));
            case NONE -> in; // a plain tar does not expand
        };
    }
}
