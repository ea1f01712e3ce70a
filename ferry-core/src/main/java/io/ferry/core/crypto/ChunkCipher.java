package io.ferry.core.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** AES-256-GCM over one chunk at a time, the header as associated data, the nonce per {@link StreamHeader#nonce}. */
final class ChunkCipher {
    static final int TAG = 16;
    /** 2^32 chunks: the counter's four bytes; a longer archive is refused, never wrapped around. */
    static final long MAX_CHUNKS = 1L << 32;

    private final StreamHeader header;
    private final SecretKeySpec key;
    private final Cipher cipher;

    ChunkCipher(StreamHeader header, ArchiveKey key) {
        this.header = header;
        this.key = new SecretKeySpec(key.bytes(), "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM", e);
        }
    }

    /** Encrypts {@code in[0..length)} into {@code out}; returns the ciphertext length (length + tag). */
    int seal(byte[] in, int length, byte[] out, long counter, boolean last) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, header.nonce(counter, last)));
            cipher.updateAAD(header.encoded());
            return cipher.doFinal(in, 0, length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts and authenticates {@code in[0..length)} into {@code out}; false (and nothing in
     * {@code out} to be used) when the chunk is not authentic under this counter and flag.
     */
    boolean open(byte[] in, int length, byte[] out, long counter, boolean last) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, header.nonce(counter, last)));
            cipher.updateAAD(header.encoded());
            cipher.doFinal(in, 0, length, out, 0);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }
}
