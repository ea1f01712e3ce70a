package io.ferry.core.host;

import io.ferry.core.archive.ArchiveInspector;
import io.ferry.core.archive.ArchiveSummary;
import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.checkpoint.RestorePreflight;
import io.ferry.core.checkpoint.Restorer;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.Containers;
import io.ferry.core.container.Provisioner;
import io.ferry.core.criu.Criu;
import io.ferry.core.criu.CriuSelfTest;
import io.ferry.core.error.ConflictException;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.network.NetworkNamespaces;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuncRuntime;
import io.ferry.core.volume.VolumeStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One host's engine: wires the stores, the runtime driver and the use cases for a {@link Host}.
 * CRIU is discovered (and self-tested) on first use, so commands that do not checkpoint stay fast.
 */
public final class FerryEngine {
    private final Host host;
    private final EngineSettings settings;
    private final ImageStore images;
    private final VolumeStore volumes;
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final Containers containers;
    private final Checkpointer checkpointer;
    private final Restorer restorer;
    private final Supplier<Criu> criu;

    private FerryEngine(Host host, EngineSettings settings, Map<String, String> env) {
        this.host = host;
        this.settings = settings;
        this.criu = memoize(() -> CriuSelfTest.discover(env));
        this.images = new ImageStore(host.images(), settings.archiveLimits());
        this.volumes = new VolumeStore(host.volumes());
        this.store = new ContainerStore(host.containers());
        this.runtime = new RuncRuntime(RuncRuntime.locate(env), host.runcRoot(), criu);
        NetworkNamespaces netns = new NetworkNamespaces();
        HostLock lock = new HostLock(host.root());
        Provisioner provisioner = new Provisioner(host, store, images, volumes, netns, runtime);
        this.containers = new Containers(host, settings, store, images, runtime, provisioner, lock);
        this.checkpointer = new Checkpointer(host, settings, store, volumes, netns, runtime, criu, lock);
        this.restorer = new Restorer(host, settings, store, volumes, provisioner,
                new RestorePreflight(runtime, images, volumes, store, containers), runtime, criu, lock);
    }

    public static FerryEngine open(Host host, EngineSettings settings, Map<String, String> env) {
        return new FerryEngine(host, settings, env);
    }

    public static FerryEngine open(Host host) {
        return open(host, EngineSettings.fromEnvironment(System.getenv()), System.getenv());
    }

    public Host host() {
        return host;
    }

    public EngineSettings settings() {
        return settings;
    }

    public Containers containers() {
        return containers;
    }

    public Checkpointer checkpointer() {
        return checkpointer;
    }

    public Restorer restorer() {
        return restorer;
    }

    public ImageStore images() {
        return images;
    }

    public VolumeStore volumes() {
        return volumes;
    }

    public OciRuntime runtime() {
        return runtime;
    }

    public Criu criu() {
        return criu.get();
    }

    public ArchiveSummary inspect(Path archive) {
        return ArchiveInspector.inspect(archive, settings.archiveLimits());
    }

    /** Removes an image unless a container of this host uses it. */
    public void removeImage(String ref) {
        Image image = images.get(ref);
        store.list().stream().filter(c -> c.config().imageId().equals(image.id())).findFirst().ifPresent(c -> {
            throw new ConflictException("image " + ref + " is in use by container " + c.name());
        });
        images.remove(image);
    }

    /** Removes a volume unless a container of this host uses it. */
    public void removeVolume(String name) {
        volumes.get(name);
        store.list().stream().filter(c -> c.config().volumes().stream().anyMatch(v -> v.name().equals(name)))
                .findFirst().ifPresent(c -> {
                    throw new ConflictException("volume " + name + " is being used by the following container(s): "
                            + c.id() + ": volume is being used");
                });
        volumes.remove(name);
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}
