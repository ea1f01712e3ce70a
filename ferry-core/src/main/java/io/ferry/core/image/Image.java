package io.ferry.core.image;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A local image: its id, the references (names) that point at it, and its layers bottom-first,
 * each named by the sha256 of its uncompressed tar (the OCI diff id). {@code annotations}: its
 * manifest's, kept for checkpoint images (null for a plain image, and in records older than issue 13).
 */
public record Image(String id, List<String> names, List<String> layers, Instant created, long size,
                    Map<String, String> annotations) {

    public Image(String id, List<String> names, List<String> layers, Instant created, long size) {
        this(id, names, layers, created, size, null);
    }

    public Image withNames(List<String> newNames) {
        return new Image(id, List.copyOf(newNames), layers, created, size, annotations);
    }

    public String shortId() {
        return id.substring(0, 12);
    }

    /** A checkpoint image (Podman's, CRI-O's or Ferry's): its one layer is a checkpoint archive, not a rootfs. */
    public boolean checkpoint() {
        return annotations != null && CheckpointImageAnnotations.isCheckpointImage(annotations);
    }

    /** The container a checkpoint image was taken of, as its annotations say; empty for a plain image. */
    public java.util.Optional<String> checkpointOf() {
        return checkpoint() ? CheckpointImageAnnotations.containerName(annotations) : java.util.Optional.empty();
    }
}
