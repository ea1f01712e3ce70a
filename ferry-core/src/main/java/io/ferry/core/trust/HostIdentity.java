package io.ferry.core.trust;

import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A host's public identity: its id, the Ed25519 key it signs checkpoints with and the X25519 key
 * checkpoint keys are wrapped to. One line of text, as in a trust store or {@code ferry host key}:
 * {@code ferry-host <id> ed25519:<base64 X.509> x25519:<base64 X.509>}.
 */
public record HostIdentity(String hostId, PublicKey signingKey, PublicKey encryptionKey) {
    static final String PREFIX = "ferry-host";
    private static final int MAX_LINE = 512;

    public HostIdentity {
        new Host(hostId, java.nio.file.Path.of("/")); // the host id rule, one definition
        if (!"EdDSA".equals(signingKey.getAlgorithm()) && !"Ed25519".equals(signingKey.getAlgorithm())) {
            throw new IllegalArgumentException("the signing key of " + hostId + " is not an Ed25519 key");
        }
        if (!"XDH".equals(encryptionKey.getAlgorithm()) && !"X25519".equals(encryptionKey.getAlgorithm())) {
            throw new IllegalArgumentException("the encryption key of " + hostId + " is not an X25519 key");
        }
    }

    public String format() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + " " + hostId + " ed25519:" + b64.encodeToString(signingKey.getEncoded())
                + " x25519:" + b64.encodeToString(encryptionKey.getEncoded());
    }

    /** Parses one identity line; {@code where} names the line in errors (file and line number). */
    public static HostIdentity parse(String line, String where) {
        if (line.length() > MAX_LINE) {
            throw new FerryException(where + ": a host identity line is at most " + MAX_LINE + " characters");
        }
        String[] f = line.trim().split("\\s+");
        if (f.length != 4 || !PREFIX.equals(f[0]) || !f[2].startsWith("ed25519:") || !f[3].startsWith("x25519:")) {
            throw new FerryException(where + ": expected \"" + PREFIX
                    + " <host id> ed25519:<base64> x25519:<base64>\" (as `ferry host key` prints it)");
        }
        try {
            return new HostIdentity(f[1], key("Ed25519", f[2].substring(8), where), key("X25519", f[3].substring(7), where));
        } catch (IllegalArgumentException e) {
            throw new FerryException(where + ": " + e.getMessage());
        }
    }

    private static PublicKey key(String algorithm, String base64, String where) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new FerryException(where + ": not a valid " + algorithm + " public key");
        }
    }

    /** A short name for the signing key, as in logs and errors: {@code SHA256:<base64>} like ssh's. */
    public String fingerprint() {
        return fingerprint(signingKey);
    }

    public static String fingerprint(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
