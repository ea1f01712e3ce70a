package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An {@link ArchiveKey} wrapped to one host's X25519 key (its {@code HostIdentity.encryptionKey()}):
 * an ephemeral X25519 agreement with the recipient's key, HKDF-SHA256 over the shared secret with an
 * info string binding the context (which migration, which recipient host), and AES-256-GCM of the
 * key with that context as associated data. One compact string, {@value #PREFIX} + base64url of
 * <pre>recipient key id (8: SHA-256 of its X.509 encoding) | ephemeral public key (32) | nonce (12) | sealed key (48)</pre>
 * Only the recipient's private key opens it, and only for the same context: a key wrapped for
 * another migration or another host is refused, as is one altered on the way.
 */
public final class KeyWrap {
    static final String PREFIX = "ferry-wk1.";
    private static final String INFO = "ferry checkpoint key wrap v1|";
    private static final int KEY_ID = 8;
    private static final int RAW = 32;
    private static final int NONCE = 12;
    private static final int LENGTH = KEY_ID + RAW + NONCE + ArchiveKey.LENGTH + ChunkCipher.TAG;
    /** The X.509 SubjectPublicKeyInfo prefix of every X25519 public key (OID 1.3.101.110). */
    private static final byte[] X25519_SPKI = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyWrap() {
    }

    /** The context of a migration's key: the migration and the host it goes to. */
    public static String migrationContext(String migrationId, String targetHostId) {
        return "migration=" + migrationId + ";target=" + targetHostId;
    }

    /** The context of a file export's key: the host it is encrypted to. */
    public static String exportContext(String recipientHostId) {
        return "export;recipient=" + recipientHostId;
    }

    public static String wrap(ArchiveKey key, PublicKey recipient, String context) {
        byte[] shared = null;
        byte[] kek = null;
        try {
            KeyPair ephemeral = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            byte[] ephemeralRaw = raw(ephemeral.getPublic());
            shared = agree(ephemeral.getPrivate(), recipient);
            byte[] info = info(context);
            kek = Hkdf.sha256(concat(ephemeralRaw, raw(recipient)), shared, info);
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(info);
            byte[] sealed = gcm.doFinal(key.bytes());
            ByteBuffer out = ByteBuffer.allocate(LENGTH).put(keyId(recipient)).put(ephemeralRaw).put(nonce).put(sealed);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("wrapping a checkpoint key failed: " + e.getMessage(), e);
        } finally {
            zero(shared);
            zero(kek);
        }
    }

    /** True when {@code wrapped} is addressed to {@code recipient}'s key (says nothing of its context). */
    public static boolean isFor(String wrapped, PublicKey recipient) {
        byte[] b = decode(wrapped);
        return MessageDigest.isEqual(Arrays.copyOf(b, KEY_ID), keyId(recipient));
    }

    /**
     * The key, unwrapped with the recipient's private key for {@code context}. Refuses (with an
     * {@link InvalidArchiveException} naming why) malformed input, a key wrapped to another host's
     * key, and a key wrapped for another context or altered.
     */
    public static ArchiveKey unwrap(String wrapped, PublicKey recipientPublic, PrivateKey recipientPrivate,
                                    String context) {
        byte[] b = decode(wrapped);
        if (!MessageDigest.isEqual(Arrays.copyOf(b, KEY_ID), keyId(recipientPublic))) {
            throw new InvalidArchiveException("the checkpoint key was wrapped to another host's key (key id "
                    + hex(Arrays.copyOf(b, KEY_ID)) + "), not to this host's (key id " + hex(keyId(recipientPublic)) + ")");
        }
        byte[] shared = null;
        byte[] kek = null;
        byte[] key = null;
        try {
            byte[] ephemeralRaw = Arrays.copyOfRange(b, KEY_ID, KEY_ID + RAW);
            shared = agree(recipientPrivate, publicKey(ephemeralRaw));
            byte[] info = info(context);
            kek = Hkdf.sha256(concat(ephemeralRaw, raw(recipientPublic)), shared, info);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"),
                    new GCMParameterSpec(128, b, KEY_ID + RAW, NONCE));
            gcm.updateAAD(info);
            key = gcm.doFinal(b, KEY_ID + RAW + NONCE, ArchiveKey.LENGTH + ChunkCipher.TAG);
            return new ArchiveKey(key);
        } catch (AEADBadTagException e) {
            throw new InvalidArchiveException("the checkpoint key does not unwrap for " + context
                    + ": it was wrapped for another migration or host, or altered on the way");
        } catch (GeneralSecurityException e) { // e.g. an ephemeral key of small order
            throw new InvalidArchiveException("the wrapped checkpoint key is malformed: " + e.getMessage());
        } finally {
            zero(shared);
            zero(kek);
            zero(key);
        }
    }

    private static byte[] decode(String wrapped) {
        if (wrapped == null || !wrapped.startsWith(PREFIX) || wrapped.length() > 4 * LENGTH) {
            throw new InvalidArchiveException("the wrapped checkpoint key is malformed: it must start with \""
                    + PREFIX + "\" (a key wrapped by this version of Ferry)");
        }
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(wrapped.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("the wrapped checkpoint key is malformed: not base64url");
        }
        if (b.length != LENGTH) {
            throw new InvalidArchiveException("the wrapped checkpoint key is malformed: " + b.length + " bytes, not "
                    + LENGTH);
        }
        return b;
    }

    private static byte[] agree(PrivateKey own, PublicKey other) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(own);
        ka.doPhase(other, true);
        return ka.generateSecret();
    }

    private static byte[] info(String context) {
        return (INFO + context).getBytes(StandardCharsets.UTF_8);
    }

    /** The 32-byte u-coordinate of an X25519 public key (its X.509 encoding after the fixed prefix). */
    static byte[] raw(PublicKey key) {
        byte[] enc = key.getEncoded();
        if (enc.length != X25519_SPKI.length + RAW
                || !Arrays.equals(enc, 0, X25519_SPKI.length, X25519_SPKI, 0, X25519_SPKI.length)) {
            throw new IllegalArgumentException("not an X25519 public key");
        }
        return Arrays.copyOfRange(enc, X25519_SPKI.length, enc.length);
    }

    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(concat(X25519_SPKI, raw)));
    }

    static byte[] keyId(PublicKey recipient) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(recipient.getEncoded()), KEY_ID);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    private static void zero(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
