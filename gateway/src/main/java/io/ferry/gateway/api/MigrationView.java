package io.ferry.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.gateway.migration.Migration;

import java.time.Duration;
import java.time.Instant;

/** A migration as the API shows it: state, per-stage timings, downtime, archive, error. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationView(String id, String container, String sourceHost, String targetHost, Options options,
                            String state, String error, Archive archive, Timings timings, Long downtimeMillis,
                            Long totalMillis, long bytesTransferred, String targetContainerId, Instant requestedAt,
                            Instant endedAt, Pages pages) {

    /**
     * {@code transfer}: as asked (direct, registry); {@code direct}: whether the checkpoint went straight to the
     * target; {@code postCopy}: memory pages fetched after the container ran on the target; {@code fileLocks}:
     * Podman's --file-locks (the container's file locks checkpointed and taken back).
     */
    public record Options(boolean keep, boolean tcpEstablished, String newName, String transfer, boolean direct,
                          boolean postCopy, boolean fileLocks) {
    }

    /**
     * Post-copy only (null otherwise): {@code pending} while the container runs on the target and memory pages are
     * still arriving from {@code pageServer} on the source (downtime ended when it ran; the migration is not done);
     * {@code bytes} and {@code millis} (from running on the target to the last page) once every page has arrived;
     * {@code failure}: why the transfer broke off, as a host reported it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pages(boolean pending, String pageServer, Long bytes, Long millis, String failure) {
    }

    /** {@code storedManifest}: a direct migration's registry copy, once the source reported it stored (issue 11). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Archive(String ref, String digest, Long size, String storedManifest) {
    }

    /** Milliseconds per stage, null while a stage has not happened. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(Long queuedMillis, Long dumpMillis, Long checkpointMillis, Long uploadMillis,
                          Long restoreMillis, Long finalizeMillis) {
    }

    public static MigrationView of(Migration m) {
        Long upload = m.getFrozenAt() != null && m.getDumpMillis() != null && m.getCheckpointCompletedAt() != null
                ? between(m.getFrozenAt().plusMillis(m.getDumpMillis()), m.getCheckpointCompletedAt()) : null;
        return new MigrationView(m.getId(), m.getContainer(), m.getSourceHost(), m.getTargetHost(),
                new Options(m.isKeepSource(), m.isTcpEstablished(), m.getNewName(),
                        m.getTransfer() == null ? null : m.getTransfer().toLowerCase(java.util.Locale.ROOT), m.isTransferDirect(),
                        m.isPostCopy(), m.isFileLocks()), m.getState().name(), m.getError(),
                m.getArchive() == null ? null : new Archive(m.getArchive(), m.getArchiveDigest(), m.getArchiveSize(),
                        m.getArchiveStoredManifest()),
                new Timings(between(m.getRequestedAt(), m.getCheckpointStartedAt()), m.getDumpMillis(),
                        between(m.getCheckpointStartedAt(), m.getCheckpointCompletedAt()), upload,
                        between(m.getRestoreStartedAt(), m.getRunningAt()),
                        between(m.getFinalizeRequestedAt(), m.getFinalizedAt())),
                m.getDowntimeMillis(), m.getTotalMillis(), m.getBytesTransferred(), m.getTargetContainerId(),
                m.getRequestedAt(), m.getEndedAt(), pages(m));
    }

    private static Pages pages(Migration m) {
        if (!m.isPostCopy() && m.getPageServer() == null && !m.isPagesPending()) {
            return null;
        }
        return new Pages(m.isPagesPending() && !m.getState().terminal(), m.getPageServer(), m.getPagesBytes(),
                between(m.getRunningAt(), m.getPagesTransferredAt()), m.getPostCopyFailure());
    }

    private static Long between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
