package io.ferry.core.engine;

import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.crypto.KeyWrap;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.host.Host;
import io.ferry.core.os.FileTrees;
import io.ferry.protocol.Identifiers;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.TrustStore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The keys of encrypted archives on this host: a migration's key made and wrapped to the target's
 * trusted identity (source) or unwrapped with this host's own key (target); the recipients of an
 * encrypted export; and opening an encrypted file addressed to this host.
 */
final class ArchiveKeys {
    private static final int MAX_IDENTITY_FILE = 64 << 10;

    private final Host host;
    private final CheckpointTrust trust;

    /** {@code trust}: the operator's trusted host identities, the same file checkpoint signatures are checked against. */
    ArchiveKeys(Host host, CheckpointTrust trust) {
        this.host = host;
        this.trust = trust;
    }

    private TrustStore trust() {
        return trust.store();
    }

    private HostKeys own() {
        return HostKeys.loadOrCreate(host);
    }

    MigrationKey newMigrationKey(String migrationId, String targetHostId) {
        List<HostIdentity> target = trust().of(targetHostId);
        if (target.isEmpty()) {
            throw new NotFoundException("host " + targetHostId + " is not in this host's trust store "
                    + trust().file() + ": its checkpoint key cannot be wrapped to it (add its `ferry host key` line)");
        }
        ArchiveKey key = ArchiveKey.generate();
        List<String> wrapped = new ArrayList<>();
        for (HostIdentity id : target) { // several while the target's key is rotated: it opens whichever it holds
            wrapped.add(KeyWrap.wrap(key, id.encryptionKey(), KeyWrap.migrationContext(migrationId, targetHostId)));
        }
        keep(migrationId, key);
        return new MigrationKey(key, String.join(",", wrapped));
    }

    /**
     * The source keeps a migration's key beside its own keys (0600 under the 0700 key directory) until
     * the migration ends: the kept CRIU images on this host hold the same memory in plaintext anyway.
     */
    private Path keptKey(String migrationId) {
        return host.keys().resolve("migrations").resolve(Identifiers.migrationId("migration id", migrationId) + ".key");
    }

    private void keep(String migrationId, ArchiveKey key) {
        Path file = keptKey(migrationId);
        try {
            FileTrees.createPrivateDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".new");
            Files.deleteIfExists(tmp);
            Files.write(tmp, key.bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the key of migration " + migrationId + ": " + e.getMessage(), e);
        }
    }

    Optional<ArchiveKey> kept(String migrationId) {
        Path file = keptKey(migrationId);
        try {
            return Files.isRegularFile(file) ? Optional.of(new ArchiveKey(Files.readAllBytes(file))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kept key of migration " + migrationId + ": " + e.getMessage(), e);
        }
    }

    void forget(String migrationId) {
        try {
            Files.deleteIfExists(keptKey(migrationId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the kept key of migration " + migrationId + ": " + e.getMessage(), e);
        }
    }

    ArchiveKey openMigrationKey(String migrationId, String wrapped) {
        if (wrapped == null || wrapped.isBlank()) {
            throw new InvalidArchiveException("migration " + migrationId + " carries no checkpoint key");
        }
        HostKeys keys = own();
        String[] candidates = wrapped.split(",", 9);
        for (String w : candidates) {
            if (KeyWrap.isFor(w, keys.identity().encryptionKey())) {
                return KeyWrap.unwrap(w, keys.identity().encryptionKey(), keys.encryptionPrivateKey(),
                        KeyWrap.migrationContext(migrationId, host.id()));
            }
        }
        throw new InvalidArchiveException("the checkpoint key of migration " + migrationId
                + " is not wrapped to this host's key (" + host.id() + ", " + keys.identity().fingerprint() + ")");
    }

    /**
     * {@code --encrypt-to RECIPIENT}: a file holding a host identity line, or the id of a host in this
     * host's trust store (every line of it, while its key is rotated).
     */
    List<HostIdentity> recipients(String spec) {
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) {
            return List.of(identityIn(file));
        }
        List<HostIdentity> trusted;
        try {
            trusted = trust().of(spec);
        } catch (FerryException e) {
            throw new NotFoundException("recipient \"" + spec + "\" is neither a file with a host identity line"
                    + " nor a host of this host's trust store: " + e.getMessage());
        }
        if (trusted.isEmpty()) {
            throw new NotFoundException("recipient \"" + spec + "\" is neither a file with a host identity line nor a"
                    + " host in this host's trust store " + trust().file());
        }
        return trusted;
    }

    private static HostIdentity identityIn(Path file) {
        try {
            if (Files.size(file) > MAX_IDENTITY_FILE) {
                throw new FerryException(file + " is larger than a host identity file (" + MAX_IDENTITY_FILE + " bytes)");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    return HostIdentity.parse(line, file + " line " + (i + 1));
                }
            }
            throw new FerryException(file + " holds no host identity line (`ferry host key` prints one)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** An archive file as a plain (compressed) archive stream: decrypted with this host's key when encrypted. */
    InputStream open(Path archive) throws IOException {
        return open(Files.newInputStream(archive), archive.toString());
    }

    /** {@code raw} (the bytes of the archive file {@code name}), decrypted with this host's key when encrypted. */
    InputStream open(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        try {
            return EncryptedArchives.isEncrypted(in) ? EncryptedArchives.decryptFor(in, own(), name) : in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    static boolean isEncrypted(Path archive) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(archive), 16)) {
            return EncryptedArchives.isEncrypted(in);
        }
    }
}
