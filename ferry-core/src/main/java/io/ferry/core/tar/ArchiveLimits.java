package io.ferry.core.tar;

/**
 * Bounds on untrusted archives: total bytes, bytes per entry, number of entries, and the size of
 * metadata entries that are read into memory (config.dump, spec.dump, ...).
 */
public record ArchiveLimits(long maxTotalBytes, long maxEntryBytes, long maxEntries, int maxMetadataBytes) {

    public static ArchiveLimits defaults() {
        return new ArchiveLimits(64L << 30, 32L << 30, 1_000_000, 16 << 20);
    }

    public ArchiveLimits withMaxTotalBytes(long bytes) {
        return new ArchiveLimits(bytes, Math.min(maxEntryBytes, bytes), maxEntries, maxMetadataBytes);
    }

}
