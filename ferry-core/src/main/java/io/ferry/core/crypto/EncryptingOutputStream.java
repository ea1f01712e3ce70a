package io.ferry.core.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Encrypts what is written into the chunked AES-256-GCM format of {@link StreamHeader}: the header
 * first, then one sealed chunk per {@code chunkSize} bytes. A chunk is sealed only once it is known
 * whether more follows, so the last one (full, short or empty) carries the last-chunk flag; {@link
 * #close()} writes it. Closing is what makes the archive complete: a caller that fails midway must
 * discard the output (the exports do: a temporary file, an aborted upload), not close it into place.
 */
public final class EncryptingOutputStream extends OutputStream {
    private final OutputStream out;
    private final ChunkCipher cipher;
    private final byte[] plain;
    private final byte[] sealed;
    private int buffered;
    private long counter;
    private boolean closed;

    EncryptingOutputStream(OutputStream out, ArchiveKey key, StreamHeader header) throws IOException {
        this.out = out;
        this.cipher = new ChunkCipher(header, key);
        this.plain = new byte[header.chunkSize()];
        this.sealed = new byte[header.chunkSize() + ChunkCipher.TAG];
        out.write(header.encoded());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the encrypted archive is already closed");
        }
        while (len > 0) {
            if (buffered == plain.length) { // more follows: this full chunk is not the last
                emit(false);
            }
            int n = Math.min(len, plain.length - buffered);
            System.arraycopy(b, off, plain, buffered, n);
            buffered += n;
            off += n;
            len -= n;
        }
    }

    private void emit(boolean last) throws IOException {
        if (counter >= ChunkCipher.MAX_CHUNKS) {
            throw new IOException("the archive is too large to encrypt in " + plain.length + "-byte chunks");
        }
        int n = cipher.seal(plain, buffered, sealed, counter++, last);
        out.write(sealed, 0, n);
        buffered = 0;
    }

    /** Passes a flush on; a partly filled chunk stays buffered (chunks have a fixed size). */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            emit(true);
        } finally {
            Arrays.fill(plain, (byte) 0);
            out.close();
        }
    }
}
