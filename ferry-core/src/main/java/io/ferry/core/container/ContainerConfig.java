package io.ferry.core.container;

import java.time.Instant;
import java.util.List;

/**
 * What a container is made of; exported as {@code config.dump} and all a target host needs, with the
 * spec, to recreate it.
 */
public record ContainerConfig(String id, String name, String image, String imageId, List<String> command,
                              List<VolumeMount> volumes, Instant created) {

    public String shortId() {
        return id.substring(0, 12);
    }

    /** The same container on this host's image of that name, whose id may differ from the source host's. */
    public ContainerConfig onImage(String localImageId) {
        return new ContainerConfig(id, name, image, localImageId, command, volumes, created);
    }

    /** The same container under a new identity (restore with --name). */
    public ContainerConfig renamed(String newId, String newName) {
        return new ContainerConfig(newId, newName, image, imageId, command, volumes, created);
    }
}
