package io.ferry.core.engine;

import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.checkpoint.Restorer;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.host.Host;
import io.ferry.core.transfer.StagedTransfer;
import io.ferry.core.transfer.StagedTransfers;
import io.ferry.core.transfer.TransferAuthenticator;
import io.ferry.core.transfer.TransferMemory;
import io.ferry.core.transfer.TransferStatement;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target's side of a migration's direct transfer: who may send one ({@link #authenticate}), the
 * stream unpacked as it arrives ({@link #receive}), and the restore from it once the migration's
 * RestoreCommand vouches for it ({@link #restore}: the digest the source signed must be the digest of
 * the bytes received, the signature the source host's for this migration and this host; nothing of
 * the stream runs before). What a migration staged goes after its restore, on cancel, and when stale.
 */
public final class DirectTransfers {
    private final Host host;
    private final StagedTransfers staged;
    private final TransferAuthenticator authenticator;
    private final Restorer restorer;
    private final ArchiveKeys keys;
    private final CheckpointTrust trust;

    DirectTransfers(Host host, StagedTransfers staged, Restorer restorer, ArchiveKeys keys, CheckpointTrust trust) {
        this.host = host;
        this.staged = staged;
        this.authenticator = new TransferAuthenticator(host.id(), trust.store(), Clock.systemUTC());
        this.restorer = restorer;
        this.keys = keys;
        this.trust = trust;
    }

    /** @throws io.ferry.core.transfer.TransferRefusedException 401/403 saying why */
    public TransferStatement authenticate(String header, String migrationId) {
        return authenticator.authenticate(header, migrationId);
    }

    /**
     * Unpacks the stream of an authenticated transfer (in memory when it fits under
     * {@code memoryLimit} and half the memory available). An encrypted stream is decrypted as it arrives
     * with the migration's key, wrapped to this host.
     */
    public StagedTransfer receive(TransferStatement from, InputStream body, StagedTransfers.Announced announced,
                                  long memoryLimit) {
        ArchiveKey key = announced.wrappedKey() == null ? null : keys.openMigrationKey(from.migrationId(), announced.wrappedKey());
        return staged.receive(from, body, announced, key, TransferMemory.bound(memoryLimit, TransferMemory.memAvailable()));
    }

    public Optional<StagedTransfer> find(String migrationId) {
        return staged.find(migrationId);
    }

    /**
     * Restores the migration's staged transfer once it is proven the source's: its bytes hash to
     * {@code archiveDigest}, signed by {@code sourceHost} for this migration and this host; encrypted exactly
     * when the command carries the key, and with that key. The staging is removed afterwards, whatever happens.
     *
     * @param requireEncrypted refuse a plaintext transfer (the host's {@code encrypt-checkpoints})
     */
    public RestoreResult restore(String migrationId, String sourceHost, String archiveDigest, Map<String, String> signature,
                                 String wrappedKey, boolean requireEncrypted, RestoreOptions options) {
        StagedTransfer t = staged.find(migrationId).orElseThrow(() -> new NotFoundException("no direct transfer of"
                + " migration " + migrationId + " is staged on this host " + host.id() + " (the stream from the source"
                + " never arrived whole, or was removed)"));
        try {
            if (!t.sourceHost().equals(sourceHost)) {
                throw new UntrustedCheckpointException("the direct transfer of migration " + migrationId + " came from "
                        + t.sourceHost() + ", not from its source host " + sourceHost);
            }
            if (archiveDigest == null || !archiveDigest.equals(t.digest())) {
                throw new UntrustedCheckpointException("the direct transfer of migration " + migrationId + " received bytes"
                        + " with digest " + t.digest() + ", not the " + archiveDigest + " its source signed: refused");
            }
            trust.verifyDirect(t.digest(), migrationId, sourceHost, signature);
            String pages = options.postCopyFrom() == null ? null : options.postCopyFrom().hostPort();
            if (!java.util.Objects.equals(pages, t.pageServer())) { // memory pages go straight into the restored process
                throw new UntrustedCheckpointException("the restore of migration " + migrationId + " would fetch memory"
                        + " pages from " + (pages == null ? "nowhere (stop-and-copy)" : pages) + ", but its source "
                        + sourceHost + " signed " + (t.pageServer() == null ? "a transfer without a page server"
                        : "the page server " + t.pageServer()) + ": refused");
            }
            if (requireEncrypted && !t.encrypted()) {
                throw new UntrustedCheckpointException("the direct transfer of migration " + migrationId + " is not"
                        + " encrypted: this host restores only encrypted migration archives (ferry.host.encrypt-checkpoints)");
            }
            if (t.encrypted() != (wrappedKey != null) || (wrappedKey != null && !wrappedKey.equals(t.wrappedKey()))) {
                throw new InvalidArchiveException("the direct transfer of migration " + migrationId + " was "
                        + (t.encrypted() ? "encrypted with another key than" : "not encrypted, unlike")
                        + " the one its RestoreCommand carries: refused");
            }
            return restorer.restoreStaged(staged.open(migrationId), "direct:" + sourceHost + "/" + migrationId, options);
        } finally {
            staged.remove(migrationId);
        }
    }

    /** Removes what a migration staged here (its restore was cancelled); true when there was something. */
    public boolean discard(String migrationId) {
        return staged.remove(migrationId);
    }

    /** Removes transfers cut off mid-stream and complete ones older than {@code maxAge}; returns what went. */
    public List<String> sweep(Duration maxAge) {
        return staged.sweep(maxAge);
    }

    /** Everything under the staging root (tests check it is empty). */
    public List<java.nio.file.Path> stagedDirectories() {
        return staged.all();
    }
}
