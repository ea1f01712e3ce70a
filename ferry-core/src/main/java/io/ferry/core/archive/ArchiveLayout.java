package io.ferry.core.archive;

/**
 * Entry names of a checkpoint archive, after Podman's {@code podman container checkpoint --export}
 * layout, so tooling that knows one knows the other.
 */
public final class ArchiveLayout {
    /** Ferry's container config and checkpoint facts as JSON ({@link CheckpointedContainer}). */
    public static final String CONFIG_DUMP = "config.dump";
    /** The OCI runtime spec the container ran with. */
    public static final String SPEC_DUMP = "spec.dump";
    /** The container's addresses in Podman's format ({@link NetworkStatus}). */
    public static final String NETWORK_STATUS = "network.status";
    /** A container on a network: its /etc/hosts and /etc/resolv.conf (bind-mounted files, not in its rootfs). */
    public static final String HOSTS = "hosts";
    public static final String RESOLV_CONF = "resolv.conf";
    /** CRIU's dump statistics image. */
    public static final String STATS_DUMP = "stats-dump";
    public static final String CTR_LOG = "ctr.log";
    /** CRIU's images. */
    public static final String CHECKPOINT_DIR = "checkpoint";
    /** The container's writable layer, when it changed, and the paths it deleted (JSON list). */
    public static final String ROOTFS_DIFF = "rootfs-diff.tar";
    public static final String DELETED_FILES = "deleted.files";
    /** Podman's: the content of the container's /dev/shm (a bind of its userdata directory there). */
    public static final String DEVSHM_TAR = "devshm-checkpoint.tar";
    /** {@code volumes/<name>.tar}: the content of each named volume. */
    public static final String VOLUMES_DIR = "volumes";

    private ArchiveLayout() {
    }

    public static String volumeEntry(String volume) {
        return VOLUMES_DIR + "/" + volume + ".tar";
    }
}
