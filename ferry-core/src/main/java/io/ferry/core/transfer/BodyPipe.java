package io.ferry.core.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the bytes a writer produces to the thread that sends them, a few chunks at a time (a bounded
 * queue: the writer waits for the network, never buffers the archive). When the sending side fails
 * ({@link #fail}), the writer's next write throws; when the writer {@link #abort}s, the reader throws
 * instead of seeing an end, so a half archive is never sent as a whole one.
 */
final class BodyPipe {
    private static final int CHUNK = 1 << 20;
    private static final byte[] END = new byte[0];
    private static final byte[] ABORT = new byte[0];
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
    private volatile Throwable readerFailure;

    final OutputStream sink = new OutputStream() {
        private byte[] buf = new byte[CHUNK];
        private int len;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                int take = Math.min(n, CHUNK - len);
                System.arraycopy(b, off, buf, len, take);
                len += take;
                off += take;
                n -= take;
                if (len == CHUNK) {
                    flushChunk();
                }
            }
        }

        private void flushChunk() throws IOException {
            if (len == 0) {
                return;
            }
            byte[] chunk = len == CHUNK ? buf : java.util.Arrays.copyOf(buf, len);
            put(chunk);
            buf = new byte[CHUNK];
            len = 0;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            flushChunk();
            put(END);
        }
    };

    final InputStream source = new InputStream() {
        private byte[] current;
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            while (current == null || pos == current.length) {
                byte[] next;
                try {
                    next = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the archive");
                }
                if (next == END) {
                    ended = true;
                    return -1;
                }
                if (next == ABORT) {
                    throw new IOException("the archive was not completed on the source: the transfer is abandoned");
                }
                current = next;
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    };

    private void put(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (readerFailure != null) {
                    throw new IOException("the transfer failed: " + readerFailure.getMessage(), readerFailure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending the archive");
        }
        if (readerFailure != null) {
            throw new IOException("the transfer failed: " + readerFailure.getMessage(), readerFailure);
        }
    }

    /** The sending side is gone: the writer stops at its next write. */
    void fail(Throwable cause) {
        readerFailure = cause;
        chunks.clear();
    }

    /** The writer gives up: the reader fails rather than end the body. */
    void abort() {
        chunks.clear();
        chunks.offer(ABORT);
    }
}
