package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The header of an encrypted archive, authenticated as the associated data of every chunk, so none
 * of its fields (chunk size, nonce prefix, recipients) can be changed without the first chunk failing:
 * <pre>
 *   magic        8  0x89 "FERRYAE" (never the start of zstd, gzip or a sensible tar)
 *   version      1  1
 *   algorithm    1  1 = AES-256-GCM, STREAM construction (nonce = prefix | u32 counter | last flag)
 *   chunk size   4  u32 plaintext bytes per chunk, {@value #MIN_CHUNK}..{@value #MAX_CHUNK}
 *   nonce prefix 7  random per archive
 *   recipients   2  u16 length, then that many bytes of UTF-8 text (empty for a registry blob:
 *                   its key travels with the migration; for a file export, one line per recipient,
 *                   "HOST WRAPPED-KEY")
 * </pre>
 * Every field is bounded before anything is allocated: a hostile header costs at most the
 * {@value #MAX_CHUNK}-byte chunk buffers and a 64 KiB recipients block.
 */
record StreamHeader(int chunkSize, byte[] noncePrefix, String recipients, byte[] encoded) {
    static final byte[] MAGIC = {(byte) 0x89, 'F', 'E', 'R', 'R', 'Y', 'A', 'E'};
    static final int VERSION = 1;
    static final int AES_256_GCM_STREAM = 1;
    static final int NONCE_PREFIX = 7;
    static final int FIXED = MAGIC.length + 1 + 1 + 4 + NONCE_PREFIX + 2;
    static final int MIN_CHUNK = 4 << 10;
    static final int MAX_CHUNK = 4 << 20;
    /** Measured (bench/run.sh crypto): 64 KiB to 1 MiB run alike (about 1 GiB/s each way here); 256 KiB keeps per-chunk work small. */
    static final int DEFAULT_CHUNK = 256 << 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new header: random nonce prefix. */
    static StreamHeader create(int chunkSize, String recipients) {
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside " + MIN_CHUNK + ".." + MAX_CHUNK);
        }
        byte[] text = recipients.getBytes(StandardCharsets.UTF_8);
        if (text.length > 0xffff) {
            throw new IllegalArgumentException("too many recipients for one archive header");
        }
        byte[] prefix = new byte[NONCE_PREFIX];
        RANDOM.nextBytes(prefix);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(FIXED + text.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(AES_256_GCM_STREAM);
            out.writeInt(chunkSize);
            out.write(prefix);
            out.writeShort(text.length);
            out.write(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new StreamHeader(chunkSize, prefix, recipients, bytes.toByteArray());
    }

    /** True when {@code start} (the first bytes of a file) is this format's magic. */
    static boolean isEncrypted(byte[] start, int length) {
        return length >= MAGIC.length && Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Reads and checks a header; the stream is left at the first chunk. */
    static StreamHeader read(InputStream in) throws IOException {
        byte[] fixed = in.readNBytes(FIXED);
        if (fixed.length < MAGIC.length || !isEncrypted(fixed, fixed.length)) {
            throw notAuthentic("it does not start with the encrypted archive magic");
        }
        if (fixed.length < FIXED) {
            throw notAuthentic("its header is truncated (" + fixed.length + " of " + FIXED + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(fixed, MAGIC.length, FIXED - MAGIC.length);
        int version = b.get() & 0xff;
        int algorithm = b.get() & 0xff;
        if (version != VERSION) {
            throw notAuthentic("format version " + version + " is not supported (this Ferry reads version " + VERSION + ")");
        }
        if (algorithm != AES_256_GCM_STREAM) {
            throw notAuthentic("algorithm " + algorithm + " is not supported (this Ferry reads 1, AES-256-GCM)");
        }
        int chunk = b.getInt();
        if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
            throw notAuthentic("its chunk size " + Integer.toUnsignedString(chunk) + " is outside " + MIN_CHUNK + ".."
                    + MAX_CHUNK + " bytes");
        }
        byte[] prefix = new byte[NONCE_PREFIX];
        b.get(prefix);
        int textLength = b.getShort() & 0xffff;
        byte[] text = in.readNBytes(textLength);
        if (text.length < textLength) {
            throw notAuthentic("its header is truncated in the recipients block");
        }
        byte[] encoded = Arrays.copyOf(fixed, FIXED + textLength);
        System.arraycopy(text, 0, encoded, FIXED, textLength);
        return new StreamHeader(chunk, prefix, new String(text, StandardCharsets.UTF_8), encoded);
    }

    /** The 12-byte GCM nonce of chunk {@code counter}: prefix, big-endian counter, 1 for the last chunk. */
    byte[] nonce(long counter, boolean last) {
        byte[] n = new byte[12];
        System.arraycopy(noncePrefix, 0, n, 0, NONCE_PREFIX);
        n[7] = (byte) (counter >>> 24);
        n[8] = (byte) (counter >>> 16);
        n[9] = (byte) (counter >>> 8);
        n[10] = (byte) counter;
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    static InvalidArchiveException notAuthentic(String why) {
        return new InvalidArchiveException("checkpoint archive is not authentic: " + why);
    }
}
