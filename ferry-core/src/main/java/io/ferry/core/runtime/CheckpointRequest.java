package io.ferry.core.runtime;

import java.nio.file.Path;

/**
 * A runtime-level checkpoint: where CRIU writes images and logs, and CRIU's options.
 * {@code fileLocks}: runc's --file-locks (CRIU dumps the file locks held). {@code cgroupsPath} lets the driver thaw the container if CRIU has to be killed.
 */
public record CheckpointRequest(Path imagesDir, Path workDir, boolean leaveRunning, boolean tcpEstablished,
                                String cgroupsPath, boolean fileLocks) {
    public CheckpointRequest(Path imagesDir, Path workDir, boolean leaveRunning, boolean tcpEstablished,
                             String cgroupsPath) {
        this(imagesDir, workDir, leaveRunning, tcpEstablished, cgroupsPath, false);
    }
}
