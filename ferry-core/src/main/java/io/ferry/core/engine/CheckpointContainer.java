package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.CheckpointResult;
import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.oci.Sha256;
import io.ferry.core.registry.BlobUpload;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.registry.RegistryException;
import io.ferry.core.trust.CheckpointStatement;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.SignatureFile;
import io.ferry.core.tar.Compression;
import io.ferry.core.transfer.DirectTransfer;
import io.ferry.core.transfer.StagedTransfers;
import io.ferry.core.transfer.TransferStatement;

import io.ferry.core.os.OwnerOnlyFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import java.security.DigestOutputStream;
import java.security.MessageDigest;

import java.util.Map;
import java.util.Optional;

/**
 * {@code ferry checkpoint NAME --export FILE|registry://...}: one entry for both targets. The archive
 * is written while the dump's images are packed; a failed export fails the checkpoint as a whole
 * and the container runs on (the {@link Checkpointer} restores it in place).
 */
final class CheckpointContainer {
    private final Checkpointer checkpointer;
    private final RegistryClients registries;
    private final CheckpointSigning signing;

    CheckpointContainer(Checkpointer checkpointer, RegistryClients registries, CheckpointSigning signing) {
        this.checkpointer = checkpointer;
        this.registries = registries;
        this.signing = signing;
    }

    ExportedCheckpoint checkpoint(String nameOrId, CheckpointOptions options, ArchiveTarget target,
                                  CheckpointProgress progress) {
        if (target instanceof ArchiveTarget.Registry r) {
            return toRegistry(nameOrId, options, r, progress);
        }
        if (target instanceof ArchiveTarget.Direct d) {
            return toTarget(nameOrId, options, d, progress);
        }
        if (target instanceof ArchiveTarget.Stream s) {
            CheckpointResult result = checkpointer.checkpoint(nameOrId, options, s.sink(), progress);
            return new ExportedCheckpoint(result, target, null, result.archiveBytes(), null);
        }
        return toFile(nameOrId, options, (ArchiveTarget.File) target, progress);
    }

    /**
     * Via a temporary file renamed into place: a reader never sees half an archive. Signed into
     * {@code FILE.sig} when this host has keys (a stale one of an earlier export is removed otherwise).
     */
    private ExportedCheckpoint toFile(String nameOrId, CheckpointOptions options, ArchiveTarget.File target,
                                      CheckpointProgress progress) {
        Path file = target.path();
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".part");
        Optional<HostKeys> keys = signing.keysFor(null);
        MessageDigest sha = Sha256.newDigest();
        try {
            // encrypted to its recipients as it is written: no plaintext copy ever reaches the disk; the
            // signature covers the bytes of the file as written (the ciphertext when encrypted)
            CheckpointResult result = checkpointer.checkpoint(nameOrId, options, () -> {
                OutputStream out = new DigestOutputStream(OwnerOnlyFiles.create(tmp), sha);
                return target.recipients().isEmpty() ? out : EncryptedArchives.encryptTo(out, target.recipients());
            }, progress);
            Path sig = SignatureFile.of(file);
            Files.deleteIfExists(sig);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String digest = Sha256.of(sha);
            if (keys.isPresent()) {
                CheckpointStatement statement = signing.statement(digest, null, null);
                SignatureFile.of(statement, CheckpointSigning.sign(keys.get(), statement)).write(sig);
            }
            return new ExportedCheckpoint(result, target, digest, result.archiveBytes(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * The archive streams straight to the target host while it is written (compressed only where it pays,
     * encrypted with the migration's key); signed over the digest of the bytes sent, once the target
     * confirmed it received as many. A refused or broken transfer fails the checkpoint as a failed upload does.
     */
    private ExportedCheckpoint toTarget(String nameOrId, CheckpointOptions asked, ArchiveTarget.Direct target,
                                        CheckpointProgress progress) {
        // post-copy: the page server's port is fixed before the dump, so the signed transfer statement can name it
        CheckpointOptions options = asked.postCopy() == null ? asked : asked.withPostCopy(asked.postCopy().withPortPicked());
        String pageServer = options.postCopy() == null ? null : options.postCopy().hostPort();
        HostKeys keys = signing.keysFor(target.migrationId()).orElseThrow();
        try { // before the freeze: a target that is restarting is waited for, one that is gone costs no downtime
            DirectTransfer.awaitReachable(target.endpoint(), TARGET_PATIENCE);
        } catch (IOException e) {
            throw new io.ferry.core.error.FerryException("cannot stream the checkpoint of " + nameOrId + " to "
                    + target.targetHost() + ": " + e.getMessage() + "; the container was not frozen", e);
        }
        MessageDigest sha = Sha256.newDigest();
        DirectTransfer[] transfer = new DirectTransfer[1];
        String[] sent = new String[1];
        CheckpointResult result = checkpointer.checkpoint(nameOrId, options, new Checkpointer.ArchiveSink() {
            @Override
            public OutputStream open() {
                throw new IllegalStateException("a direct transfer is opened with its size and compression");
            }

            @Override
            public OutputStream open(long expandedBytes, Compression compression) throws IOException {
                TransferStatement statement = TransferStatement.issue(target.migrationId(), keys.hostId(), target.targetHost(),
                        pageServer);
                transfer[0] = DirectTransfer.open(target.endpoint(), statement, keys, new StagedTransfers.Announced(
                        expandedBytes, compression.displayName(), target.wrappedKey()), ANSWER_TIMEOUT);
                OutputStream out = new DigestOutputStream(transfer[0], sha) {
                    @Override
                    public void close() throws IOException {
                        super.close(); // ends the body and waits for the target's answer
                        sent[0] = Sha256.of(sha);
                        if (!sent[0].equals(transfer[0].received().digest())) { // inside the export: the container runs again
                            throw new IOException("the target received bytes with digest "
                                    + transfer[0].received().digest() + ", not the " + sent[0] + " sent");
                        }
                    }
                };
                return target.key() == null ? out : EncryptedArchives.encrypt(out, target.key());
            }

            @Override
            public void abandon() {
                if (transfer[0] != null) {
                    transfer[0].abort();
                }
            }
        }, progress, target.migrationId());
        CheckpointStatement statement = signing.statement(sent[0], target.migrationId(), target.targetHost());
        return new ExportedCheckpoint(result, target, sent[0], transfer[0].written(), null,
                CheckpointSigning.sign(keys, statement).annotations());
    }

    /** How long the target may take to answer once the whole archive is sent (it unpacks as it receives). */
    private static final java.time.Duration ANSWER_TIMEOUT = java.time.Duration.ofMinutes(5);
    /** How long a target's transfer endpoint may take to accept a connection (a restore-service restarting). */
    private static final java.time.Duration TARGET_PATIENCE = java.time.Duration.ofSeconds(30);

    /**
     * The archive streams into the registry while it is written, then the artifact manifest (with the
     * annotations) is pushed. If the upload fails, the checkpoint fails as any failed export does.
     */
    private ExportedCheckpoint toRegistry(String nameOrId, CheckpointOptions options, ArchiveTarget.Registry target,
                                          CheckpointProgress progress) {
        return toRegistry(nameOrId, options, target,
                sink -> checkpointer.checkpoint(nameOrId, options, sink, progress, target.migrationId()));
    }

    /**
     * Issue 11: the registry copy of a direct migration, written after the target runs the container, from
     * the CRIU images and rootfs the stopped source copy kept (no dump); signed and encrypted as the
     * migration's registry archive would have been.
     */
    ExportedCheckpoint archiveKept(String nameOrId, CheckpointOptions options, ArchiveTarget.Registry target) {
        return toRegistry(nameOrId, options, target, sink -> checkpointer.exportKept(nameOrId, options, sink));
    }

    private ExportedCheckpoint toRegistry(String nameOrId, CheckpointOptions options, ArchiveTarget.Registry target,
                                          java.util.function.Function<Checkpointer.ArchiveSink, CheckpointResult> write) {
        Reference ref = Reference.parse(target.url());
        RegistryClient client = registries.client(ref.registry());
        Optional<HostKeys> keys = signing.keysFor(target.migrationId());
        BlobUpload[] upload = new BlobUpload[1];
        try {
            CheckpointResult result = write.apply(() -> {
                upload[0] = CheckpointArtifacts.startUpload(client, ref);
                // the blob is the ciphertext: the registry (and whoever can pull) never sees the memory pages
                return target.key() == null ? upload[0] : EncryptedArchives.encrypt(upload[0], target.key());
            });
            BlobUpload.Result blob = upload[0].finish();
            Map<String, String> signature = Map.of();
            if (keys.isPresent()) { // signed over the blob's digest (the ciphertext when encrypted), before the manifest naming it exists
                CheckpointStatement statement = signing.statement(blob.digest(), target.migrationId(), target.targetHost());
                signature = CheckpointSigning.sign(keys.get(), statement).annotations();
            }
            String manifest = CheckpointArtifacts.publish(client, ref, blob, result, options.compression(),
                    target.key() != null, signature);
            return new ExportedCheckpoint(result, target, blob.digest(), blob.size(), manifest);
        } catch (IOException e) {
            throw new RegistryException("uploading the checkpoint of " + nameOrId + " to " + ref + " failed: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (upload[0] != null) {
                upload[0].abort();
            }
            throw e;
        }
    }
}
