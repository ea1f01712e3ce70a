package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;

import java.io.InputStream;

/**
 * Counts the compressed bytes a decompressor reads and the bytes it gives out, and refuses the stream
 * once it has expanded more than the limit allows: a bomb fails while it is still small.
 */
final class ExpansionGuard {
    private final long maxRatio;
    private long compressed;
    private long expanded;

    ExpansionGuard(long maxRatio) {
        this.maxRatio = maxRatio;
    }

    /** Wraps the raw (compressed) stream, under the decompressor: only what it reads counts. */
    InputStream compressedSide(InputStream raw) {
        return new CountedInputStream(raw, false, n -> compressed += n);
    }

    /** Wraps the decompressed stream, over the decompressor. */
    InputStream expandedSide(InputStream decompressed) {
        return new CountedInputStream(decompressed, true, this::count);
    }

    private void count(long n) {
        expanded += n;
        long allowed = compressed > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : Math.max(compressed, 1) * maxRatio;
        if (expanded > allowed) {
            throw new InvalidArchiveException("archive expands more than " + maxRatio + " times: " + expanded
                    + " bytes from " + compressed + " compressed bytes (a compression bomb?)");
        }
    }
}
