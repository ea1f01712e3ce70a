package io.ferry.core.engine;

import io.ferry.core.archive.ArchiveInspector;
import io.ferry.core.archive.ArchiveSummary;
import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestorePreflight;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.checkpoint.Restorer;
import io.ferry.core.checkpointimage.CheckpointImages;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.ContainerView;
import io.ferry.core.container.Containers;
import io.ferry.core.container.Provisioner;
import io.ferry.core.container.Reconciler;
import io.ferry.core.container.Reconciliation;
import io.ferry.core.criu.Criu;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.criu.CriuFeatures;
import io.ferry.core.criu.CriuSelfTest;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.exec.Memoized;
import io.ferry.core.host.Host;
import io.ferry.core.host.StateRoot;
import io.ferry.core.image.ImageFetcher;
import io.ferry.core.image.ImageServiceClient;
import io.ferry.core.image.ImageServiceToken;
import io.ferry.core.image.ImageStore;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.HostNetworks;
import io.ferry.core.network.NetworkConfig;
import io.ferry.core.network.NetworkCreateRequest;
import io.ferry.core.network.NetworkNamespaces;
import io.ferry.core.os.HostFacts;
import io.ferry.core.os.HostLock;
import io.ferry.core.os.StagingDir;
import io.ferry.core.registry.AllowedRegistries;
import io.ferry.core.registry.Reference;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RuncRuntime;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.volume.Volume;
import io.ferry.core.volume.VolumeStore;
import io.ferry.protocol.Compatibility;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One host's engine and its use cases, the one entry for the CLI and the host services alike:
 * containers (run, list, stop, rm), checkpoint to an {@link ArchiveTarget}, restore from an
 * {@link ArchiveSource}, rollback, images, volumes. CRIU is discovered (and self-tested) on first
 * use, so commands that do not checkpoint stay fast.
 */
public final class FerryEngine {
    private final Host host;
    private final EngineSettings settings;
    private final Images images;
    private final VolumeStore volumes;
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final Containers containers;
    private final Checkpointer checkpointer;
    private final Supplier<Criu> criu;
    private final CheckpointContainer checkpoint;
    private final RestoreContainer restore;
    private final ArchiveKeys archiveKeys;
    private final CheckpointTrust trust;
    private final Reconciler reconciler;
    private final Supplier<HostFeatures> features = Memoized.of(this::checkFeatures);
    private final DirectTransfers transfers;
    private final ContainerNetworking networks;
    private final CheckpointImages checkpointImages;

    private FerryEngine(Host host, EngineSettings settings) {
        StateRoot.secure(host);
        this.host = host;
        this.settings = settings;
        this.criu = Memoized.of(() -> CriuSelfTest.discover(settings.criuBinary()));
        RegistryClients registries = settings.registryClients();
        this.images = Images.open(host, settings, registries);
        ImageStore imageStore = images.store();
        ImageFetcher pull = settings.imageServiceUrl() != null
                ? new ImageServiceClient(settings.imageServiceUrl(), imageStore, ImageServiceToken.path(host))
                : ref -> images.pull(ref).image();
        AllowedRegistries allowed = settings.allowed();
        // the archive names the image: pulled only from an allowed registry, never from wherever it says
        ImageFetcher fetcher = ref -> {
            allowed.require(registryOf(ref), "the archive's image " + ref);
            return pull.fetch(ref);
        };
        this.volumes = new VolumeStore(host.volumes());
        this.store = new ContainerStore(host.containers());
        this.runtime = new RuncRuntime(RuncRuntime.locate(settings.runcBinary()), host.runcRoot(), criu);
        NetworkNamespaces netns = new NetworkNamespaces();
        HostLock lock = new HostLock(host.root());
        this.networks = new HostNetworks(host, settings.hostNetworkNamespace());
        Provisioner provisioner = new Provisioner(host, store, imageStore, volumes, netns, runtime, networks);
        this.reconciler = new Reconciler(host, store, runtime, provisioner, lock, networks);
        this.containers = new Containers(host, settings.startTimeout(), store, imageStore, runtime, provisioner, lock,
                networks);
        this.checkpointer = new Checkpointer(host, settings.checkpointTimeout(), settings.restoreTimeout(), store,
                volumes, netns, runtime, criu, lock, provisioner, networks);
        Restorer restorer = new Restorer(host, settings.restoreTimeout(), settings.archiveLimits(), store, volumes,
                provisioner, new RestorePreflight(imageStore, volumes, store, containers, this::platform),
                runtime, criu, lock, imageStore, fetcher, networks);
        this.checkpointImages = new CheckpointImages(host, imageStore, store, checkpointer);
        this.checkpoint = new CheckpointContainer(checkpointer, registries, new CheckpointSigning(host));
        this.trust = new CheckpointTrust(host, settings);
        this.archiveKeys = new ArchiveKeys(host, trust);
        this.restore = new RestoreContainer(restorer, registries, allowed, this::platform, archiveKeys, trust,
                containers::checkNameFree);
        this.transfers = new DirectTransfers(host, new io.ferry.core.transfer.StagedTransfers(host.tmp().resolve("transfers"),
                settings.archiveLimits()), restorer, archiveKeys, trust);
    }

    /** The host's container networks (bridges, overlays, addresses, published ports). */
    public ContainerNetworking networks() {
        return networks;
    }

    /** A migration's direct transfers to this host (the restore-service's endpoint and restore). */
    public DirectTransfers transfers() {
        return transfers;
    }

    private static String registryOf(String archivedImage) {
        try {
            return Reference.parse(archivedImage).registry();
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("the archive's image \"" + archivedImage + "\" is not a registry"
                    + " reference HOST[:PORT]/REPOSITORY[:TAG][@sha256:DIGEST]");
        }
    }

    public static FerryEngine open(Host host, EngineSettings settings) {
        return new FerryEngine(host, settings);
    }

    public Host host() {
        return host;
    }

    public EngineSettings settings() {
        return settings;
    }

    /**
     * What this host can do beyond stop-and-copy: post-copy (CRIU's lazy pages work here) and pre-copy
     * (the kernel tracks dirty memory), each with the reason when it cannot. Checked once, then remembered.
     */
    public HostFeatures features() {
        return features.get();
    }

    private HostFeatures checkFeatures() {
        Criu c;
        try {
            c = criu.get();
        } catch (RuntimeException e) {
            String why = "CRIU is not usable here: " + e.getMessage();
            return new HostFeatures(false, why, false, why);
        }
        String post = CriuFeatures.postCopyUnavailable(c);
        String pre = CriuFeatures.preCopyUnavailable(c);
        return new HostFeatures(post == null, post, pre == null, pre);
    }

    /** Container lifecycle: run, list, inspect, stop, rm, logs. */
    public Containers containers() {
        return containers;
    }

    /** The container of that name or id, its status confirmed against the runtime. */
    public Optional<ContainerView> find(String nameOrId) {
        return store.find(nameOrId).map(containers::view);
    }

    /** What the container got on its network on this host (inspect's NetworkSettings); empty: none. */
    public Optional<io.ferry.core.network.NetworkAttachment> networkOf(String nameOrId) {
        return networks.attachment(store.get(nameOrId).id());
    }

    /** Containers that a migration restored here ({@link RestoreOptions#migrationId}). */
    public Optional<ContainerView> restoredBy(String migrationId) {
        return store.list().stream().filter(r -> migrationId.equals(r.migrationId())).findFirst()
                .map(containers::view);
    }

    public ExportedCheckpoint checkpoint(String nameOrId, CheckpointOptions options, ArchiveTarget target) {
        return checkpoint(nameOrId, options, target, CheckpointProgress.NONE);
    }

    /** Checkpoints the container and writes its archive to {@code target}; a failure leaves it running. */
    public ExportedCheckpoint checkpoint(String nameOrId, CheckpointOptions options, ArchiveTarget target,
                                         CheckpointProgress progress) {
        return checkpoint.checkpoint(nameOrId, options, target, progress);
    }

    /**
     * Issue 11: writes the registry archive of a stopped container from the checkpoint it kept here (the
     * registry copy of a direct migration, after the target runs it); the container and its images stay.
     */
    public ExportedCheckpoint archiveKept(String nameOrId, ArchiveTarget.Registry target) {
        return checkpoint.archiveKept(nameOrId, CheckpointOptions.defaults(), target);
    }

    /**
     * Issue 13: {@code checkpoint --create-image IMAGE}: checkpoints the container into a checkpoint image
     * of this host's image store (an OCI image whose one layer is the archive's content and whose
     * annotations name the container and runtime, as Podman's and CRI-O's), listed by {@code image ls} and
     * pushed like any image. The checkpoint is an export's (same options; a failure before the image's layer
     * is stored leaves the container running); the returned target is the archive file the image's layer holds.
     */
    public ExportedCheckpoint checkpointToImage(String nameOrId, CheckpointOptions options, String imageName) {
        CheckpointImages.Created c = checkpointImages.create(nameOrId, options, imageName, CheckpointProgress.NONE);
        return new ExportedCheckpoint(c.result(), ArchiveTarget.file(c.archive()), c.blobDigest(), c.blobSize(), null);
    }

    /**
     * Issue 13: the archive a checkpoint image of this host's store holds, when {@code imageRef} names one
     * ({@code restore IMAGE}, {@code run IMAGE}); empty for a plain image or no image of that name. It is the
     * file the image's layer keeps (its signature beside it): {@link #restore} vets it as any imported archive.
     */
    public Optional<ArchiveSource> checkpointImage(String imageRef) {
        return checkpointImages.find(imageRef).map(i -> new ArchiveSource.CheckpointImage(i.image().names().isEmpty()
                ? i.image().id() : i.image().names().get(0), i.archive(), i.containerName()));
    }

    /** Restores a container from an archive, pulling its image if it is missing here. */
    public RestoreResult restore(ArchiveSource source, RestoreOptions options) {
        return restore.restore(source, options);
    }

    /**
     * A migration's checkpoint failure as the migration tells it: CRIU's refusal of a container holding file locks
     * names the migration's option, not {@code ferry checkpoint --file-locks}.
     */
    public static String migrationFailure(String message) {
        return io.ferry.core.runtime.FileLockHint.forMigration(message);
    }

    /**
     * Makes a container run here again after a failed move: a running one is left alone; a stopped
     * one with its checkpoint kept here ({@link CheckpointOptions#keepingLocalImages}) is restored in
     * place; otherwise it is restored from {@code fallback}. True when the container runs afterwards;
     * then the kept checkpoint is removed (it could only bring back an older copy).
     */
    public boolean rollback(String nameOrId, ArchiveSource fallback) {
        return rollback(nameOrId, fallback, false);
    }

    /**
     * As {@link #rollback(String, ArchiveSource)} for a migration asked with --file-locks: a restore from
     * {@code fallback} takes the locks back (the in-place restore knows it from the container's history).
     */
    public boolean rollback(String nameOrId, ArchiveSource fallback, boolean fileLocks) {
        RestoreOptions fromArchive = RestoreOptions.defaults().withFileLocks(fileLocks);
        Optional<ContainerView> before = find(nameOrId);
        if (before.isPresent() && (checkpointer.holdsForPostCopy(before.get().record().id())
                || runtime.state(before.get().record().id()).status().equals("paused"))) {
            checkpointer.restoreLocal(nameOrId, false); // the frozen source copy of a post-copy checkpoint: resumed
        } else if (before.isPresent() && !before.get().running()) {
            if (store.layout(before.get().record().id()).hasCheckpointImages()) {
                checkpointer.restoreLocal(nameOrId, false, fileLocks); // (or as its history says)
            } else {
                containers.remove(nameOrId, true);
                restore(fallback, fromArchive);
            }
        } else if (before.isEmpty()) {
            restore(fallback, fromArchive);
        }
        boolean running = find(nameOrId).map(ContainerView::running).orElse(false);
        if (running) {
            checkpointer.discardKeptCheckpoint(nameOrId);
        }
        return running;
    }

    /**
     * Makes this host's records agree with what really runs, after a process was killed midway (a host
     * service calls it when it starts and before each restore): a copy a killed restore left running
     * is adopted, a half-made one removed, and the staging directories of killed restores deleted.
     */
    public Reconciliation reconcile() {
        return reconciler.reconcile().withStaging(StagingDir.removeAbandoned(host.tmp(), Restorer.STAGING_PREFIX));
    }

    /** Restores a checkpointed container in place from the images it kept on this host. */
    public ContainerRecord restoreInPlace(String nameOrId, boolean tcpEstablished) {
        return checkpointer.restoreLocal(nameOrId, tcpEstablished);
    }

    // --- issue 13: checkpoint and restore in place (Podman's `checkpoint CTR` / `restore CTR` without an archive)

    /**
     * Checkpoints the container without an archive: CRIU's images stay in its directory ({@code checkpoint/}),
     * it is stopped (unless {@link CheckpointOptions#leaveRunning}) and {@link #restoreInPlace(String,
     * RestoreOptions)} brings it back with its name, id and address. {@link CheckpointOptions#keepLocalImages}
     * (--keep) also keeps CRIU's dump.log. A container run with --rm is refused (Podman: export only).
     */
    public io.ferry.core.checkpoint.CheckpointResult checkpointInPlace(String nameOrId, CheckpointOptions options) {
        return checkpointer.checkpoint(nameOrId, options, null, CheckpointProgress.NONE);
    }

    /**
     * {@code restore CTR}: from the checkpoint kept here, with its tcp-established and file-locks options;
     * {@link RestoreOptions#keep} keeps the images and CRIU's restore.log, else they go once it runs.
     */
    public ContainerRecord restoreInPlace(String nameOrId, RestoreOptions options) {
        return restoreInPlace(nameOrId, options, false);
    }

    /**
     * {@code restore --rollback CTR}: a migration's stopped source copy, from the checkpoint kept here for its
     * rollback, once the operator knows that migration failed (while it is under way the target runs the
     * container: a plain restore of the copy is refused, it would make two).
     */
    public ContainerRecord restoreInPlace(String nameOrId, RestoreOptions options, boolean rollback) {
        return checkpointer.restoreLocal(nameOrId, options.tcpEstablished(), options.fileLocks(), options.keep(),
                rollback);
    }

    /** Podman's --latest: the container created last on this host. */
    public Optional<ContainerRecord> latestContainer() {
        return store.list().stream().max(java.util.Comparator.comparing(r -> r.config().created()));
    }

    /** Checkpoint --all: the running containers, oldest first. */
    public List<ContainerRecord> runningContainers() {
        return containers.list(false).stream().filter(ContainerView::running).map(ContainerView::record)
                .sorted(java.util.Comparator.comparing(r -> r.config().created())).toList();
    }

    /**
     * Restore --all: the stopped containers whose checkpoint is kept here, oldest first; not the source copy a
     * migration keeps (it runs on its target: restoring it here would make two).
     */
    public List<ContainerRecord> checkpointedContainers() {
        return containers.list(true).stream()
                .filter(v -> !v.running() && store.layout(v.record().id()).hasCheckpointImages())
                .filter(v -> v.record().historyOrNone().keptForMigration() == null)
                .map(ContainerView::record).sorted(java.util.Comparator.comparing(r -> r.config().created())).toList();
    }

    /** Where a container's kept checkpoint is (container inspect's CheckpointPath); empty: none kept. */
    public Optional<Path> keptCheckpoint(String nameOrId) {
        var layout = store.layout(store.get(nameOrId).id());
        return layout.hasCheckpointImages() ? Optional.of(layout.checkpointImages()) : Optional.empty();
    }

    /**
     * This host's identity line ({@code ferry-host <id> ed25519:.. x25519:..}) for other hosts' trust
     * stores; the host's key pairs are made (once) if it has none.
     */
    public String hostIdentity() {
        return HostKeys.loadOrCreate(host).identity().format();
    }

    /** The trust store this host checks checkpoints against. */
    public Path trustStore() {
        return trust.store().file();
    }

    public Images images() {
        return images;
    }

    /** The image store below the use cases (layer content, registration), for tests and benchmarks. */
    public ImageStore imageStore() {
        return images.store();
    }

    public VolumeStore volumes() {
        return volumes;
    }

    /** Where a volume's content is on this host (container inspect's Mounts Source); empty: no such volume. */
    public Optional<Path> volumeMountpoint(String name) {
        return volumes.find(name).map(io.ferry.core.volume.Volume::mountpoint);
    }

    public OciRuntime runtime() {
        return runtime;
    }

    public Criu criu() {
        return criu.get();
    }

    /** What the host services announce in their heartbeats. */
    public HostDescription describe() {
        return new HostDescription(runtime.name(), runtime.version(), criu.get().version(), HostFacts.kernel(),
                HostFacts.arch(), HostFacts.cgroupVersion());
    }

    /** What this host offers a checkpoint: its runtime, architecture and CRIU. */
    public Compatibility.Platform platform() {
        return new Compatibility.Platform(runtime.name(), HostFacts.arch(), criu.get().version());
    }

    /** What an archive file holds; one encrypted to this host is decrypted as it is read. */
    public ArchiveSummary inspect(Path archive) {
        try {
            if (!ArchiveKeys.isEncrypted(archive)) {
                return ArchiveInspector.inspect(archive, settings.archiveLimits());
            }
            try (InputStream in = archiveKeys.open(archive)) {
                return ArchiveInspector.inspect(in, Files.size(archive), "encrypted", settings.archiveLimits());
            }
        } catch (IOException e) {
            throw new InvalidArchiveException("cannot read " + archive + ": " + e.getMessage(), e);
        }
    }

    /**
     * Source side of an encrypted migration: a fresh key for its archive ({@link ArchiveTarget.Registry}),
     * and that key wrapped to the target host's identity in this host's trust store
     * ({@code <root>/trusted-hosts}), bound to the migration and the target, to send with the migration.
     */
    public MigrationKey newMigrationKey(String migrationId, String targetHostId) {
        return archiveKeys.newMigrationKey(migrationId, targetHostId);
    }

    /**
     * The key {@link #newMigrationKey} made for a migration, kept on this (the source) host until
     * {@link #forgetMigrationKey}: a rollback without the kept CRIU images restores from the encrypted archive.
     */
    public Optional<ArchiveKey> keptMigrationKey(String migrationId) {
        return archiveKeys.kept(migrationId);
    }

    public void forgetMigrationKey(String migrationId) {
        archiveKeys.forget(migrationId);
    }

    /**
     * Target side: the archive key of {@code migrationId}, unwrapped with this host's own key (for
     * {@link ArchiveSource.Registry#withKey}); refused when it was wrapped to another host, for
     * another migration, or altered.
     */
    public ArchiveKey openMigrationKey(String migrationId, String wrappedKey) {
        return archiveKeys.openMigrationKey(migrationId, wrappedKey);
    }

    /**
     * The hosts {@code --encrypt-to RECIPIENT} names: a file holding a host identity line, or a host
     * id of this host's trust store.
     */
    public List<HostIdentity> encryptionRecipients(String recipient) {
        return archiveKeys.recipients(recipient);
    }

    public Volume createVolume(String name) {
        return volumes.create(name);
    }

    public List<Volume> listVolumes() {
        containers.removeExitedAutoRemoved(); // an exited --rm container's anonymous volumes go with it first
        return volumes.list();
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

    // --- container networks (issue 12): the CLI's use cases; the wiring of run/rm/checkpoint/restore uses networks()

    public NetworkConfig createNetwork(NetworkCreateRequest request) {
        return networks.create(request);
    }

    public List<NetworkConfig> listNetworks() {
        return networks.list();
    }

    public NetworkConfig inspectNetwork(String name) {
        return networks.inspect(name);
    }

    /** Refused while containers are attached, unless {@code force} (which detaches them). */
    public void removeNetwork(String name, boolean force) {
        networks.remove(name, force);
    }
}
