package io.ferry.core.checkpoint;

import io.ferry.core.tar.Compression;

/**
 * Podman's checkpoint flags: -R/--leave-running, --tcp-established, --ignore-rootfs, --ignore-volumes,
 * --compress; and whether to keep CRIU's images locally for a rollback. {@code postCopy}: dump without
 * the memory pages and serve them from a page server listening there (lazy pages; null: stop-and-copy).
 * {@code fileLocks}: --file-locks, the container's file locks are dumped (CRIU refuses a container holding any otherwise).
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs,
                                boolean ignoreVolumes, Compression compression, boolean keepLocalImages,
                                PageServer postCopy, boolean fileLocks) {

    public CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             Compression compression, boolean keepLocalImages, PageServer postCopy) {
        this(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages, postCopy, false);
    }

    public CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             Compression compression, boolean keepLocalImages) {
        this(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages, null);
    }

    public CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             Compression compression) {
        this(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, false);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, false, false, false, Compression.ZSTD, false);
    }

    public CheckpointOptions leavingRunning() {
        return new CheckpointOptions(true, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages, postCopy, fileLocks);
    }

    public CheckpointOptions withTcpEstablished() {
        return new CheckpointOptions(leaveRunning, true, ignoreRootfs, ignoreVolumes, compression, keepLocalImages, postCopy, fileLocks);
    }

    public CheckpointOptions ignoringRootfs() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, true, ignoreVolumes, compression, keepLocalImages, postCopy, fileLocks);
    }

    public CheckpointOptions ignoringVolumes() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, true, compression, keepLocalImages, postCopy, fileLocks);
    }

    public CheckpointOptions compressedWith(Compression c) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, c, keepLocalImages, postCopy, fileLocks);
    }

    /**
     * Keeps CRIU's images on the host after the export, so the container can be restored in place
     * ({@link Checkpointer#restoreLocal}) if a migration has to roll back; removed with the container.
     */
    public CheckpointOptions keepingLocalImages() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, true, postCopy, fileLocks);
    }

    /** Post-copy: the memory pages stay behind and are served from {@code server} (port 0: a free one). */
    public CheckpointOptions withPostCopy(PageServer server) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages,
                server, fileLocks);
    }

    /** Podman's --file-locks: CRIU dumps (and the restore takes back) the file locks the container holds. */
    public CheckpointOptions withFileLocks(boolean locks) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages,
                postCopy, locks);
    }
}
