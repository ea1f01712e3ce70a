package io.ferry.core.checkpoint;

import io.ferry.core.tar.Compression;

/**
 * Podman's checkpoint flags: -R/--leave-running, --tcp-established, --ignore-rootfs, --ignore-volumes,
 * --compress; and whether to keep CRIU's images locally for a rollback.
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs,
                                boolean ignoreVolumes, Compression compression, boolean keepLocalImages) {

    public CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             Compression compression) {
        this(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, false);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, false, false, false, Compression.ZSTD, false);
    }

    public CheckpointOptions leavingRunning() {
        return new CheckpointOptions(true, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, keepLocalImages);
    }

    public CheckpointOptions withTcpEstablished() {
        return new CheckpointOptions(leaveRunning, true, ignoreRootfs, ignoreVolumes, compression, keepLocalImages);
    }

    public CheckpointOptions ignoringRootfs() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, true, ignoreVolumes, compression, keepLocalImages);
    }

    public CheckpointOptions ignoringVolumes() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, true, compression, keepLocalImages);
    }

    public CheckpointOptions compressedWith(Compression c) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, c, keepLocalImages);
    }

    /**
     * Keeps CRIU's images on the host after the export, so the container can be restored in place
     * ({@link Checkpointer#restoreLocal}) if a migration has to roll back; removed with the container.
     */
    public CheckpointOptions keepingLocalImages() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, compression, true);
    }
}
