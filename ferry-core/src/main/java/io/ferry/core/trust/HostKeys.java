package io.ferry.core.trust;

import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * This host's own key pairs, made on first use under {@code <root>/keys} (0700, files 0600): an
 * Ed25519 key that signs the checkpoints this host makes, and an X25519 key that checkpoint keys
 * for this host are wrapped to. The private keys never leave the host; {@link #identity()} is what
 * other hosts put in their trust stores.
 */
public final class HostKeys {
    static final String SIGNING = "signing.key";
    static final String ENCRYPTION = "encryption.key";

    private final String hostId;
    private final KeyPair signing;
    private final KeyPair encryption;

    private HostKeys(String hostId, KeyPair signing, KeyPair encryption) {
        this.hostId = hostId;
        this.signing = signing;
        this.encryption = encryption;
    }

    /** The host's keys, created (once, atomically) when the host has none yet. */
    public static HostKeys loadOrCreate(Host host) {
        Path dir = FileTrees.createPrivateDirectories(host.keys());
        return new HostKeys(host.id(), pair(dir.resolve(SIGNING), "Ed25519"), pair(dir.resolve(ENCRYPTION), "X25519"));
    }

    /** The host's keys if it has made them (a service's first start, or `ferry host key`); never creates them. */
    public static java.util.Optional<HostKeys> loadIfPresent(Host host) {
        if (!Files.exists(host.keys().resolve(SIGNING)) || !Files.exists(host.keys().resolve(ENCRYPTION))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(loadOrCreate(host));
    }

    public String hostId() {
        return hostId;
    }

    public HostIdentity identity() {
        return new HostIdentity(hostId, signing.getPublic(), encryption.getPublic());
    }

    /** An Ed25519 signature of {@code message} with this host's signing key. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signing.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /** The private half of {@link HostIdentity#encryptionKey()}: unwraps checkpoint keys sent to this host. */
    public PrivateKey encryptionPrivateKey() {
        return encryption.getPrivate();
    }

    private static KeyPair pair(Path file, String algorithm) {
        try {
            if (!Files.exists(file)) {
                create(file, algorithm);
            }
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            if ((mode & 0077) != 0) {
                throw new FerryException("the host key " + file + " is readable or writable by other users (mode "
                        + Integer.toOctalString(mode & 07777) + "): chmod 600 it, and consider it leaked");
            }
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
            return new KeyPair(publicOf(key), key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the host key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new FerryException("the host key " + file + " is not a PKCS#8 " + algorithm + " private key");
        }
    }

    private static void create(Path file, String algorithm) throws IOException, GeneralSecurityException {
        byte[] encoded = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate().getEncoded();
        // one temporary name per process: a host's services start together and may race to make the key
        Path tmp = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.write(tmp, encoded, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        try {
            Files.createLink(file, tmp); // fails if another process made the key meanwhile: theirs wins
        } catch (FileAlreadyExistsException raced) {
            // keep the existing key
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The JDK keeps no public key in a PKCS#8 file: derive it (X25519 by agreement with the base point, Ed25519 by re-encoding). */
    private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof XECPrivateKey x) {
            return regenerated(NamedParameterSpec.X25519, x.getScalar().orElseThrow());
        }
        if (key instanceof EdECPrivateKey e) {
            return regenerated(NamedParameterSpec.ED25519, e.getBytes().orElseThrow());
        }
        throw new GeneralSecurityException("unexpected key type " + key.getAlgorithm());
    }

    /**
     * The JDK computes a public key only while generating a pair, so the pair is generated again from
     * the private key's own bytes (its X25519 scalar or Ed25519 seed), and checked to be the same key.
     */
    private static PublicKey regenerated(NamedParameterSpec curve, byte[] secret) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(curve.getName());
        g.initialize(curve, new FixedRandom(secret));
        KeyPair p = g.generateKeyPair();
        PrivateKey again = p.getPrivate();
        byte[] regenerated = again instanceof XECPrivateKey x ? x.getScalar().orElseThrow()
                : ((EdECPrivateKey) again).getBytes().orElseThrow();
        if (!Arrays.equals(regenerated, secret)) {
            throw new GeneralSecurityException("cannot derive the " + curve.getName() + " public key");
        }
        return p.getPublic();
    }

    /** Hands out exactly the given bytes: how the JDK's generators are made to rebuild a pair from its private half. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("unexpected key length " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
