package io.ferry.core.checkpoint;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.core.container.ContainerConfig;
import io.ferry.protocol.ArchiveAnnotations;

import java.util.LinkedHashMap;
import java.util.Map;

/** The annotations ({@link ArchiveAnnotations}) of the artifact made from a checkpoint. */
public final class CheckpointAnnotations {

    private CheckpointAnnotations() {
    }

    public static Map<String, String> of(CheckpointedContainer archived, long archiveSize, String compression) {
        ContainerConfig c = archived.container();
        CheckpointInfo k = archived.checkpoint();
        Map<String, String> a = new LinkedHashMap<>();
        a.put(ArchiveAnnotations.CONTAINER_NAME, c.name());
        a.put(ArchiveAnnotations.CONTAINER_ID, c.id());
        a.put(ArchiveAnnotations.ROOTFS_IMAGE_NAME, c.image());
        a.put(ArchiveAnnotations.ROOTFS_IMAGE_ID, c.imageId());
        a.put(ArchiveAnnotations.ENGINE_NAME, "ferry");
        a.put(ArchiveAnnotations.RUNTIME_NAME, k.runtime());
        a.put(ArchiveAnnotations.RUNTIME_VERSION, k.runtimeVersion());
        a.put(ArchiveAnnotations.CRIU_VERSION, k.criuVersion());
        a.put(ArchiveAnnotations.HOST_ARCH, k.arch());
        a.put(ArchiveAnnotations.HOST_KERNEL, k.kernel());
        a.put(ArchiveAnnotations.CGROUP_VERSION, k.cgroupVersion());
        a.put(ArchiveAnnotations.SOURCE_HOST, k.hostId());
        a.put(ArchiveAnnotations.TCP_ESTABLISHED, Boolean.toString(k.tcpEstablished()));
        a.put(ArchiveAnnotations.ARCHIVE_SIZE, Long.toString(archiveSize));
        a.put(ArchiveAnnotations.ARCHIVE_COMPRESSION, compression);
        a.put(ArchiveAnnotations.CREATED, k.checkpointedAt().toString());
        return a;
    }
}
