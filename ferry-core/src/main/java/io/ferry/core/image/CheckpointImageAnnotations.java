package io.ferry.core.image;

import io.ferry.core.oci.MediaTypes;
import io.ferry.core.tar.Compression;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The annotations that make an OCI image a checkpoint image: Podman's ({@code podman container checkpoint
 * --create-image}, libpod/define/annotations.go) and CRI-O's, beside checkpointctl's {@code org.criu.checkpoint.*}
 * and Ferry's own {@code io.ferry.checkpoint.*} ones (io.ferry.protocol.ArchiveAnnotations). An image is a
 * checkpoint image when it carries Podman's runtime name (what Podman's restore and run look for) or
 * CRI-O's container name (what CRI-O looks for).
 */
public final class CheckpointImageAnnotations {
    public static final String PODMAN_NAME = "io.podman.annotations.checkpoint.name";
    public static final String PODMAN_RAW_IMAGE_NAME = "io.podman.annotations.checkpoint.rawImageName";
    public static final String PODMAN_ROOTFS_IMAGE_ID = "io.podman.annotations.checkpoint.rootfsImageID";
    public static final String PODMAN_ROOTFS_IMAGE_NAME = "io.podman.annotations.checkpoint.rootfsImageName";
    public static final String PODMAN_CRIU_VERSION = "io.podman.annotations.checkpoint.criu.version";
    public static final String PODMAN_RUNTIME_NAME = "io.podman.annotations.checkpoint.runtime.name";
    public static final String PODMAN_RUNTIME_VERSION = "io.podman.annotations.checkpoint.runtime.version";
    public static final String PODMAN_HOST_ARCH = "io.podman.annotations.checkpoint.host.arch";
    public static final String PODMAN_HOST_KERNEL = "io.podman.annotations.checkpoint.host.kernel";
    public static final String PODMAN_CGROUP_VERSION = "io.podman.annotations.checkpoint.cgroups.version";
    public static final String CRIO_NAME = "io.kubernetes.cri-o.annotations.checkpoint.name";
    public static final String CRIO_ROOTFS_IMAGE_NAME = "io.kubernetes.cri-o.annotations.checkpoint.rootfsImageName";
    /** The Ferry version that made the image (Podman's image says its Podman version). */
    public static final String FERRY_VERSION = "io.ferry.checkpoint.ferry.version";

    /** The media types a checkpoint image's one layer may have: a (compressed) tar, never encrypted. */
    private static final Set<String> LAYER_TYPES = Set.of(MediaTypes.OCI_LAYER, MediaTypes.OCI_LAYER_GZIP,
            MediaTypes.OCI_LAYER_ZSTD, MediaTypes.DOCKER_LAYER_GZIP, "application/vnd.docker.image.rootfs.diff.tar");

    private CheckpointImageAnnotations() {
    }

    public static boolean isCheckpointImage(Map<String, String> annotations) {
        return annotations != null && (annotations.containsKey(PODMAN_RUNTIME_NAME) || annotations.containsKey(CRIO_NAME));
    }

    /** The name of the container the checkpoint was taken of, as the annotations say (Podman's key first). */
    public static Optional<String> containerName(Map<String, String> annotations) {
        if (annotations == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(annotations.getOrDefault(PODMAN_NAME, annotations.get(CRIO_NAME)));
    }

    /** The layer's media type for the archive's compression, as any OCI image layer (Podman's are tars too). */
    public static String layerMediaType(Compression compression) {
        return switch (compression) {
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case NONE -> MediaTypes.OCI_LAYER;
        };
    }

    public static boolean isArchiveLayerType(String mediaType) {
        return mediaType != null && LAYER_TYPES.contains(mediaType);
    }
}
