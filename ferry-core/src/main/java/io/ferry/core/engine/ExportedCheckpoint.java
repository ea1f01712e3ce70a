package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointResult;

import java.util.Map;

/**
 * A checkpoint and where its archive went. For a registry target also the archive blob's digest and
 * size and the artifact manifest's digest (a restore can pin them); null for a file. For a direct
 * transfer the digest and size of the bytes sent and {@code signature}, the source's annotations over them.
 */
public record ExportedCheckpoint(CheckpointResult result, ArchiveTarget target, String archiveDigest, long archiveSize,
                                 String manifestDigest, Map<String, String> signature) {

    public ExportedCheckpoint(CheckpointResult result, ArchiveTarget target, String archiveDigest, long archiveSize,
                              String manifestDigest) {
        this(result, target, archiveDigest, archiveSize, manifestDigest, Map.of());
    }
}
