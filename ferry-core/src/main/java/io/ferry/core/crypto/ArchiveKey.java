package io.ferry.core.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The 32-byte AES-256 key of one encrypted checkpoint archive: random, used for one archive only, and
 * never stored beside it (it travels wrapped to the target host, see {@link KeyWrap}). Never printed:
 * {@link #toString()} says nothing of the key. {@link #destroy()} zeroes it once it is no longer needed.
 */
public record ArchiveKey(byte[] bytes) {
    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ArchiveKey {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("an archive key has " + LENGTH + " bytes");
        }
        bytes = bytes.clone();
    }

    public static ArchiveKey generate() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        try {
            return new ArchiveKey(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    /** Overwrites the key with zeros: a destroyed key encrypts and decrypts nothing that matters. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "ArchiveKey[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchiveKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return 0; // no hash of a secret
    }
}
