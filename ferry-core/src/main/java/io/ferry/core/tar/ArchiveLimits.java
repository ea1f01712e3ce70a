package io.ferry.core.tar;

/**
 * Bounds on untrusted archives: total bytes written, bytes per entry, number of entries (every file,
 * link and directory created counts, implicit parent directories included), the size of metadata
 * entries read into memory (config.dump, spec.dump, ...), how many times a compressed stream may
 * expand, and the free space an extraction must leave on the destination's filesystem.
 *
 * <p>Measured for the ratio: a container holding 1 GiB of zeroed memory checkpoints to 53 KB of zstd
 * (20,253:1), one holding 3 GiB to 123 KB (26,269:1); zstd's own ceiling is about 32,768:1 (1 GiB of
 * zeros: 31,880:1), gzip's about 1,030:1. The default ratio stays above what zstd can produce, so no
 * real checkpoint is refused; what stops a zstd bomb is the total and the free-space reserve.
 */
public record ArchiveLimits(long maxTotalBytes, long maxEntryBytes, long maxEntries, int maxMetadataBytes,
                            long maxExpansionRatio, long minFreeBytes) {

    public static final long DEFAULT_RATIO = 50_000;
    public static final long DEFAULT_MIN_FREE = 1L << 30;

    /** Limits with the default expansion ratio and free-space reserve. */
    public ArchiveLimits(long maxTotalBytes, long maxEntryBytes, long maxEntries, int maxMetadataBytes) {
        this(maxTotalBytes, maxEntryBytes, maxEntries, maxMetadataBytes, DEFAULT_RATIO, DEFAULT_MIN_FREE);
    }

    public static ArchiveLimits defaults() {
        return new ArchiveLimits(64L << 30, 32L << 30, 1_000_000, 16 << 20);
    }

    public ArchiveLimits withMaxTotalBytes(long bytes) {
        return new ArchiveLimits(bytes, Math.min(maxEntryBytes, bytes), maxEntries, maxMetadataBytes,
                maxExpansionRatio, minFreeBytes);
    }

    public ArchiveLimits withMaxExpansionRatio(long ratio) {
        return new ArchiveLimits(maxTotalBytes, maxEntryBytes, maxEntries, maxMetadataBytes, ratio, minFreeBytes);
    }

    public ArchiveLimits withMinFreeBytes(long bytes) {
        return new ArchiveLimits(maxTotalBytes, maxEntryBytes, maxEntries, maxMetadataBytes, maxExpansionRatio, bytes);
    }
}
