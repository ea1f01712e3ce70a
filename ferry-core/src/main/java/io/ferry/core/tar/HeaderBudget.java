package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds the bytes the tar reader consumes while it looks for the next entry. commons-compress reads
 * a GNU long name or long link and a PAX header (local or global) whole into memory inside
 * getNextEntry, whatever size its header claims, before the extractor sees any entry: without this,
 * a few KB of zstd expand into a name of gigabytes and the JVM runs out of heap.
 */
final class HeaderBudget extends FilterInputStream {
    private static final long UNLIMITED = -1;

    private long remaining = UNLIMITED;
    private long entry;
    private long limit;

    HeaderBudget(InputStream in) {
        super(in);
    }

    /**
     * Until {@link #lift}: at most {@code metadata} bytes of headers, plus {@code unread} bytes of the
     * previous entry's content that the reader skips first, plus a block of padding.
     */
    void impose(long entryNumber, long metadata, long unread) {
        entry = entryNumber;
        limit = metadata;
        remaining = metadata + unread + 64 * 1024;
    }

    /** Entry content: counted by the extractor against its own limits. */
    void lift() {
        remaining = UNLIMITED;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            take(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            take(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        take(skipped);
        return skipped;
    }

    private void take(long n) {
        if (remaining == UNLIMITED) {
            return;
        }
        remaining -= n;
        if (remaining < 0) {
            throw new InvalidArchiveException("archive entry " + entry + " has headers (PAX, GNU long name or long link)"
                    + " over the limit of " + limit + " bytes");
        }
    }
}
