package io.ferry.core.container;

import io.ferry.core.host.Host;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostLock;
import io.ferry.core.os.Mounts;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuntimeState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes the host's records agree with what really runs, after a process was killed midway. Under
 * the host lock, which every run and restore holds from its intent record to its final one, so a
 * RESTORING record found here is a dead restore's: its copy runs (the runtime restored it, the crash
 * came before the record) and is adopted, or it does not and everything it made is removed. A runtime
 * container without a record that does not run is half-made too; one that runs is left for the user.
 */
public final class Reconciler {
    private final Host host;
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final Provisioner provisioner;
    private final HostLock lock;
    private final ContainerNetworking networks;

    public Reconciler(Host host, ContainerStore store, OciRuntime runtime, Provisioner provisioner, HostLock lock,
                      ContainerNetworking networks) {
        this.networks = networks;
        this.host = host;
        this.store = store;
        this.runtime = runtime;
        this.provisioner = provisioner;
        this.lock = lock;
    }

    public Reconciliation reconcile() {
        List<String> adopted = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<Orphan> orphans = new ArrayList<>();
        try (HostLock.Held held = lock.acquire()) {
            Map<String, RuntimeState> states = runtime.states();
            for (ContainerRecord r : store.list()) {
                if (r.state() != ContainerState.RESTORING) {
                    continue;
                }
                if (states.getOrDefault(r.id(), RuntimeState.MISSING).running()) {
                    store.save(r.asRunning());
                    adopted.add(r.name());
                    announceAdopted(r);
                } else {
                    provisioner.teardown(r.id(), List.of());
                    removed.add(r.id());
                }
                removeRestoreLog(r.id());
            }
            // asked again: the runtime's view changed with what was removed above
            for (Orphan o : Orphans.find(host, store, runtime.states())) {
                if (o.running()) {
                    orphans.add(o);
                } else {
                    provisioner.teardown(o.id(), List.of());
                    removeRestoreLog(o.id());
                    removed.add(o.id());
                }
            }
        }
        return new Reconciliation(adopted, removed, orphans, List.of());
    }

    /** The dead restore's last steps for an adopted copy: the network learns where it is, its ports lead to it. */
    private void announceAdopted(ContainerRecord r) {
        if (r.config().networkOrNone().isNone()) {
            return;
        }
        try {
            networks.arrive(r.id());
        } catch (RuntimeException e) {
            // the copy runs and is adopted all the same; a host port held by another container stays unpublished
        }
    }

    private void removeRestoreLog(String id) {
        Mounts.unmountBelow(host.restoreLog(id));
        FileTrees.deleteRecursively(host.restoreLog(id));
    }
}
