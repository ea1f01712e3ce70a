package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointResult;

/**
 * A checkpoint and where its archive went. For a registry target also the archive blob's digest and
 * size and the artifact manifest's digest (a restore can pin them); null for a file.
 */
public record ExportedCheckpoint(CheckpointResult result, ArchiveTarget target, String archiveDigest, long archiveSize,
                                 String manifestDigest) {
}
