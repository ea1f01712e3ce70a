package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.error.InvalidArchiveException;

/** The content of config.dump: the container's config and the facts of its checkpoint. */
public record CheckpointedContainer(ContainerConfig container, CheckpointInfo checkpoint) {

    /**
     * This config.dump when its identifiers are valid (they become paths, cgroups, netns names and
     * lines of output); otherwise InvalidArchiveException (exit 5) naming the field.
     */
    public CheckpointedContainer checked() {
        if (container == null) {
            throw new InvalidArchiveException("config.dump is not a Ferry container config: container is missing");
        }
        try {
            container.checked();
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("config.dump: " + e.getMessage(), e);
        }
        return this;
    }
}
