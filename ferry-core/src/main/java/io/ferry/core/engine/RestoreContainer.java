package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.checkpoint.Restorer;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.oci.Sha256;
import io.ferry.core.registry.AllowedRegistries;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.registry.RegistryException;
import io.ferry.protocol.ArchiveAnnotations;
import io.ferry.protocol.Compatibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code ferry restore --import FILE|registry://...}: one entry for both sources. From a registry the
 * manifest is read once and its annotations checked with the one {@link Compatibility} rule before
 * anything is downloaded; the archive then streams into the {@link Restorer} (digest verified as it
 * arrives), which pulls a missing image and runs the dependency checks on what the archive holds.
 */
final class RestoreContainer {
    private final Restorer restorer;
    private final RegistryClients registries;
    private final AllowedRegistries allowed;
    private final Supplier<Compatibility.Platform> hostPlatform;
    private final ArchiveKeys keys;
    private final CheckpointTrust trust;
    private final java.util.function.Consumer<String> nameCheck;

    RestoreContainer(Restorer restorer, RegistryClients registries, AllowedRegistries allowed,
                     Supplier<Compatibility.Platform> hostPlatform, ArchiveKeys keys, CheckpointTrust trust,
                     java.util.function.Consumer<String> nameCheck) {
        this.nameCheck = nameCheck;
        this.restorer = restorer;
        this.registries = registries;
        this.allowed = allowed;
        this.hostPlatform = hostPlatform;
        this.keys = keys;
        this.trust = trust;
    }

    RestoreResult restore(ArchiveSource source, RestoreOptions options) {
        if (source instanceof ArchiveSource.Registry r) {
            Reference ref = Reference.parse(r.url());
            if (!r.namedByUser()) {
                allowed.require(ref.registry(), "the archive " + r.url());
            }
            return fromRegistry(ref, r, options);
        }
        if (source instanceof ArchiveSource.CheckpointImage image) {
            return fromImage(image, options);
        }
        return fromFile(((ArchiveSource.File) source).path(), options);
    }

    /**
     * Issue 13: a checkpoint image's archive is restored as an imported file. Its original still here under the
     * name it would take is refused first with Podman's "name in use" message (before the same-id check would).
     */
    private RestoreResult fromImage(ArchiveSource.CheckpointImage image, RestoreOptions options) {
        if (options.name() == null && image.containerName() != null) {
            nameCheck.accept(image.containerName());
        }
        return fromFile(image.archive(), image.image(), options);
    }

    /**
     * A present {@code FILE.sig} is verified before anything is extracted (the file is hashed first,
     * then streamed from the same open file with its digest checked again); without one the archive
     * is refused when signatures are required.
     */
    private RestoreResult fromFile(Path archive, RestoreOptions options) {
        return fromFile(archive, archive.getFileName().toString(), options);
    }

    private RestoreResult fromFile(Path archive, String sourceName, RestoreOptions options) {
        if (!Files.isRegularFile(archive)) {
            throw new NotFoundException("checkpoint archive " + archive + " not found");
        }
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
            InputStream in = Channels.newInputStream(channel);
            if (trust.verifiesFile(archive)) { // the signature covers the file's bytes (the ciphertext when encrypted)
                MessageDigest sha = Sha256.newDigest();
                long size = in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
                String digest = Sha256.of(sha);
                trust.verifyFile(archive, digest);
                channel.position(0);
                in = CheckpointArtifacts.verifying(Channels.newInputStream(channel), digest, size);
            }
            // an encrypted export is decrypted as it streams
            return restorer.restore(keys.open(in, archive.toString()), sourceName, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + archive + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streams the blob (digest checked as it arrives) through decryption (each chunk authenticated
     * before its bytes go on) into decompression and extraction: one pass, no plaintext on disk but
     * what the restore unpacks. The pin and the signature are checked before a byte of it is fetched.
     */
    private RestoreResult fromRegistry(Reference ref, ArchiveSource.Registry source, RestoreOptions options) {
        RegistryClient client = registries.client(ref.registry());
        trust.requirePinned(ref, source);
        CheckpointArtifacts.Artifact artifact = CheckpointArtifacts.describe(client, ref);
        trust.verifyArtifact(artifact, source); // before a byte of the archive is downloaded
        // a wrapped key is opened only now: whatever is wrong with the archive's origin is said first
        ArchiveKey key = source.wrappedKey() == null ? source.key() : keys.openMigrationKey(source.migrationId(), source.wrappedKey());
        if (artifact.encrypted() && key == null) {
            throw new InvalidArchiveException("the checkpoint archive " + ref + " is encrypted, and no key was given"
                    + " to decrypt it (a migration's restore command carries it, wrapped to this host)");
        }
        if (!artifact.encrypted() && key != null) {
            throw new InvalidArchiveException("the checkpoint archive " + ref + " is not encrypted, but this restore"
                    + " expects an encrypted one (a key was given): refusing a plaintext archive in its place");
        }
        Map<String, String> a = artifact.annotations();
        Compatibility.problem(new Compatibility.Platform(a.get(ArchiveAnnotations.RUNTIME_NAME),
                a.get(ArchiveAnnotations.HOST_ARCH), a.get(ArchiveAnnotations.CRIU_VERSION)), hostPlatform.get())
                .ifPresent(problem -> {
                    throw new IncompatibleException(problem);
                });
        try (InputStream blob = CheckpointArtifacts.open(client, artifact);
             InputStream in = key == null ? blob : EncryptedArchives.decrypt(blob, key)) {
            return restorer.restore(in, ref.toString(), options);
        } catch (IOException e) {
            throw new RegistryException("downloading " + ref + " failed: " + e.getMessage(), e);
        }
    }
}
