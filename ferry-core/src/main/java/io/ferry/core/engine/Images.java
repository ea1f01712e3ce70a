package io.ferry.core.engine;

import io.ferry.core.checkpointimage.PulledCheckpointLayers;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.host.Host;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageStore;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.registry.AllowedRegistries;
import io.ferry.core.registry.Reference;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A host's image use cases — pull, push, remove, import, list — with one set of rules for the CLI,
 * the engine's restores and image-service alike (image-service opens its own, over the same state root).
 */
public final class Images {
    private final ImageStore store;
    private final ContainerStore containers;
    private final ImagePuller puller;
    private final ImagePusher pusher;
    private final AllowedRegistries allowed;

    private Images(ImageStore store, ContainerStore containers, ImagePuller puller, ImagePusher pusher,
                   AllowedRegistries allowed) {
        this.store = store;
        this.containers = containers;
        this.puller = puller;
        this.pusher = pusher;
        this.allowed = allowed;
    }

    /** The image use cases of {@code host}, with the registry access of {@code settings}. */
    public static Images open(Host host, EngineSettings settings) {
        return open(host, settings, settings.registryClients());
    }

    static Images open(Host host, EngineSettings settings, RegistryClients registries) {
        ImageStore store = new ImageStore(host.images(), settings.archiveLimits());
        return new Images(store, new ContainerStore(host.containers()),
                new ImagePuller(store, registries, host.images().resolve("downloads"),
                        new PulledCheckpointLayers(settings.archiveLimits())),
                new ImagePusher(store, registries, host.tmp()), settings.allowed());
    }

    /** The user's own pull ({@code ferry pull}): from any registry they name. */
    public ImagePuller.Result pull(String reference) {
        return puller.pull(Reference.parse(reference));
    }

    /**
     * A pull asked for by another component (image-service's API, a restore): refused unless the
     * reference names one of the host's allowed registries; nothing is sent to any other.
     */
    public ImagePuller.Result pullFromAllowed(String reference) {
        Reference ref = Reference.parse(reference);
        allowed.require(ref.registry(), "image " + reference);
        return puller.pull(ref);
    }

    /** Pushes a local image to {@code destination} (a registry reference; the image's own name if null). */
    public ImagePusher.Result push(String image, String destination) {
        Image local = store.get(image);
        String target = destination != null ? destination : local.names().stream().filter(Reference::hasRegistry)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("image " + image
                        + " has no registry in its name: give a destination, e.g. localhost:5000/busybox:latest"));
        return pusher.push(local, Reference.parse(target));
    }

    /** Removes an image unless a container of this host uses it. */
    public void remove(String reference) {
        Image image = store.get(reference);
        containers.requireUnused(image, reference);
        store.remove(image);
    }

    public Image importRootfs(InputStream tarball, String reference) {
        return store.importRootfs(tarball, reference);
    }

    public List<Image> list() {
        return store.list();
    }

    public Image get(String refOrId) {
        return store.get(refOrId);
    }

    public Optional<Image> find(String refOrId) {
        return store.find(refOrId);
    }

    /** The store itself, for the engine's own parts (restores read layers from it). */
    ImageStore store() {
        return store;
    }
}
