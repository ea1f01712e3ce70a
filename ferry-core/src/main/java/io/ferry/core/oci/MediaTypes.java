package io.ferry.core.oci;

import java.util.Set;

/** Media types of the OCI image and distribution specs (and Docker's, which registries still see). */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /** Ferry's checkpoint archive as an OCI artifact: the artifact type, and the one layer's type. */
    public static final String FERRY_CHECKPOINT = "application/vnd.ferry.checkpoint.v1";
    public static final String FERRY_CHECKPOINT_ARCHIVE = "application/vnd.ferry.checkpoint.archive.v1.tar";

    /** The empty JSON object {} every OCI 1.1 artifact without a config points at. */
    public static final String EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    private MediaTypes() {
    }

    /** The archive layer's media type for a compression ("zstd" -> ...tar+zstd). */
    public static String checkpointArchive(String compression) {
        return switch (compression) {
            case "zstd" -> FERRY_CHECKPOINT_ARCHIVE + "+zstd";
            case "gzip" -> FERRY_CHECKPOINT_ARCHIVE + "+gzip";
            default -> FERRY_CHECKPOINT_ARCHIVE;
        };
    }
}
