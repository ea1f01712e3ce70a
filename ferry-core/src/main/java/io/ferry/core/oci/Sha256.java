package io.ferry.core.oci;

import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 content digests in the OCI form {@code sha256:<64 hex>}: the one place Ferry makes them. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** "sha256:..." of what the digest has seen (and resets it). */
    public static String of(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static String of(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(newDigest().digest(content));
    }

    public static String of(Path file) throws IOException {
        MessageDigest md = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return of(md);
    }

    /** The 64 hex digits of a "sha256:..." digest; anything else is refused (it often becomes a file name). */
    public static String hex(String digest) {
        return Identifiers.digest("digest", digest).substring("sha256:".length());
    }
}
