package io.ferry.core.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the bytes written through it (the archive's size, whatever the sink is) and reports progress. */
final class CountingOutputStream extends FilterOutputStream {
    private static final long REPORT_EVERY = 4L << 20;

    private final CheckpointProgress progress;
    private long count;
    private long reported;

    CountingOutputStream(OutputStream out, CheckpointProgress progress) {
        super(out);
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        added(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        added(len);
    }

    private void added(long n) {
        count += n;
        if (count - reported >= REPORT_EVERY) {
            reported = count;
            progress.exported(count);
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        progress.exported(count);
    }

    long count() {
        return count;
    }
}
