package io.ferry.core.container;

import io.ferry.core.network.NetworkRequest;
import io.ferry.protocol.Identifiers;

import java.time.Instant;
import java.util.List;

/**
 * What a container is made of; exported as {@code config.dump} and all a target host needs, with the
 * spec, to recreate it. {@code network}: what it asked of the network at run (null: none, loopback only,
 * as archives from before networks say). {@code autoRemove}: {@code run --rm} (null: false, as older
 * configs say): removed once it exits, and checkpointed only with an export (Podman's rule).
 */
public record ContainerConfig(String id, String name, String image, String imageId, List<String> command,
                              List<VolumeMount> volumes, Instant created, NetworkRequest network, Boolean autoRemove) {

    public ContainerConfig(String id, String name, String image, String imageId, List<String> command,
                           List<VolumeMount> volumes, Instant created) {
        this(id, name, image, imageId, command, volumes, created, null, null);
    }

    public ContainerConfig(String id, String name, String image, String imageId, List<String> command,
                           List<VolumeMount> volumes, Instant created, NetworkRequest network) {
        this(id, name, image, imageId, command, volumes, created, network, null);
    }

    /** Whether it was run with {@code --rm}. */
    public boolean removesOnExit() {
        return Boolean.TRUE.equals(autoRemove);
    }

    /** The network request, "none" when there is none. */
    public NetworkRequest networkOrNone() {
        return network == null ? NetworkRequest.none() : network;
    }

    /**
     * This config when every identifier in it is valid (it arrives from archives and is read back from
     * disk); otherwise IllegalArgumentException naming the field, e.g. {@code container.id}.
     */
    public ContainerConfig checked() {
        Identifiers.containerId("container.id", id);
        Identifiers.name("container.name", name);
        if (image == null || image.isEmpty() || image.length() > 512 || !Identifiers.escape(image).equals(image)) {
            throw new IllegalArgumentException("invalid container.image " + Identifiers.quote(image)
                    + ": must be an image reference of at most 512 characters");
        }
        Identifiers.imageId("container.imageId", imageId);
        if (created == null) {
            throw new IllegalArgumentException("container.created is missing");
        }
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("container.command is missing");
        }
        for (int i = 0; volumes != null && i < volumes.size(); i++) {
            VolumeMount v = volumes.get(i);
            if (v == null) {
                throw new IllegalArgumentException("container.volumes[" + i + "] is missing");
            }
            Identifiers.volumeName("container.volumes[" + i + "].name", v.name());
            VolumeMount.checkDestination("container.volumes[" + i + "].destination", v.destination());
        }
        NetworkRequests.check("container.network", network);
        return this;
    }

    public String shortId() {
        return id.substring(0, 12);
    }

    /** The same container on this host's image of that name, whose id may differ from the source host's. */
    public ContainerConfig onImage(String localImageId) {
        return new ContainerConfig(id, name, image, localImageId, command, volumes, created, network, autoRemove);
    }

    /** The same container under a new identity (restore with --name). */
    public ContainerConfig renamed(String newId, String newName) {
        return new ContainerConfig(newId, newName, image, imageId, command, volumes, created, network, autoRemove);
    }

    /** The same container asking for this network (a restore that remaps ports or drops static addresses). */
    public ContainerConfig withNetwork(NetworkRequest newNetwork) {
        return new ContainerConfig(id, name, image, imageId, command, volumes, created, newNetwork, autoRemove);
    }
}
