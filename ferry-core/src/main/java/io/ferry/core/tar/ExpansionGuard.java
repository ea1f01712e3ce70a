package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;

import java.io.FilterInputStream;
import java.io.IOException;
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

    /** Wraps the raw (compressed) stream, under the decompressor. */
    InputStream compressedSide(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    compressed++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    compressed += n;
                }
                return n;
            }
        };
    }

    /** Wraps the decompressed stream, over the decompressor. */
    InputStream expandedSide(InputStream decompressed) {
        return new FilterInputStream(decompressed) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n); // tar skips unread entry content: it still expanded
                count(skipped);
                return skipped;
            }
        };
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
