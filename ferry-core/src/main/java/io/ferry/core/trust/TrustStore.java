package io.ferry.core.trust;

import io.ferry.core.error.FerryException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hosts this host trusts, as the operator configured them: a file of {@link HostIdentity} lines
 * ({@code #} comments, blank lines). A host may appear on several lines (its old and new key while
 * a key is rotated). The file is read on every use, so removing a line revokes a host at once,
 * without a restart. Nothing is ever learned from a message or an archive: a key not in this file
 * is not trusted, whatever it claims.
 */
public final class TrustStore {
    private static final int MAX_BYTES = 1 << 20;
    private final Path file;

    public TrustStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    /** Every trusted identity in the file, read now. */
    public List<HostIdentity> identities() {
        try {
            checkOwnership();
            if (Files.size(file) > MAX_BYTES) {
                throw new FerryException("the trust store " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            List<HostIdentity> out = new ArrayList<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(HostIdentity.parse(line, file + " line " + (i + 1)));
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new FerryException("the trust store " + file + " does not exist: add the identity line (`ferry host key`)"
                    + " of every host whose checkpoints this host may restore");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The trusted identities of {@code hostId} (several while its key is rotated; none if it is not trusted). */
    public List<HostIdentity> of(String hostId) {
        return identities().stream().filter(i -> i.hostId().equals(hostId)).toList();
    }

    /** The trusted identity whose signing key made {@code signature} over {@code message}, if any. */
    public Optional<HostIdentity> signer(byte[] message, byte[] signature) {
        for (HostIdentity id : identities()) {
            if (verifies(id.signingKey(), message, signature)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    public static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed signature verifies nothing
        }
    }

    /** Whoever can write the trust store decides what this host runs as root: only root (or this user). */
    private void checkOwnership() throws IOException {
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int owner = (Integer) Files.getAttribute(file, "unix:uid");
        int mode = (Integer) Files.getAttribute(file, "unix:mode");
        if ((owner != 0 && owner != self) || (mode & 0022) != 0) {
            throw new FerryException("the trust store " + file + " may be changed by another user (owner uid " + owner
                    + ", mode " + Integer.toOctalString(mode & 07777) + "): it must belong to root and be writable by no one else");
        }
    }
}
