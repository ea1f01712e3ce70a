package io.ferry.core.runtime;

import java.nio.file.Path;

/** A runtime-level restore: the CRIU images, a work dir for CRIU's log, and CRIU's options. */
public record RestoreRequest(Path imagesDir, Path workDir, boolean tcpEstablished) {
}
