package io.ferry.core.container;

import io.ferry.core.host.Host;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.json.Json;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkNamespaces;
import io.ferry.core.os.Confined;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.Mounts;
import io.ferry.core.runtime.Cgroups;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.volume.Volume;
import io.ferry.core.volume.VolumeStore;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates what a container needs on this host before the runtime starts or restores it (directory,
 * network namespace, overlay root filesystem, volumes, runc bundle), and takes it all down again, so
 * that a failed run or restore leaves nothing half-created behind.
 */
public final class Provisioner {
    private final Host host;
    private final ContainerStore store;
    private final ImageStore images;
    private final VolumeStore volumes;
    private final NetworkNamespaces netns;
    private final OciRuntime runtime;
    private final ContainerNetworking networks;

    public Provisioner(Host host, ContainerStore store, ImageStore images, VolumeStore volumes,
                       NetworkNamespaces netns, OciRuntime runtime, ContainerNetworking networks) {
        this.networks = networks;
        this.host = host;
        this.store = store;
        this.images = images;
        this.volumes = volumes;
        this.netns = netns;
        this.runtime = runtime;
    }

    /**
     * A provisioned container: its layout, the volumes that were created for it (undone on failure) and
     * what it got on its network (null: none).
     */
    public record Provisioned(ContainerConfig config, ContainerLayout layout, List<String> createdVolumes,
                              NetworkAttachment network) {
    }

    public Provisioned provision(ContainerConfig config, Image image, String hostname) {
        return provision(config, image, hostname, null, null);
    }

    /**
     * Provisions the container with a spec from this host's template; {@code hostname} is the one a
     * restore keeps from the archive (null: the container's name). Volumes missing on this host are created.
     * A container on a network is attached to it in its new namespace, keeping {@code keepIp}/{@code keepMac}
     * when given (a restore), and gets the hosts and resolv.conf files the attachment wrote.
     */
    public Provisioned provision(ContainerConfig config, Image image, String hostname, String keepIp, String keepMac) {
        ContainerLayout layout = store.layout(config.id());
        List<String> created = new ArrayList<>();
        try {
            Files.createDirectories(layout.dir());
            Map<String, Path> sources = new LinkedHashMap<>();
            for (VolumeMount v : config.volumes()) {
                Volume volume = volumes.find(v.name()).orElse(null);
                if (volume == null) {
                    volume = volumes.create(v.name(), v.isAnonymous()); // a restore makes an anonymous one anonymous again
                    created.add(v.name());
                }
                sources.put(v.name(), volume.mountpoint());
            }
            Path ns = netns.create(host.netnsName(config.id()));
            String effectiveHostname = hostname == null ? config.name() : hostname;
            NetworkAttachment attachment = config.networkOrNone().isNone() ? null
                    : networks.attach(config.id(), effectiveHostname, config.network(), keepIp, keepMac, ns,
                    layout.networkFiles());
            OverlayRootfs.mount(images.lowerDirs(image), layout);
            ObjectNode spec = OciSpecs.create(config, effectiveHostname, layout.rootfs(), ns,
                    host.cgroupsPath(config.id()), sources, layout.networkFiles());
            Json.write(layout.spec(), spec);
            return new Provisioned(config, layout, created, attachment);
        } catch (IOException e) {
            teardown(config.id(), created);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            teardown(config.id(), created);
            throw e;
        }
    }

    /**
     * Removes what the runtime keeps of a container that no longer runs, and the host's cgroup parent
     * ({@code /ferry/<host>}) once it was the host's last container there: runc removes the container's own
     * cgroup, never its parents. Call under the host lock (see {@link Cgroups#removeEmptyParent}).
     */
    public void deleteFromRuntime(String id) {
        runtime.delete(id);
        Cgroups.removeEmptyParent(host.cgroupsPath(id));
    }

    /**
     * Makes sure an existing container's network namespace and rootfs are there again (a reboot
     * removes both), before it is restored in place. A namespace made anew is attached to the container's
     * network again with the address and MAC it had (the old attachment, whose veth went with the old
     * namespace, is released first).
     */
    public void reattach(ContainerConfig config) {
        String name = host.netnsName(config.id());
        boolean fresh = !netns.exists(name);
        if (fresh) {
            netns.create(name);
        }
        if (!config.networkOrNone().isNone()) {
            NetworkAttachment old = networks.attachment(config.id()).orElse(null);
            if (fresh || old == null) {
                networks.detach(config.id());
                ContainerLayout layout = store.layout(config.id());
                String hostname = Json.readTree(layout.spec()).path("hostname").asString(config.name());
                networks.attach(config.id(), hostname, config.network(), old == null ? null : old.ip(),
                        old == null ? null : old.mac(), netns.path(name), layout.networkFiles());
            }
        }
        OverlayRootfs.mount(lowerDirs(config), store.layout(config.id()));
    }

    /** Before a checkpointed container is started anew: CRIU's network lock, left by its dump, goes. */
    public void removeCriuNetworkLock(ContainerConfig config) {
        String name = host.netnsName(config.id());
        if (netns.exists(name)) {
            netns.removeCriuLock(name);
        }
    }

    /**
     * The image layers below the container's writable layer, top first, as its overlay mounts them:
     * by image id, since the name may have moved to another image since (a pull of a newer one).
     */
    public List<Path> lowerDirs(ContainerConfig config) {
        return images.lowerDirs(images.get(config.imageId()));
    }

    /** Removes everything of the container from this host; each step tolerates what is already gone. */
    public void teardown(String id, List<String> createdVolumes) {
        List<RuntimeException> failures = new ArrayList<>();
        ContainerLayout layout = store.layout(id);
        attempt(failures, () -> runtime.delete(id));
        attempt(failures, () -> Cgroups.killAndRemove(host.cgroupsPath(id))); // what a killed run left
        attempt(failures, () -> Cgroups.removeEmptyParent(host.cgroupsPath(id))); // the host's last container went
        Path runcState = Confined.resolve(host.runcRoot(), id);
        attempt(failures, () -> Mounts.unmountBelow(runcState)); // runc's criu-root of a killed restore
        attempt(failures, () -> FileTrees.deleteRecursively(runcState));
        attempt(failures, () -> OverlayRootfs.unmount(layout));
        attempt(failures, () -> networks.detach(id)); // rules, veth, address: while the namespace is still there
        attempt(failures, () -> netns.delete(host.netnsName(id)));
        attempt(failures, () -> store.delete(id));
        for (String v : createdVolumes) {
            attempt(failures, () -> volumes.remove(v));
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * Removes the container's anonymous volumes ({@code rm -v}, {@code --rm}) that no other container of this
     * host mounts; named volumes stay, as with Podman. Call after the container's record is gone.
     */
    public void removeAnonymousVolumes(ContainerConfig config) {
        List<ContainerRecord> others = null;
        for (VolumeMount v : config.volumes()) {
            // the volume store's mark only: a config may come from an archive, and its flag on a volume that
            // was already here (restore --ignore-volumes) would make a named volume go with the container
            if (!volumes.find(v.name()).map(Volume::isAnonymous).orElse(false)) {
                continue;
            }
            if (others == null) {
                others = store.list().stream().filter(c -> !c.id().equals(config.id())).toList();
            }
            boolean used = others.stream().anyMatch(c -> c.config().volumes().stream()
                    .anyMatch(o -> o.name().equals(v.name())));
            if (!used) {
                volumes.remove(v.name());
            }
        }
    }

    private static void attempt(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
