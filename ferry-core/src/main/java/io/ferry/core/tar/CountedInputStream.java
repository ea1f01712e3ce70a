package io.ferry.core.tar;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Hands every count of bytes read (and, when asked, skipped) to {@code counted}, which may refuse the
 * stream by throwing. A tar reader skips the content it leaves unread: over a decompressor those
 * bytes were still expanded, and they still cross the header bounds.
 */
final class CountedInputStream extends FilterInputStream {
    private final LongConsumer counted;
    private final boolean countSkips;

    CountedInputStream(InputStream in, boolean countSkips, LongConsumer counted) {
        super(in);
        this.countSkips = countSkips;
        this.counted = counted;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            counted.accept(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (countSkips && skipped > 0) {
            counted.accept(skipped);
        }
        return skipped;
    }
}
