package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The entries of an untrusted tar stream, with the headers before each bounded. commons-compress
 * reads a GNU long name or long link and a PAX header (local or global) whole into memory inside
 * getNextEntry, whatever size its header claims, before any caller sees an entry: unbounded, a few
 * KB of zstd expand into a name of gigabytes and the JVM runs out of heap.
 */
public final class TarEntries {
    private static final long PADDING = 64 * 1024; // record padding and the end-of-archive blocks

    private final TarArchiveInputStream tar;
    private final long maxHeaderBytes;
    private TarArchiveEntry current;
    private long number;
    private long allowed = -1; // -1 while content is read (the callers count it against their own limits)
    private long sinceLift;

    public TarEntries(InputStream in, long maxHeaderBytes) {
        this.tar = new TarArchiveInputStream(new CountedInputStream(in, true, this::take));
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** The next entry, or null at the end; what the current one's content left unread is skipped. */
    public TarArchiveEntry next() throws IOException {
        long unread = current == null ? 0 : Math.max(0, current.getSize() - sinceLift);
        number++;
        impose(maxHeaderBytes + unread + PADDING);
        try {
            current = tar.getNextEntry();
        } finally {
            lift();
        }
        return current;
    }

    /** The current entry's content. */
    public TarArchiveInputStream content() {
        return tar;
    }

    /** Counts what the tar reader consumes; past the allowance while it reads headers, refuses. */
    private void take(long n) {
        sinceLift += n;
        if (allowed >= 0 && sinceLift > allowed) {
            throw new InvalidArchiveException("archive entry " + number + " has headers (PAX, GNU long name or"
                    + " long link) over the limit of " + maxHeaderBytes + " bytes");
        }
    }

    private void impose(long bytes) {
        allowed = bytes;
        sinceLift = 0;
    }

    private void lift() {
        allowed = -1;
        sinceLift = 0;
    }
}
