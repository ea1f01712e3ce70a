package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads an archive written by {@link EncryptingOutputStream}, handing out the plaintext of a chunk
 * only after that chunk authenticated under its position and last-chunk flag. A flipped bit, a
 * chunk dropped, duplicated or moved, a cut after any chunk, bytes appended, a changed header or
 * another key: each fails with an {@link InvalidArchiveException} ("checkpoint archive is not
 * authentic: chunk N ...") at the first chunk concerned. Buffers are bounded by the header's checked
 * chunk size.
 */
public final class DecryptingInputStream extends InputStream {
    private final InputStream in;
    private final ChunkCipher cipher;
    private final byte[] sealed;
    private final byte[] plain;
    private int pending = -1; // a byte read ahead to learn whether the previous chunk was the last
    private int position;
    private int available;
    private long counter;
    private boolean done;

    DecryptingInputStream(InputStream in, ArchiveKey key, StreamHeader header) {
        this.in = in;
        this.cipher = new ChunkCipher(header, key);
        this.sealed = new byte[header.chunkSize() + ChunkCipher.TAG];
        this.plain = new byte[header.chunkSize()];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == available) {
            if (done) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, available - position);
        System.arraycopy(plain, position, b, off, n);
        position += n;
        return n;
    }

    private void nextChunk() throws IOException {
        int length = 0;
        if (pending >= 0) {
            sealed[length++] = (byte) pending;
            pending = -1;
        }
        length += in.readNBytes(sealed, length, sealed.length - length);
        boolean last = length < sealed.length;
        if (!last) {
            pending = in.read();
            last = pending < 0;
        }
        if (length < ChunkCipher.TAG) {
            throw StreamHeader.notAuthentic("chunk " + counter + " is truncated (" + length + " bytes, shorter than"
                    + " its authentication tag): the archive was cut short");
        }
        if (counter >= ChunkCipher.MAX_CHUNKS) {
            throw StreamHeader.notAuthentic("chunk " + counter + " is past the last chunk an archive can have");
        }
        if (!cipher.open(sealed, length, plain, counter, last)) {
            Arrays.fill(plain, (byte) 0);
            throw StreamHeader.notAuthentic("chunk " + counter + " " + diagnose(length, last));
        }
        position = 0;
        available = length - ChunkCipher.TAG;
        counter++;
        done = last;
    }

    /** Why a chunk failed, when its other flag tells (nothing of it is handed out either way). */
    private String diagnose(int length, boolean last) {
        boolean otherFlag = cipher.open(sealed, length, plain, counter, !last);
        Arrays.fill(plain, (byte) 0);
        if (otherFlag && last) {
            return "is not the last chunk it was written as: the archive was cut short (truncated)";
        }
        if (otherFlag) {
            return "was written as the last chunk, yet more data follows it (data appended)";
        }
        return "failed authentication: the archive was altered or cut short, its chunks reordered, dropped or"
                + " duplicated, or it was encrypted with another key";
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(plain, (byte) 0);
        in.close();
    }
}
