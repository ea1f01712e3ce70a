package io.ferry.core.checkpoint;

import io.ferry.core.archive.Compression;

/** Podman's checkpoint flags: -R/--leave-running, --tcp-established, --ignore-rootfs, --ignore-volumes, --compress. */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootfs,
                                boolean ignoreVolumes, Compression compression) {

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, false, false, false, Compression.ZSTD);
    }

    public CheckpointOptions leavingRunning() {
        return new CheckpointOptions(true, tcpEstablished, ignoreRootfs, ignoreVolumes, compression);
    }

    public CheckpointOptions withTcpEstablished() {
        return new CheckpointOptions(leaveRunning, true, ignoreRootfs, ignoreVolumes, compression);
    }

    public CheckpointOptions ignoringRootfs() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, true, ignoreVolumes, compression);
    }

    public CheckpointOptions ignoringVolumes() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, true, compression);
    }

    public CheckpointOptions compressedWith(Compression c) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes, c);
    }
}
