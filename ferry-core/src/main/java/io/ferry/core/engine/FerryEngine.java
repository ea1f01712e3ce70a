package io.ferry.core.engine;

import io.ferry.protocol.ArchiveAnnotations;
import io.ferry.core.host.Host;
import io.ferry.core.os.HostFacts;
import io.ferry.core.os.HostLock;

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
import io.ferry.core.exec.Memoized;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.network.NetworkNamespaces;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuncRuntime;
import io.ferry.core.volume.VolumeStore;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.CheckpointResult;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.image.ImageFetcher;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageServiceClient;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.registry.BlobUpload;
import io.ferry.core.checkpoint.CheckpointAnnotations;
import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.registry.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
    private final RegistryClients registries;
    private final ImagePuller puller;
    private final ImagePusher pusher;

    private FerryEngine(Host host, EngineSettings settings, Map<String, String> env) {
        this.host = host;
        this.settings = settings;
        this.criu = Memoized.of(() -> CriuSelfTest.discover(env));
        this.images = new ImageStore(host.images(), settings.archiveLimits());
        this.registries = RegistryClients.fromEnvironment(env);
        this.puller = new ImagePuller(images, registries, host.images().resolve("downloads"));
        this.pusher = new ImagePusher(images, registries, host.tmp());
        ImageFetcher fetcher = env.get("FERRY_IMAGE_SERVICE_URL") != null
                ? new ImageServiceClient(URI.create(env.get("FERRY_IMAGE_SERVICE_URL")), images)
                : ref -> puller.pull(Reference.parse(ref)).image();
        this.volumes = new VolumeStore(host.volumes());
        this.store = new ContainerStore(host.containers());
        this.runtime = new RuncRuntime(RuncRuntime.locate(env), host.runcRoot(), criu);
        NetworkNamespaces netns = new NetworkNamespaces();
        HostLock lock = new HostLock(host.root());
        Provisioner provisioner = new Provisioner(host, store, images, volumes, netns, runtime);
        this.containers = new Containers(host, settings, store, images, runtime, provisioner, lock);
        this.checkpointer = new Checkpointer(host, settings, store, volumes, netns, runtime, criu, lock, provisioner);
        this.restorer = new Restorer(host, settings, store, volumes, provisioner,
                new RestorePreflight(runtime, images, volumes, store, containers), runtime, criu, lock, images, fetcher);
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

    public ImagePuller.Result pull(String reference) {
        return puller.pull(Reference.parse(reference));
    }

    /** Pushes a local image to {@code destination} (a registry reference; the image's own name if null). */
    public ImagePusher.Result push(String image, String destination) {
        Image local = images.get(image);
        String target = destination != null ? destination : local.names().stream().filter(Reference::hasRegistry)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("image " + image
                        + " has no registry in its name: give a destination, e.g. localhost:5000/busybox:latest"));
        return pusher.push(local, Reference.parse(target));
    }

    /** A checkpoint that went to a registry: the engine's result and where the archive is. */
    public record RegistryCheckpoint(CheckpointResult result, String archiveDigest, long archiveSize,
                                     String manifestDigest) {
    }

    public CheckpointResult checkpointToRegistry(String nameOrId, CheckpointOptions options, String url) {
        return checkpointToRegistry(nameOrId, options, url, CheckpointProgress.NONE).result();
    }

    /**
     * {@code ferry checkpoint NAME --export registry://HOST/REPO:TAG}: the archive streams into the
     * registry while it is written, then the artifact manifest (with the annotations) is pushed. If
     * the upload fails, the checkpoint fails as any failed export does (the container runs on).
     */
    public RegistryCheckpoint checkpointToRegistry(String nameOrId, CheckpointOptions options, String url,
                                                   CheckpointProgress progress) {
        Reference ref = Reference.parse(url);
        RegistryClient client = registries.client(ref.registry());
        BlobUpload[] upload = new BlobUpload[1];
        try {
            CheckpointResult result = checkpointer.checkpoint(nameOrId, options, () -> {
                upload[0] = CheckpointArtifacts.startUpload(client, ref);
                return upload[0];
            }, progress);
            BlobUpload.Result blob = upload[0].finish();
            String manifest = CheckpointArtifacts.publish(client, ref, blob, result, options.compression());
            return new RegistryCheckpoint(result, blob.digest(), blob.size(), manifest);
        } catch (IOException e) {
            throw new RegistryException("uploading the checkpoint of " + nameOrId + " to " + ref + " failed: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (upload[0] != null) {
                upload[0].abort();
            }
            throw e;
        }
    }

    /** The annotations of a checkpoint artifact, read without downloading the archive. */
    public Map<String, String> describeArchive(String url) {
        Reference ref = Reference.parse(url);
        return CheckpointArtifacts.describe(registries.client(ref.registry()), ref).annotations();
    }

    /**
     * {@code ferry restore --import registry://...}: the manifest's annotations are checked first, the
     * image is pulled if missing, and the archive streams from the registry into the restore
     * (its digest verified as it arrives, before anything is created).
     */
    public RestoreResult restoreFromRegistry(String url, RestoreOptions options) {
        Reference ref = Reference.parse(url);
        RegistryClient client = registries.client(ref.registry());
        CheckpointArtifacts.Artifact artifact = CheckpointArtifacts.describe(client, ref);
        String runtimeName = artifact.annotations().get(ArchiveAnnotations.RUNTIME_NAME);
        if (runtimeName != null && !runtimeName.equals(runtime.name())) {
            throw new IncompatibleException("the checkpoint was made with OCI runtime \"" + runtimeName
                    + "\"; this host restores with \"" + runtime.name() + "\"");
        }
        String arch = artifact.annotations().get(ArchiveAnnotations.HOST_ARCH);
        if (arch != null && !arch.equals(HostFacts.arch())) {
            throw new IncompatibleException("the checkpoint was made on " + arch + "; this host is " + HostFacts.arch());
        }
        String image = artifact.annotations().get(ArchiveAnnotations.ROOTFS_IMAGE_NAME);
        if (image != null) {
            restorer.ensureImage(image);
        }
        try (InputStream in = CheckpointArtifacts.open(client, artifact)) {
            return restorer.restore(in, ref.toString(), options);
        } catch (IOException e) {
            throw new RegistryException("downloading " + ref + " failed: " + e.getMessage(), e);
        }
    }

    public ArchiveSummary inspect(Path archive) {
        return ArchiveInspector.inspect(archive, settings.archiveLimits());
    }

    /** Removes an image unless a container of this host uses it. */
    public void removeImage(String ref) {
        Image image = images.get(ref);
        store.requireUnused(image, ref);
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
}
