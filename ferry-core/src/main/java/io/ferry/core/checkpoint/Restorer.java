package io.ferry.core.checkpoint;

import io.ferry.core.archive.ArchiveLayout;
import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.archive.NetworkStatus;
import io.ferry.core.archive.RootfsDiff;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.Provisioner;
import io.ferry.core.container.NetworkRequests;
import io.ferry.core.container.PodmanSpec;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.json.Json;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.NetworkRequest;
import tools.jackson.databind.node.ObjectNode;
import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.Criu;
import io.ferry.core.criu.LazyPagesDaemon;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.os.PipeSize;
import io.ferry.core.criu.RestoreStatistics;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.host.Host;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageFetcher;
import io.ferry.core.image.ImageStore;
import io.ferry.core.os.Failpoints;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostLock;
import io.ferry.core.os.Mounts;
import io.ferry.core.os.StagingDir;
import io.ferry.core.registry.Reference;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RestoreRequest;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.core.volume.VolumeStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code ferry restore --import FILE [--name NEW]}: unpacks the archive into a staging directory,
 * checks what it may not be trusted with (spec.dump against this host's template, the tasks'
 * credentials and mounts in the CRIU images), runs the dependency checks, provisions the container (network
 * namespace, overlay rootfs with the archived changes, volumes, a spec from this host's template, the
 * archived log) and has the runtime restore it.
 * A failure at any point removes everything this restore created.
 */
public final class Restorer {
    /** The prefix of a restore's staging directory in the host's tmp ({@link StagingDir}). */
    public static final String STAGING_PREFIX = "restore-staging-";
    private final Host host;
    private final Duration restoreTimeout;
    private final ArchiveLimits limits;
    private final ContainerStore store;
    private final VolumeStore volumes;
    private final Provisioner provisioner;
    private final RestorePreflight preflight;
    private final OciRuntime runtime;
    private final Supplier<Criu> criu;
    private final HostLock lock;
    private final ImageStore images;
    private final ImageFetcher fetcher;
    private final PostCopyLimits postCopyLimits;
    private final ContainerNetworking networks;
    /** runc (>= 1.1) hands CRIU the configuration file this spec annotation names (--tcp-close has no runc flag). */
    static final String CRIU_CONFIG_ANNOTATION = "org.criu.config";

    public Restorer(Host host, Duration restoreTimeout, ArchiveLimits limits, ContainerStore store, VolumeStore volumes,
                    Provisioner provisioner, RestorePreflight preflight, OciRuntime runtime, Supplier<Criu> criu,
                    HostLock lock, ImageStore images, ImageFetcher fetcher, ContainerNetworking networks) {
        this(host, restoreTimeout, limits, store, volumes, provisioner, preflight, runtime, criu, lock, images, fetcher,
                networks, PostCopyLimits.fromEnvironment());
    }

    public Restorer(Host host, Duration restoreTimeout, ArchiveLimits limits, ContainerStore store, VolumeStore volumes,
                    Provisioner provisioner, RestorePreflight preflight, OciRuntime runtime, Supplier<Criu> criu,
                    HostLock lock, ImageStore images, ImageFetcher fetcher, ContainerNetworking networks,
                    PostCopyLimits postCopyLimits) {
        this.networks = networks;
        this.postCopyLimits = postCopyLimits;
        this.host = host;
        this.restoreTimeout = restoreTimeout;
        this.limits = limits;
        this.store = store;
        this.volumes = volumes;
        this.provisioner = provisioner;
        this.preflight = preflight;
        this.runtime = runtime;
        this.criu = criu;
        this.lock = lock;
        this.images = images;
        this.fetcher = fetcher;
    }

    /** Pulls the image if it is missing here and names a registry (restore pulls, as Podman's does). */
    private void ensureImage(String reference) {
        if (images.find(reference).isEmpty() && Reference.hasRegistry(reference)) {
            fetcher.fetch(reference);
        }
    }

    /** Restores from an archive stream; {@code source} names it in the container's record. */
    public RestoreResult restore(InputStream archive, String source, RestoreOptions options) {
        checkOptions(options); // before a byte of the archive is unpacked
        long start = System.nanoTime();
        // locked while in use: a host service starting meanwhile removes only the staging of killed restores
        try (StagingDir staging = StagingDir.create(host.tmp(), STAGING_PREFIX)) {
            return restoreStaged(stage(archive, staging.content()), source, options, start);
        }
    }

    /** Staging: unpacks an archive stream into {@code dir} in one pass (checked as it goes; trusted by nobody yet). */
    public ExtractedCheckpoint stage(InputStream archive, Path dir) {
        return ExtractedCheckpoint.extract(archive, dir, limits);
    }

    /**
     * Restore from a staged archive (a direct transfer's, whose digest and signature the caller checked);
     * the staging stays the caller's to remove.
     */
    public RestoreResult restoreStaged(ExtractedCheckpoint staged, String source, RestoreOptions options) {
        return restoreStaged(staged, source, options, System.nanoTime());
    }

    private RestoreResult restoreStaged(ExtractedCheckpoint archive, String source, RestoreOptions options,
                                        long start) {
        checkOptions(options);
        ContainerConfig archived = archive.config().container();
        ArchiveVetting.Vetted vetted = ArchiveVetting.vet(archive); // untrusted until here
        String hostname = vetted.hostname();
        PodmanSpec podman = vetted.podman(); // Podman's bound files, for a container from a Podman archive
        ContainerConfig target = options.name() == null ? archived
                : archived.renamed(ContainerStore.newId(), ContainerStore.validName(options.name()));
        NetworkStatus.Archived archivedAddress = archived.networkOrNone().isNone() ? null
                : NetworkStatus.read(archive.networkStatus(), archived.network().network()).orElse(null);
        target = withNetworkOptions(target, options);
        ensureImage(target.image()); // outside the host lock: a pull can take a while
        Path criuWork = host.restoreLog(target.id());
        try (HostLock.Held held = lock.acquire()) {
            Image image = preflight.check(archive, target, options, criu.get());
            requireNetwork(target);
            List<String> created = new ArrayList<>();
            LazyPagesDaemon daemon = null;
            // tied to the image it was restored onto, as a container that ran here is to the one it ran on
            ContainerConfig restored = target.onImage(image.id());
            try {
                // the intent, before anything is made: whatever a crash leaves behind, a record names it
                store.save(ContainerRecord.restoring(restored, source, options.migrationId()));
                String keepIp = keeps(options.ignoreStaticIp(), options) && archivedAddress != null ? archivedAddress.ip() : null;
                String keepMac = keeps(options.ignoreStaticMac(), options) && archivedAddress != null ? archivedAddress.mac() : null;
                Provisioner.Provisioned p = provisioner.provision(target, image, hostname, keepIp, keepMac);
                created.addAll(p.createdVolumes());
                ContainerLayout layout = p.layout();
                restoreNetworkFiles(archive, p.network(), archivedAddress, layout);
                if (podman != null) {
                    PodmanRestore.provide(archive, podman, layout, limits);
                }
                if (!options.ignoreRootfs() && archive.rootfsDiff().isPresent()) {
                    RootfsDiff.apply(archive.rootfsDiff().get(), archive.deletedFiles(), layout.rootfs(),
                            limits);
                }
                restoreVolumeContent(archive, target, options);
                if (archive.ctrLog().isPresent() && archive.config().madeByPodman()) {
                    PodmanRestore.copyLog(archive.ctrLog().get(), layout.log());
                } else if (archive.ctrLog().isPresent()) {
                    Files.copy(archive.ctrLog().get(), layout.log(), StandardCopyOption.REPLACE_EXISTING);
                }
                long restoreStart = System.nanoTime();
                // CRIU's work dir lives outside the container's directory: kept when the restore fails
                Files.createDirectories(criuWork);
                Path imagesDir = archive.imagesDir();
                if (options.postCopyFrom() != null) {
                    imagesDir = keepImages(imagesDir, criuWork); // the daemon outlives the staging directory
                    daemon = startLazyPages(options.postCopyFrom(), imagesDir, criuWork);
                }
                if (options.tcpClose()) {
                    closingTcp(layout, criuWork);
                }
                runtime.restore(target.id(), layout.bundle(), new RestoreRequest(imagesDir, criuWork,
                        options.tcpEstablished(), daemon != null, options.fileLocks()), layout.log(), restoreTimeout);
                Duration runtimeDuration = Duration.ofNanos(System.nanoTime() - restoreStart);
                if (options.tcpClose()) { // a later checkpoint's spec.dump is this host's template again
                    withoutCriuConfig(layout);
                }
                Failpoints.reach("restore.after-runtime"); // the copy runs, its record still says RESTORING
                if (p.network() != null) { // the network learns where it is now; then its ports lead here
                    networks.arrive(target.id());
                }
                String keptLog = null;
                if (options.keep() && Files.isRegularFile(criuWork.resolve("restore.log"))) { // --keep
                    Files.copy(criuWork.resolve("restore.log"), layout.restoreLog(), StandardCopyOption.REPLACE_EXISTING);
                    keptLog = layout.restoreLog().toString();
                }
                ContainerRecord record = ContainerRecord.running(restored, source, options.migrationId())
                        .withHistory(io.ferry.core.container.CheckpointHistory.NONE.restoredNow(keptLog));
                store.save(record);
                RestoreStatistics stats = readStats(criuWork.resolve("stats-restore"));
                PageFetching fetching = null;
                if (daemon != null) { // the work dir goes when the last page has arrived (or the transfer failed)
                    fetching = new TargetPageFetching(daemon, record, criuWork, host.cgroupsPath(target.id()),
                            options.postCopyFrom(), store, runtime,
                            lock, postCopyLimits);
                } else {
                    FileTrees.deleteRecursively(criuWork);
                }
                return new RestoreResult(record, runtimeDuration, Duration.ofNanos(System.nanoTime() - start), stats,
                        fetching);
            } catch (IOException e) {
                UncheckedIOException failure = new UncheckedIOException(e);
                stopDaemon(daemon);
                undo(target.id(), created, criuWork, failure);
                throw failure;
            } catch (RuntimeException e) {
                stopDaemon(daemon);
                undo(target.id(), created, criuWork, e);
                throw e;
            }
        }
    }

    /** Podman's refusal: restored under a new name, one TCP endpoint would be on the network twice. */
    static void checkOptions(RestoreOptions options) {
        if (options.tcpEstablished() && options.name() != null) {
            throw new IllegalArgumentException("--tcp-established cannot be used with --name");
        }
    }

    /**
     * Podman's network semantics: a new name or --ignore-static-ip/--ignore-static-mac drops the static
     * address/MAC the container asked for (a copy beside the original gets new ones); -p replaces the
     * published ports. The archived request is checked here, with the options' ports.
     */
    private static ContainerConfig withNetworkOptions(ContainerConfig target, RestoreOptions options) {
        NetworkRequest request = target.networkOrNone();
        if (request.isNone()) {
            if (!options.publish().isEmpty()) {
                throw new IllegalArgumentException("--publish needs a network: the checkpointed container has none"
                        + " (it ran with --network none)");
            }
            return target;
        }
        NetworkRequest wanted = new NetworkRequest(request.network(), keeps(options.ignoreStaticIp(), options)
                ? request.ip() : null, keeps(options.ignoreStaticMac(), options) ? request.mac() : null,
                options.publish().isEmpty() ? request.ports() : options.publish());
        return target.withNetwork(NetworkRequests.check("network", wanted));
    }

    /** Whether the restore keeps an archived address (or MAC): not under a new name, not when told to ignore it. */
    private static boolean keeps(boolean ignored, RestoreOptions options) {
        return !ignored && options.name() == null;
    }

    /** The archived container's network must exist here: the restore does not make one up. */
    private void requireNetwork(ContainerConfig target) {
        if (target.networkOrNone().isNone()) {
            return;
        }
        String name = target.network().network();
        try {
            networks.inspect(name);
        } catch (NotFoundException e) {
            throw new NotFoundException("the checkpointed container is on network \"" + name + "\", which does not"
                    + " exist on this host: create it first (ferry network create " + name + " with the same subnet,"
                    + " and the same --opt vxlan.id to reach its other hosts), then restore again");
        }
    }

    /**
     * The archived /etc/hosts and /etc/resolv.conf go back when the container keeps its archived address
     * (edits made in the container survive, like any file of it); with a new address the fresh ones stay.
     */
    private static void restoreNetworkFiles(ExtractedCheckpoint archive, NetworkAttachment attachment,
                                            NetworkStatus.Archived archived, ContainerLayout layout) throws IOException {
        if (attachment == null || archived == null || !archived.ip().equals(attachment.ip())) {
            return;
        }
        for (String name : List.of(ArchiveLayout.HOSTS, ArchiveLayout.RESOLV_CONF)) {
            Path from = archive.networkFile(name).orElse(null);
            if (from != null) {
                Files.copy(from, layout.networkFiles().resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** --tcp-close: a CRIU configuration file with tcp-close, named in the spec for runc to pass to CRIU. */
    private static void closingTcp(ContainerLayout layout, Path criuWork) throws IOException {
        Path conf = criuWork.resolve("criu-restore.conf");
        Files.writeString(conf, "tcp-close\n");
        ObjectNode spec = Json.readTree(layout.spec());
        ObjectNode annotations = spec.has("annotations") ? (ObjectNode) spec.get("annotations") : spec.putObject("annotations");
        annotations.put(CRIU_CONFIG_ANNOTATION, conf.toString());
        Json.write(layout.spec(), spec);
    }

    private static void withoutCriuConfig(ContainerLayout layout) {
        ObjectNode spec = Json.readTree(layout.spec());
        if (spec.get("annotations") instanceof ObjectNode annotations) {
            annotations.remove(CRIU_CONFIG_ANNOTATION);
            if (annotations.isEmpty()) { // this host's template has none
                spec.remove("annotations");
            }
        }
        Json.write(layout.spec(), spec);
    }

    /** Copies the (small, page-less) images out of the staging directory into CRIU's work dir. */
    private static Path keepImages(Path images, Path criuWork) throws IOException {
        Path kept = criuWork.resolve("images");
        Files.createDirectories(kept);
        try (Stream<Path> files = Files.list(images)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(f, kept.resolve(f.getFileName()));
                }
            }
        }
        return kept;
    }

    /** CRIU's lazy-pages daemon, connected to the source's page server, before runc restores lazily. */
    private LazyPagesDaemon startLazyPages(PageServer from, Path imagesDir, Path criuWork) {
        PipeSize.ensureAtLeast(PipeSize.LAZY_PAGES_MINIMUM).ifPresent(why -> {
            throw new ToolFailedException("cannot fetch memory pages for post-copy", List.of(why));
        });
        return LazyPagesDaemon.start(criu.get(), from.address(), from.port(), imagesDir, criuWork, Duration.ofSeconds(30));
    }

    private static void stopDaemon(LazyPagesDaemon daemon) {
        if (daemon != null) {
            daemon.kill();
        }
    }

    /** Volumes that were archived and did not exist here were created empty by the provisioner: fill them. */
    private void restoreVolumeContent(ExtractedCheckpoint archive, ContainerConfig target, RestoreOptions options)
            throws IOException {
        if (options.ignoreVolumes()) {
            return;
        }
        for (VolumeMount v : target.volumes()) {
            Path tar = archive.volumeTar(v.name()).orElse(null);
            if (tar != null) {
                try (InputStream in = Files.newInputStream(tar)) {
                    // confined: a volume is mounted anywhere, so an absolute link in it has no fixed meaning
                    new SafeExtractor(limits, SafeExtractor.Links.CONFINED)
                            .extract(in, volumes.get(v.name()).mountpoint());
                }
            }
        }
    }

    /** Removes what the restore created; CRIU's log stays for the user, its leftover mounts do not. */
    private void undo(String id, List<String> createdVolumes, Path criuWork, RuntimeException cause) {
        try {
            provisioner.teardown(id, createdVolumes);
            Mounts.unmountBelow(criuWork);
        } catch (RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }

    private static RestoreStatistics readStats(Path statsFile) {
        try {
            return Files.isRegularFile(statsFile) ? CheckpointImages.restoreStatistics(statsFile) : null;
        } catch (IOException | InvalidArchiveException e) { // statistics are a report: never fail over them
            return null;
        }
    }
}
