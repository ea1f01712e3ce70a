package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;

/** The content of config.dump: the container's config and the facts of its checkpoint. */
public record CheckpointedContainer(ContainerConfig container, CheckpointInfo checkpoint) {
}
