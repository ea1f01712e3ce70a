package io.ferry.core.checkpointimage;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.core.checkpoint.CheckpointAnnotations;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.tar.Compression;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.ferry.core.image.CheckpointImageAnnotations.CRIO_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.CRIO_ROOTFS_IMAGE_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.FERRY_VERSION;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_CGROUP_VERSION;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_CRIU_VERSION;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_HOST_ARCH;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_HOST_KERNEL;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_RAW_IMAGE_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_ROOTFS_IMAGE_ID;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_ROOTFS_IMAGE_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_RUNTIME_NAME;
import static io.ferry.core.image.CheckpointImageAnnotations.PODMAN_RUNTIME_VERSION;

/**
 * The annotations of a checkpoint image Ferry makes: Podman's keys (so Podman's tools and users recognise it),
 * CRI-O's container name, and those of a Ferry checkpoint artifact (checkpointctl's {@code org.criu.checkpoint.*}
 * and Ferry's own: container id, source host, archive size and compression, creation time).
 */
final class CheckpointImageMetadata {

    private CheckpointImageMetadata() {
    }

    static Map<String, String> of(CheckpointedContainer archived, long archiveSize, Compression compression,
                                  String ferryVersion) {
        ContainerConfig c = archived.container();
        CheckpointInfo k = archived.checkpoint();
        Map<String, String> a = new LinkedHashMap<>();
        a.put(PODMAN_NAME, c.name());
        a.put(PODMAN_RAW_IMAGE_NAME, c.image());
        a.put(PODMAN_ROOTFS_IMAGE_ID, c.imageId());
        a.put(PODMAN_ROOTFS_IMAGE_NAME, c.image());
        a.put(PODMAN_CRIU_VERSION, k.criuVersion());
        a.put(PODMAN_RUNTIME_NAME, k.runtime());
        a.put(PODMAN_RUNTIME_VERSION, k.runtimeVersion());
        a.put(PODMAN_HOST_ARCH, k.arch());
        a.put(PODMAN_HOST_KERNEL, k.kernel());
        a.put(PODMAN_CGROUP_VERSION, k.cgroupVersion());
        a.put(CRIO_NAME, c.name());
        a.put(CRIO_ROOTFS_IMAGE_NAME, c.image());
        a.putAll(CheckpointAnnotations.of(archived, archiveSize, compression.displayName()));
        a.put(FERRY_VERSION, ferryVersion);
        a.values().removeIf(java.util.Objects::isNull); // annotations are strings: an unknown value is left out
        return a;
    }
}
