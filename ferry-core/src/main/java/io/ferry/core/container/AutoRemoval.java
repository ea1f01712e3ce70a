package io.ferry.core.container;

import io.ferry.core.os.HostLock;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuntimeState;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code run --rm}: a container that exited by itself or was stopped is removed with its anonymous volumes.
 *
 * <p>Podman has conmon run {@code podman container cleanup --rm} when the container exits. Ferry has no
 * per-host daemon for the CLI, and its log shim is a shell pipe that would have to find and run a JVM
 * with the right host root and settings at exit (and would race with a checkpoint, which ends the
 * container's processes too). So the removal is done lazily, under the host lock, by whatever looks at
 * the host's containers next: {@code ps}, {@code run} (a --rm container's name is free again),
 * {@code volume ls}, and the host services, whose heartbeats list the containers every few seconds.
 * An exited --rm container is therefore never seen by {@code ps -a}; its files go at the next such look.
 *
 * <p>Never removed: a container whose record says it was checkpointed, or whose checkpoint is kept here or
 * under way (its images or a migration's rollback may need it), and one being restored.
 */
public final class AutoRemoval {
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final Provisioner provisioner;
    private final HostLock lock;

    public AutoRemoval(ContainerStore store, OciRuntime runtime, Provisioner provisioner, HostLock lock) {
        this.store = store;
        this.runtime = runtime;
        this.provisioner = provisioner;
        this.lock = lock;
    }

    /**
     * Whether a --rm container is due for removal: it no longer runs (exited by itself, or stopped), and
     * neither its record nor its directory tells of a checkpoint (done, kept or under way) or a restore.
     */
    static boolean due(ContainerRecord r, RuntimeState state, boolean checkpointKeptOrUnderWay) {
        return r.config().removesOnExit() && !r.checkpointed() && !checkpointKeptOrUnderWay
                && r.state() != ContainerState.RESTORING && !state.running();
    }

    private boolean due(ContainerRecord r, RuntimeState state) {
        if (!due(r, state, false)) { // the record and state first: the directory is looked at only then
            return false;
        }
        ContainerLayout layout = store.layout(r.id());
        return due(r, state, layout.hasCheckpointImages() || Files.exists(layout.checkpointIntent()));
    }

    /**
     * Removes the --rm containers due among {@code records} (the store's, as just read); {@code states} is the
     * runtime's listing, asked only when one of them was run with --rm, and asked again under the lock.
     */
    public List<String> sweep(List<ContainerRecord> records, Supplier<Map<String, RuntimeState>> states) {
        List<String> removed = new ArrayList<>();
        List<ContainerRecord> autoRemoved = records.stream().filter(r -> r.config().removesOnExit()).toList();
        if (autoRemoved.isEmpty()) {
            return removed;
        }
        Map<String, RuntimeState> listed = states.get();
        List<ContainerRecord> candidates = autoRemoved.stream()
                .filter(r -> due(r, listed.getOrDefault(r.id(), RuntimeState.MISSING))).toList();
        if (candidates.isEmpty()) {
            return removed; // the lock is taken only when there is something to remove: ps never waits for it
        }
        try (HostLock.Held held = lock.acquire()) {
            for (ContainerRecord seen : candidates) {
                ContainerRecord r = store.find(seen.id()).orElse(null);
                try {
                    if (r != null && due(r, runtime.state(r.id()))) {
                        remove(r);
                        removed.add(r.id());
                    }
                } catch (RuntimeException e) {
                    // a listing (ps, a heartbeat) must not fail for it: the container stays listed as exited,
                    // and the next look tries again; `ferry rm` says what is wrong
                }
            }
        }
        return removed;
    }

    /** Removes a --rm container now if it is due (after {@code stop}); true when it was. Under the host lock. */
    public boolean removeIfDue(ContainerRecord r) {
        if (!r.config().removesOnExit() || !due(r, runtime.state(r.id()))) { // no runc call for most containers
            return false;
        }
        remove(r);
        return true;
    }

    private void remove(ContainerRecord r) {
        provisioner.teardown(r.id(), List.of());
        provisioner.removeAnonymousVolumes(r.config());
    }
}
