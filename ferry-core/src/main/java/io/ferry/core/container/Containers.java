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
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.runtime.ExecRequest;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    private final AutoRemoval autoRemoval;

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
        this.autoRemoval = new AutoRemoval(store, runtime, provisioner, lock);
    }

    /** Runs the container; one on a network gets its ports published once it runs (Podman's order). */
    public ContainerRecord run(RunRequest request) {
        NetworkRequest network = NetworkRequests.check("network", request.network());
        Image image = images.get(request.image());
        String id = ContainerStore.newId();
        String name = request.name() == null ? "ferry_" + id.substring(0, 12) : ContainerStore.validName(request.name());
        try (HostLock.Held held = lock.acquire()) {
            autoRemoval.sweep(store.list(), runtime::states); // an exited --rm container's name is free again
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
        List<ContainerRecord> records = store.list();
        if (!autoRemoval.sweep(records, () -> states).isEmpty()) {
            records = store.list();
        }
        return records.stream().map(r -> view(r, states.getOrDefault(r.id(), RuntimeState.MISSING)))
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
            provisioner.deleteFromRuntime(r.id());
            networks.unpublish(r.id()); // the address stays allocated until rm, as the namespace does
            OverlayRootfs.unmount(store.layout(r.id()));
            ContainerRecord stopped = r.withState(ContainerState.EXITED, Instant.now(), r.checkpointed());
            store.save(stopped);
            deleteQuietly(store.layout(r.id()).pausedByUser());
            autoRemoval.removeIfDue(stopped); // run --rm: a stopped container goes, as with Podman
            return stopped;
        }
    }

    /**
     * Removes the container and everything it owns here; returns its id. {@code force} kills it first,
     * and also removes an {@link Orphan} (by id or unique id prefix): what the engine made without a record.
     */
    public String remove(String nameOrId, boolean force) {
        return remove(nameOrId, force, false);
    }

    /** As {@link #remove(String, boolean)}; {@code anonymousVolumes} ({@code rm -v}) removes its anonymous volumes too. */
    public String remove(String nameOrId, boolean force, boolean anonymousVolumes) {
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
            if (anonymousVolumes) {
                provisioner.removeAnonymousVolumes(r.config());
            }
            return r.id();
        }
    }

    /** Removes the --rm containers that exited or were stopped ({@link AutoRemoval}); their ids. */
    public List<String> removeExitedAutoRemoved() {
        return autoRemoval.sweep(store.list(), runtime::states);
    }

    // --- issue 13: start, exec, pause/unpause, diff (Podman's lifecycle around a checkpoint)

    /**
     * {@code start}: runs a stopped container again as Podman does, its command anew on the same rootfs upper
     * layer, network namespace, address and published ports. A running one is left alone. A checkpointed one
     * is started anew too (Podman clears its Checkpointed state); the checkpoint it kept here goes, since
     * it would bring back processes older than the rootfs they then find.
     */
    public ContainerRecord start(String nameOrId) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord r = store.get(nameOrId);
            ContainerLayout layout = store.layout(r.id());
            String status = view(r).status();
            if (status.equals("running")) {
                return r;
            }
            if (!status.equals("exited") && !status.equals("created") || Files.exists(layout.checkpointIntent())) {
                throw new ConflictException("container " + r.id() + " must be in Created or Stopped state to be"
                        + " started: container state improper");
            }
            SourceCopyRule.checkStart(r, layout); // as restore --all, it leaves a migration's source copy alone
            runtime.delete(r.id()); // what the runtime kept of the run that ended
            provisioner.reattach(r.config()); // the rootfs (stop unmounts it) and the namespace (a reboot takes it)
            if (r.checkpointed()) {
                provisioner.removeCriuNetworkLock(r.config()); // its dump left the namespace dropping every packet
            }
            FileTrees.deleteRecursively(layout.checkpointImages());
            deleteQuietly(layout.pausedByUser());
            runtime.run(r.id(), layout.bundle(), layout.log(), startTimeout);
            if (networks.attachment(r.id()).isPresent()) {
                networks.arrive(r.id()); // a checkpoint withdrew it
            }
            ContainerRecord started = new ContainerRecord(r.config(), ContainerState.RUNNING, Instant.now(), null,
                    false, r.restoredFrom(), r.migrationId());
            store.save(started);
            return started;
        }
    }

    /**
     * {@code exec}: runs a command in the running container in the foreground; returns its exit code. Not
     * under the host lock: the command runs as long as it runs.
     */
    public int exec(String nameOrId, ExecRequest request, OutputStream out, OutputStream err) {
        ContainerRecord r = store.get(nameOrId);
        if (!runtime.state(r.id()).status().equals("running")) {
            throw new ConflictException("can only create exec sessions on running containers: container state improper");
        }
        ExecRequest resolved = request.user() == null ? request : new ExecRequest(request.command(), request.env(),
                request.workDir(), ExecUsers.resolve(store.layout(r.id()).rootfs(), request.user()));
        return runtime.exec(r.id(), resolved, out, err);
    }

    /** {@code pause}: freezes a running container (the freezer cgroup), with Podman's refusals. */
    public ContainerRecord pause(String nameOrId) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord r = store.get(nameOrId);
            String status = view(r).status();
            if (status.equals("paused")) {
                throw new ConflictException("\"" + r.id() + "\" is already paused: container state improper");
            }
            if (!status.equals("running")) {
                throw new ConflictException("\"" + status + "\" is not running, can't pause: container state improper");
            }
            Files.writeString(store.layout(r.id()).pausedByUser(), Instant.now().toString());
            runtime.pause(r.id());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code unpause}: thaws a container paused by {@link #pause}. One frozen by a post-copy checkpoint (the
     * source copy held until the target has fetched its memory) is refused: resuming it would make two copies run.
     */
    public ContainerRecord unpause(String nameOrId) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord r = store.get(nameOrId);
            ContainerLayout layout = store.layout(r.id());
            if (!view(r).status().equals("paused")) {
                throw new ConflictException("\"" + r.id() + "\" is not paused, can't unpause: container state improper");
            }
            if (!Files.exists(layout.pausedByUser())) {
                throw new ConflictException("container " + r.name() + " is held frozen by a post-copy checkpoint"
                        + " while its memory pages are served, not paused: a migration's rollback resumes it:"
                        + " container state improper");
            }
            runtime.resume(r.id());
            deleteQuietly(layout.pausedByUser());
            return r;
        }
    }

    /** {@code diff}: what changed in the container's root filesystem, Podman's A/C/D lines in path order. */
    public List<RootfsChanges.Change> diff(String nameOrId) {
        ContainerRecord r = store.get(nameOrId);
        ContainerLayout layout = store.layout(r.id());
        Set<String> excluded = new HashSet<>(RootfsChanges.INIT_INODES);
        if (Files.isRegularFile(layout.spec())) {
            for (JsonNode m : Json.readTree(layout.spec()).path("mounts")) {
                excluded.add(m.path("destination").asString("")); // volumes, /proc, hosts...: not the rootfs's
            }
        }
        return RootfsChanges.of(layout.upper(), provisioner.lowerDirs(r.config()), excluded);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a marker left behind: the next pause or start writes or removes it again
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
