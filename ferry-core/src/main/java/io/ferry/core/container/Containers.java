package io.ferry.core.container;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.host.Host;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageRefs;
import io.ferry.core.image.ImageStore;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.os.HostLock;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuntimeState;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The container use cases: run, list, stop, remove, logs. */
public final class Containers {
    private final Host host;
    private final Duration startTimeout;
    private final ContainerStore store;
    private final ImageStore images;
    private final OciRuntime runtime;
    private final Provisioner provisioner;
    private final HostLock lock;
    private final ContainerNetworking networks;

    public Containers(Host host, Duration startTimeout, ContainerStore store, ImageStore images,
                      OciRuntime runtime, Provisioner provisioner, HostLock lock, ContainerNetworking networks) {
        this.networks = networks;
        this.host = host;
        this.startTimeout = startTimeout;
        this.store = store;
        this.images = images;
        this.runtime = runtime;
        this.provisioner = provisioner;
        this.lock = lock;
    }

    /** Runs the container; one on a network gets its ports published once it runs (Podman's order). */
    public ContainerRecord run(RunRequest request) {
        NetworkRequest network = NetworkRequests.check("network", request.network());
        Image image = images.get(request.image());
        String id = ContainerStore.newId();
        String name = request.name() == null ? "ferry_" + id.substring(0, 12) : ContainerStore.validName(request.name());
        try (HostLock.Held held = lock.acquire()) {
            checkNameFree(name);
            if (!network.isNone()) {
                networks.inspect(network.network()); // NotFoundException naming it, before anything is made
            }
            ContainerConfig config = new ContainerConfig(id, name, imageName(image, request.image()),
                    image.id(), request.command(), request.volumes(), Instant.now(), network.isNone() ? null : network,
                    request.autoRemove() ? Boolean.TRUE : null);
            Provisioner.Provisioned p = provisioner.provision(config, image, null);
            try {
                runtime.run(id, p.layout().bundle(), p.layout().log(), startTimeout);
                if (p.network() != null) {
                    networks.publish(id);
                }
                ContainerRecord record = ContainerRecord.running(config, null, null);
                store.save(record);
                return record;
            } catch (RuntimeException e) {
                teardownQuietly(id, p.createdVolumes(), e);
                throw e;
            }
        }
    }

    /** The name the container was asked to run from (an image can have several), as Podman records it. */
    private static String imageName(Image image, String requested) {
        try {
            String normalized = ImageRefs.normalize(requested);
            if (image.names().contains(normalized)) {
                return normalized;
            }
        } catch (IllegalArgumentException byId) {
            // an image id: fall through to the image's first name
        }
        return image.names().isEmpty() ? image.id() : image.names().get(0);
    }

    public void checkNameFree(String name) {
        store.findByName(name).ifPresent(r -> {
            throw new ConflictException("the container name \"" + name + "\" is already in use by " + r.id()
                    + ". You have to remove that container to be able to reuse that name: that name is already in use");
        });
    }

    /** One runtime call for the whole list: heartbeats list the containers every few seconds. */
    public List<ContainerView> list(boolean all) {
        Map<String, RuntimeState> states = runtime.states();
        return store.list().stream().map(r -> view(r, states.getOrDefault(r.id(), RuntimeState.MISSING)))
                .filter(v -> all || v.running() || v.status().equals("paused")).toList();
    }

    /** The container's record as Ferry keeps it, without asking the runtime for its status. */
    public ContainerRecord get(String nameOrId) {
        return store.get(nameOrId);
    }

    public ContainerView inspect(String nameOrId) {
        return view(store.get(nameOrId));
    }

    public ContainerView view(ContainerRecord r) {
        return view(r, runtime.state(r.id()));
    }

    private static ContainerView view(ContainerRecord r, RuntimeState s) {
        if (s.status().equals("paused")) { // frozen: a post-copy source copy held until its pages are fetched
            return new ContainerView(r, "paused", s.pid());
        }
        if (s.running()) {
            return new ContainerView(r, "running", s.pid());
        }
        if (r.state() == ContainerState.RESTORING) {
            return new ContainerView(r, "restoring", 0);
        }
        return new ContainerView(r, r.state() == ContainerState.CREATED ? "created" : "exited", 0);
    }

    /** SIGTERM, then SIGKILL after the timeout; the container's files stay until {@link #remove}. */
    public ContainerRecord stop(String nameOrId, Duration timeout) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord r = store.get(nameOrId);
            if (runtime.state(r.id()).running()) {
                runtime.kill(r.id(), "TERM");
                if (!awaitExit(r.id(), timeout)) {
                    runtime.kill(r.id(), "KILL");
                    awaitExit(r.id(), Duration.ofSeconds(10));
                }
            }
            runtime.delete(r.id());
            networks.unpublish(r.id()); // the address stays allocated until rm, as the namespace does
            OverlayRootfs.unmount(store.layout(r.id()));
            ContainerRecord stopped = r.withState(ContainerState.EXITED, Instant.now(), r.checkpointed());
            store.save(stopped);
            return stopped;
        }
    }

    /**
     * Removes the container and everything it owns here; returns its id. {@code force} kills it first,
     * and also removes an {@link Orphan} (by id or unique id prefix): what the engine made without a record.
     */
    public String remove(String nameOrId, boolean force) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord r = store.find(nameOrId).orElse(null);
            if (r == null) {
                Orphan orphan = orphan(nameOrId).orElseThrow(() -> NotFoundException.container(nameOrId));
                if (orphan.running() && !force) {
                    throw new ConflictException("cannot remove container " + orphan.id() + " as it is running and has"
                            + " no record: use --force");
                }
                provisioner.teardown(orphan.id(), List.of());
                return orphan.id();
            }
            if (runtime.state(r.id()).running()) {
                if (!force) {
                    throw new ConflictException("cannot remove container " + r.id() + " as it is running - running or"
                            + " paused containers cannot be removed without force: container state improper");
                }
                runtime.kill(r.id(), "KILL");
                awaitExit(r.id(), Duration.ofSeconds(10));
            }
            provisioner.teardown(r.id(), List.of());
            return r.id();
        }
    }

    /** What the engine made here without a record ({@link Orphan}): shown by ps -a, removed by rm. */
    public List<Orphan> orphans() {
        return Orphans.find(host, store, runtime.states());
    }

    private Optional<Orphan> orphan(String idOrPrefix) {
        List<Orphan> matching = orphans().stream().filter(o -> o.id().equals(idOrPrefix)
                || (idOrPrefix.length() >= 3 && o.id().startsWith(idOrPrefix))).toList();
        return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
    }

    public Path logFile(String nameOrId) {
        return store.layout(store.get(nameOrId).id()).log();
    }

    public ContainerStore store() {
        return store;
    }

    public Host host() {
        return host;
    }

    private boolean awaitExit(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!runtime.state(id).running()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !runtime.state(id).running();
    }

    void teardownQuietly(String id, List<String> createdVolumes, RuntimeException cause) {
        try {
            provisioner.teardown(id, createdVolumes);
        } catch (RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }
}
