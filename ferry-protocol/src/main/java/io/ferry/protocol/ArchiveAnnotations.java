package io.ferry.protocol;

/**
 * The annotations of a checkpoint artifact's manifest: what a target host learns before it downloads
 * anything. The {@code org.criu.checkpoint.*} keys of checkpointctl where they exist, Ferry's own otherwise.
 */
public final class ArchiveAnnotations {
    public static final String CONTAINER_NAME = "org.criu.checkpoint.container.name";
    public static final String ROOTFS_IMAGE_NAME = "org.criu.checkpoint.rootfsImageName";
    public static final String ROOTFS_IMAGE_ID = "org.criu.checkpoint.rootfsImageID";
    public static final String RUNTIME_NAME = "org.criu.checkpoint.runtime.name";
    public static final String RUNTIME_VERSION = "org.criu.checkpoint.runtime.version";
    public static final String CRIU_VERSION = "org.criu.checkpoint.criu.version";
    public static final String ENGINE_NAME = "org.criu.checkpoint.engine.name";
    public static final String HOST_ARCH = "org.criu.checkpoint.host.arch";
    public static final String HOST_KERNEL = "org.criu.checkpoint.host.kernel";
    public static final String CGROUP_VERSION = "org.criu.checkpoint.cgroup.version";
    public static final String CONTAINER_ID = "io.ferry.checkpoint.container.id";
    public static final String SOURCE_HOST = "io.ferry.checkpoint.host.id";
    public static final String ARCHIVE_SIZE = "io.ferry.checkpoint.archive.size";
    public static final String ARCHIVE_COMPRESSION = "io.ferry.checkpoint.archive.compression";
    public static final String TCP_ESTABLISHED = "io.ferry.checkpoint.tcp-established";
    /** The source host's Ed25519 signature (base64) of the checkpoint statement (archive digest, migration, source, target). */
    public static final String SIGNATURE = "io.ferry.checkpoint.signature";
    /** The signing key's fingerprint, {@code SHA256:<base64>}: names the key in a refusal. */
    public static final String SIGNATURE_KEY = "io.ferry.checkpoint.signature.key";
    /** The migration and target the signer says it signed for: never trusted, they only make refusals specific. */
    public static final String SIGNATURE_MIGRATION = "io.ferry.checkpoint.signature.migration";
    public static final String SIGNATURE_TARGET = "io.ferry.checkpoint.signature.target";
    public static final String CREATED = "org.opencontainers.image.created";
    public static final String TITLE = "org.opencontainers.image.title";

    private ArchiveAnnotations() {
    }
}
