package io.ferry.core.registry;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.core.container.ContainerConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint artifact's manifest tells a target host before it downloads anything: the
 * {@code org.criu.checkpoint.*} keys of checkpointctl where they exist, Ferry's own otherwise.
 */
public final class CheckpointAnnotations {
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
    public static final String CREATED = "org.opencontainers.image.created";
    public static final String TITLE = "org.opencontainers.image.title";

    private CheckpointAnnotations() {
    }

    public static Map<String, String> of(CheckpointedContainer archived, long archiveSize, String compression) {
        ContainerConfig c = archived.container();
        CheckpointInfo k = archived.checkpoint();
        Map<String, String> a = new LinkedHashMap<>();
        a.put(CONTAINER_NAME, c.name());
        a.put(CONTAINER_ID, c.id());
        a.put(ROOTFS_IMAGE_NAME, c.image());
        a.put(ROOTFS_IMAGE_ID, c.imageId());
        a.put(ENGINE_NAME, "ferry");
        a.put(RUNTIME_NAME, k.runtime());
        a.put(RUNTIME_VERSION, k.runtimeVersion());
        a.put(CRIU_VERSION, k.criuVersion());
        a.put(HOST_ARCH, k.arch());
        a.put(HOST_KERNEL, k.kernel());
        a.put(CGROUP_VERSION, k.cgroupVersion());
        a.put(SOURCE_HOST, k.hostId());
        a.put(TCP_ESTABLISHED, Boolean.toString(k.tcpEstablished()));
        a.put(ARCHIVE_SIZE, Long.toString(archiveSize));
        a.put(ARCHIVE_COMPRESSION, compression);
        a.put(CREATED, k.checkpointedAt().toString());
        return a;
    }
}
