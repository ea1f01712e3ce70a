package io.ferry.gateway.migration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * The migrations view: one row per migration, a projection of the event log ({@link MigrationProjection}
 * writes it; replay rebuilds it). Timestamps are the events' own, so a rebuild gives the same row.
 */
@Entity
@Table(name = "migration")
public class Migration {
    @Id
    @Column(name = "id")
    private String id;

    @Column(name = "container")
    private String container;

    @Column(name = "source_host")
    private String sourceHost;

    @Column(name = "target_host")
    private String targetHost;

    @Column(name = "keep_source")
    private boolean keepSource;

    @Column(name = "tcp_established")
    private boolean tcpEstablished;

    @Column(name = "file_locks")
    private boolean fileLocks;

    @Column(name = "new_name")
    private String newName;

    @Enumerated(EnumType.STRING)
    @Column(name = "state")
    private MigrationState state;

    @Column(name = "state_entered_at")
    private Instant stateEnteredAt;

    @Column(name = "cancel_requested")
    private boolean cancelRequested;

    @Column(name = "error")
    private String error;

    @Column(name = "archive")
    private String archive;

    @Column(name = "archive_digest")
    private String archiveDigest;

    @Column(name = "archive_size")
    private Long archiveSize;

    @Column(name = "bytes_transferred")
    private long bytesTransferred;

    @Column(name = "target_container_id")
    private String targetContainerId;

    @Column(name = "requested_at")
    private Instant requestedAt;

    @Column(name = "checkpoint_requested_at")
    private Instant checkpointRequestedAt;

    @Column(name = "checkpoint_started_at")
    private Instant checkpointStartedAt;

    @Column(name = "frozen_at")
    private Instant frozenAt;

    @Column(name = "dump_millis")
    private Long dumpMillis;

    @Column(name = "checkpoint_completed_at")
    private Instant checkpointCompletedAt;

    @Column(name = "restore_requested_at")
    private Instant restoreRequestedAt;

    @Column(name = "restore_started_at")
    private Instant restoreStartedAt;

    @Column(name = "running_at")
    private Instant runningAt;

    @Column(name = "finalize_requested_at")
    private Instant finalizeRequestedAt;

    @Column(name = "finalized_at")
    private Instant finalizedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Column(name = "downtime_millis")
    private Long downtimeMillis;

    @Column(name = "total_millis")
    private Long totalMillis;

    @Column(name = "last_seq")
    private long lastSeq;

    @Column(name = "epoch")
    private long epoch;

    @Column(name = "container_id")
    private String containerId;

    @Column(name = "last_activity_at")
    private Instant lastActivityAt;

    @Column(name = "probes")
    private int probes;

    @Column(name = "manifest_digest")
    private String manifestDigest;

    @Column(name = "wrapped_key")
    private String wrappedKey;

    @Column(name = "awaiting_cancel")
    private boolean awaitingCancel;

    // issue 11, direct transfer
    @Column(name = "transfer")
    private String transfer;

    @Column(name = "transfer_direct")
    private boolean transferDirect;

    @Column(name = "checkpoint_signature")
    private String checkpointSignature;

    @Column(name = "archive_stored_manifest")
    private String archiveStoredManifest;

    // ---- post-copy (issue 11) ----
    @Column(name = "post_copy")
    private boolean postCopy;

    @Column(name = "page_server")
    private String pageServer;

    @Column(name = "pages_pending")
    private boolean pagesPending;

    @Column(name = "pages_bytes")
    private Long pagesBytes;

    @Column(name = "pages_transferred_at")
    private Instant pagesTransferredAt;

    @Column(name = "post_copy_failure")
    private String postCopyFailure;

    protected Migration() {
    }

    Migration(String id) {
        this.id = id;
    }

    public String getId() {
        return id;
    }

    public String getContainer() {
        return container;
    }

    void setContainer(String container) {
        this.container = container;
    }

    public String getSourceHost() {
        return sourceHost;
    }

    void setSourceHost(String sourceHost) {
        this.sourceHost = sourceHost;
    }

    public String getTargetHost() {
        return targetHost;
    }

    void setTargetHost(String targetHost) {
        this.targetHost = targetHost;
    }

    public boolean isKeepSource() {
        return keepSource;
    }

    void setKeepSource(boolean keepSource) {
        this.keepSource = keepSource;
    }

    public boolean isTcpEstablished() {
        return tcpEstablished;
    }

    void setTcpEstablished(boolean tcpEstablished) {
        this.tcpEstablished = tcpEstablished;
    }

    /** Podman's --file-locks: the checkpoint dumps the container's file locks, the restore takes them back. */
    public boolean isFileLocks() {
        return fileLocks;
    }

    void setFileLocks(boolean fileLocks) {
        this.fileLocks = fileLocks;
    }

    public String getNewName() {
        return newName;
    }

    void setNewName(String newName) {
        this.newName = newName;
    }

    public MigrationState getState() {
        return state;
    }

    void setState(MigrationState state) {
        this.state = state;
    }

    public Instant getStateEnteredAt() {
        return stateEnteredAt;
    }

    void setStateEnteredAt(Instant stateEnteredAt) {
        this.stateEnteredAt = stateEnteredAt;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    void setCancelRequested(boolean cancelRequested) {
        this.cancelRequested = cancelRequested;
    }

    public String getError() {
        return error;
    }

    void setError(String error) {
        this.error = error;
    }

    public String getArchive() {
        return archive;
    }

    void setArchive(String archive) {
        this.archive = archive;
    }

    public String getArchiveDigest() {
        return archiveDigest;
    }

    void setArchiveDigest(String archiveDigest) {
        this.archiveDigest = archiveDigest;
    }

    public Long getArchiveSize() {
        return archiveSize;
    }

    void setArchiveSize(Long archiveSize) {
        this.archiveSize = archiveSize;
    }

    public long getBytesTransferred() {
        return bytesTransferred;
    }

    void setBytesTransferred(long bytesTransferred) {
        this.bytesTransferred = bytesTransferred;
    }

    public String getTargetContainerId() {
        return targetContainerId;
    }

    void setTargetContainerId(String targetContainerId) {
        this.targetContainerId = targetContainerId;
    }

    public Instant getRequestedAt() {
        return requestedAt;
    }

    void setRequestedAt(Instant requestedAt) {
        this.requestedAt = requestedAt;
    }

    public Instant getCheckpointRequestedAt() {
        return checkpointRequestedAt;
    }

    void setCheckpointRequestedAt(Instant checkpointRequestedAt) {
        this.checkpointRequestedAt = checkpointRequestedAt;
    }

    public Instant getCheckpointStartedAt() {
        return checkpointStartedAt;
    }

    void setCheckpointStartedAt(Instant checkpointStartedAt) {
        this.checkpointStartedAt = checkpointStartedAt;
    }

    public Instant getFrozenAt() {
        return frozenAt;
    }

    void setFrozenAt(Instant frozenAt) {
        this.frozenAt = frozenAt;
    }

    public Long getDumpMillis() {
        return dumpMillis;
    }

    void setDumpMillis(Long dumpMillis) {
        this.dumpMillis = dumpMillis;
    }

    public Instant getCheckpointCompletedAt() {
        return checkpointCompletedAt;
    }

    void setCheckpointCompletedAt(Instant checkpointCompletedAt) {
        this.checkpointCompletedAt = checkpointCompletedAt;
    }

    public Instant getRestoreRequestedAt() {
        return restoreRequestedAt;
    }

    void setRestoreRequestedAt(Instant restoreRequestedAt) {
        this.restoreRequestedAt = restoreRequestedAt;
    }

    public Instant getRestoreStartedAt() {
        return restoreStartedAt;
    }

    void setRestoreStartedAt(Instant restoreStartedAt) {
        this.restoreStartedAt = restoreStartedAt;
    }

    public Instant getRunningAt() {
        return runningAt;
    }

    void setRunningAt(Instant runningAt) {
        this.runningAt = runningAt;
    }

    public Instant getFinalizeRequestedAt() {
        return finalizeRequestedAt;
    }

    void setFinalizeRequestedAt(Instant finalizeRequestedAt) {
        this.finalizeRequestedAt = finalizeRequestedAt;
    }

    public Instant getFinalizedAt() {
        return finalizedAt;
    }

    void setFinalizedAt(Instant finalizedAt) {
        this.finalizedAt = finalizedAt;
    }

    public Instant getEndedAt() {
        return endedAt;
    }

    void setEndedAt(Instant endedAt) {
        this.endedAt = endedAt;
    }

    public Long getDowntimeMillis() {
        return downtimeMillis;
    }

    void setDowntimeMillis(Long downtimeMillis) {
        this.downtimeMillis = downtimeMillis;
    }

    public Long getTotalMillis() {
        return totalMillis;
    }

    void setTotalMillis(Long totalMillis) {
        this.totalMillis = totalMillis;
    }

    public long getLastSeq() {
        return lastSeq;
    }

    void setLastSeq(long lastSeq) {
        this.lastSeq = lastSeq;
    }

    /** The direction counter: raised whenever the gateway turns the migration around (fencing). */
    public long getEpoch() {
        return epoch;
    }

    void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    /** The container's id on the source, once accepted (one active migration per source host and container id). */
    public String getContainerId() {
        return containerId;
    }

    void setContainerId(String containerId) {
        this.containerId = containerId;
    }

    /** When a host last reported or the gateway last acted on this migration; stage timeouts count from it. */
    public Instant getLastActivityAt() {
        return lastActivityAt == null ? stateEnteredAt : lastActivityAt;
    }

    void setLastActivityAt(Instant lastActivityAt) {
        this.lastActivityAt = lastActivityAt;
    }

    /** How often a stage's host was asked again after a timeout (reset when the state changes). */
    public int getProbes() {
        return probes;
    }

    void setProbes(int probes) {
        this.probes = probes;
    }

    public String getManifestDigest() {
        return manifestDigest;
    }

    void setManifestDigest(String manifestDigest) {
        this.manifestDigest = manifestDigest;
    }

    public String getWrappedKey() {
        return wrappedKey;
    }

    void setWrappedKey(String wrappedKey) {
        this.wrappedKey = wrappedKey;
    }

    /** DIRECT or REGISTRY as requested (null: requested before there was a choice: through the registry). */
    public String getTransfer() {
        return transfer;
    }

    void setTransfer(String transfer) {
        this.transfer = transfer;
    }

    /** The checkpoint went straight to the target: its RestoreCommand restores that stream. */
    public boolean isTransferDirect() {
        return transferDirect;
    }

    void setTransferDirect(boolean transferDirect) {
        this.transferDirect = transferDirect;
    }

    /** The source's signature annotations over the bytes it sent directly (JSON), null otherwise. */
    public String getCheckpointSignature() {
        return checkpointSignature;
    }

    void setCheckpointSignature(String checkpointSignature) {
        this.checkpointSignature = checkpointSignature;
    }

    /** The manifest digest of the registry copy a direct migration's source wrote afterwards (ArchiveStored). */
    public String getArchiveStoredManifest() {
        return archiveStoredManifest;
    }

    void setArchiveStoredManifest(String archiveStoredManifest) {
        this.archiveStoredManifest = archiveStoredManifest;
    }

    /** A CancelRestoreCommand is out, unanswered: the source may roll back only once the target answers. */
    public boolean isAwaitingCancel() {
        return awaitingCancel;
    }

    void setAwaitingCancel(boolean awaitingCancel) {
        this.awaitingCancel = awaitingCancel;
    }

    public boolean isPostCopy() {
        return postCopy;
    }

    void setPostCopy(boolean postCopy) {
        this.postCopy = postCopy;
    }

    /** HOST:PORT of the source's page server (post-copy), from its CheckpointCompleted. */
    public String getPageServer() {
        return pageServer;
    }

    void setPageServer(String pageServer) {
        this.pageServer = pageServer;
    }

    /** The copy runs on the target and memory pages are still arriving from the source. */
    public boolean isPagesPending() {
        return pagesPending;
    }

    void setPagesPending(boolean pagesPending) {
        this.pagesPending = pagesPending;
    }

    public Long getPagesBytes() {
        return pagesBytes;
    }

    void setPagesBytes(Long pagesBytes) {
        this.pagesBytes = pagesBytes;
    }

    public Instant getPagesTransferredAt() {
        return pagesTransferredAt;
    }

    void setPagesTransferredAt(Instant pagesTransferredAt) {
        this.pagesTransferredAt = pagesTransferredAt;
    }

    /** Why the page transfer broke off, as a host reported it (PostCopyFailed); null while it has not. */
    public String getPostCopyFailure() {
        return postCopyFailure;
    }

    void setPostCopyFailure(String postCopyFailure) {
        this.postCopyFailure = postCopyFailure;
    }
}
