package io.ferry.core.runtime;

import java.nio.file.Path;

/**
 * A runtime-level restore: the CRIU images, a work dir for CRIU's log, and CRIU's options.
 * {@code fileLocks}: runc's --file-locks (the checkpoint holds file locks). {@code lazyPages}: the memory pages come from a CRIU lazy-pages daemon whose socket is in the work dir.
 */
public record RestoreRequest(Path imagesDir, Path workDir, boolean tcpEstablished, boolean lazyPages,
                             boolean fileLocks) {
    public RestoreRequest(Path imagesDir, Path workDir, boolean tcpEstablished, boolean lazyPages) {
        this(imagesDir, workDir, tcpEstablished, lazyPages, false);
    }

    public RestoreRequest(Path imagesDir, Path workDir, boolean tcpEstablished) {
        this(imagesDir, workDir, tcpEstablished, false);
    }
}
