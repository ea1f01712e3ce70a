package io.ferry.core.checkpoint;

import io.ferry.core.archive.CheckpointArchiveWriter;
import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.core.archive.RootfsDiff;
import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.SourceCopyRule;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerState;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.Provisioner;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.Criu;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.host.Host;
import io.ferry.core.json.Json;
import io.ferry.core.archive.ArchiveLayout;
import io.ferry.core.archive.NetworkStatus;
import io.ferry.core.network.ContainerNetworking;
import io.ferry.core.network.NetworkNamespaces;
import io.ferry.core.os.Failpoints;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostFacts;
import io.ferry.core.os.HostLock;
import io.ferry.core.os.PipeSize;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.runtime.LazyCheckpoint;
import io.ferry.core.runtime.Cgroups;
import io.ferry.core.tar.Compression;
import io.ferry.core.runtime.CheckpointRequest;
import io.ferry.core.runtime.OciRuntime;
import io.ferry.core.runtime.RestoreRequest;
import io.ferry.core.runtime.RuntimeState;
import io.ferry.core.volume.VolumeStore;
import io.ferry.protocol.DumpStatistics;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code ferry checkpoint NAME --export FILE}: dumps the container with CRIU through the runtime, then
 * streams the archive (images, config, spec, log, rootfs diff and volumes, captured after the dump).
 * If the export fails after a dump that stopped the container, the container is restored in place
 * from the images still on disk: a failed checkpoint never loses the container.
 */
public final class Checkpointer {
    private final Host host;
    private final Duration checkpointTimeout;
    private final Duration restoreTimeout;
    private final ContainerStore store;
    private final VolumeStore volumes;
    private final NetworkNamespaces netns;
    private final OciRuntime runtime;
    private final Supplier<Criu> criu;
    private final HostLock lock;
    private final Provisioner provisioner;
    private final PostCopyLimits postCopyLimits;
    private final ContainerNetworking networks;
    /** Podman's rule, in its words: a container run with --rm is checkpointed to an archive only (not in place, no image). */
    public static final String RM_NEEDS_EXPORT = "cannot checkpoint containers that have been started with '--rm' unless"
            + " '--export' is used";
    /** Post-copy servings of this engine, by container id, until released or closed. */
    private final Map<String, SourcePageServing> servings = new ConcurrentHashMap<>();

    public Checkpointer(Host host, Duration checkpointTimeout, Duration restoreTimeout, ContainerStore store,
                        VolumeStore volumes, NetworkNamespaces netns, OciRuntime runtime, Supplier<Criu> criu,
                        HostLock lock, Provisioner provisioner, ContainerNetworking networks) {
        this(host, checkpointTimeout, restoreTimeout, store, volumes, netns, runtime, criu, lock, provisioner,
                networks, PostCopyLimits.fromEnvironment());
    }

    public Checkpointer(Host host, Duration checkpointTimeout, Duration restoreTimeout, ContainerStore store,
                        VolumeStore volumes, NetworkNamespaces netns, OciRuntime runtime, Supplier<Criu> criu,
                        HostLock lock, Provisioner provisioner, ContainerNetworking networks,
                        PostCopyLimits postCopyLimits) {
        this.networks = networks;
        this.postCopyLimits = postCopyLimits;
        this.host = host;
        this.checkpointTimeout = checkpointTimeout;
        this.restoreTimeout = restoreTimeout;
        this.store = store;
        this.volumes = volumes;
        this.netns = netns;
        this.runtime = runtime;
        this.criu = criu;
        this.lock = lock;
        this.provisioner = provisioner;
    }

    /** Where an archive goes: a file, or later a registry upload. Opened only after the dump succeeded. */
    @FunctionalInterface
    public interface ArchiveSink {
        OutputStream open() throws IOException;

        /**
         * As {@link #open()}, told how many bytes the archive holds unpacked (images, rootfs diff, volumes: an
         * estimate a receiver can size its staging by) and how it is compressed (chosen after the dump when
         * the options leave it open).
         */
        default OutputStream open(long expandedBytes, Compression compression) throws IOException {
            return open();
        }

        /** The archive will not be completed (called before the stream is closed): a receiver must not take it as whole. */
        default void abandon() {
        }
    }

    public CheckpointResult checkpoint(String nameOrId, CheckpointOptions options, ArchiveSink sink,
                                       CheckpointProgress progress) {
        return checkpoint(nameOrId, options, sink, progress, null);
    }

    /**
     * As {@link #checkpoint(String, CheckpointOptions, ArchiveSink, CheckpointProgress)}, for a migration:
     * its id goes into the checkpoint's intent, so that a checkpoint cut off by a crash is recognised
     * (and told truthfully) when the migration's command comes again.
     */
    public CheckpointResult checkpoint(String nameOrId, CheckpointOptions options, ArchiveSink sink,
                                       CheckpointProgress progress, String migrationId) {
        long start = System.nanoTime();
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord record = store.get(nameOrId);
            ContainerLayout intentLayout = store.layout(record.id());
            if (Files.exists(intentLayout.checkpointIntent())) {
                record = recoverCutOff(record, intentLayout, migrationId);
            }
            RuntimeState state = runtime.state(record.id()); // one runc call: the host lock holds it still
            if (!state.running()) {
                throw new ConflictException("container " + record.name() + " is not running: only running containers"
                        + " can be checkpointed");
            }
            if (sink == null && record.config().removesOnExit()) {
                throw new ConflictException(RM_NEEDS_EXPORT);
            }
            // issue 13: Podman 4.3 checkpoints running containers only; a paused one (by `ferry pause`, or a
            // post-copy source held frozen) is refused with its text, before anything is dumped
            if (state.status().equals("paused")) {
                throw new ConflictException("\"paused\" is not running, cannot checkpoint: container state improper");
            }
            // issue 13: a stopped task would hang the dump until the timeout; refuse at once, naming it
            StoppedTasks.refuseIfAny(record.name(), state.pid());
            ContainerLayout layout = store.layout(record.id());
            FileTrees.deleteRecursively(layout.checkpointImages());
            FileTrees.deleteRecursively(layout.checkpointWork());
            Files.createDirectories(layout.checkpointImages());
            Files.createDirectories(layout.checkpointWork());

            Path logSnapshot = layout.checkpointWork().resolve("ctr.log");
            Json.write(layout.checkpointIntent(), new CheckpointIntent(migrationId, Instant.now(), options.leaveRunning(),
                    options.fileLocks()));
            try {
                return checkpointIntended(record, layout, options, sink, progress, logSnapshot, start, migrationId);
            } catch (RuntimeException e) {
                discardImagesIfRunning(record, layout, e);
                throw e;
            } finally {
                Files.deleteIfExists(layout.checkpointIntent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CheckpointResult checkpointIntended(ContainerRecord record, ContainerLayout layout, CheckpointOptions options,
                                                ArchiveSink sink, CheckpointProgress progress, Path logSnapshot,
                                                long start, String migrationId) {
        if (options.postCopy() != null) {
            return checkpointPostCopy(record, layout, options, sink, progress, logSnapshot, start);
        }
        try {
            Instant frozenAt = Instant.now();
            long dumpStart = System.nanoTime();
            dump(record, layout, options, logSnapshot);
            Failpoints.reach("checkpoint.after-dump"); // dumped (and stopped, unless left running), nothing exported
            Duration runtimeDuration = Duration.ofNanos(System.nanoTime() - dumpStart);
            progress.dumped(frozenAt, runtimeDuration);
            String keptLog = keepDumpLog(layout, options);
            record = record.withHistory(record.historyOrNone().checkpointed(frozenAt, keptLog, options.fileLocks(),
                    migrationId));
            if (!options.leaveRunning()) {
                store.save(record.withState(ContainerState.EXITED, Instant.now(), true));
                Files.copy(layout.log(), logSnapshot); // the container is gone: its log is final
                leave(record.id()); // a migration's source: the copy that runs next answers for the address
            } else {
                store.save(record);
            }
            if (sink == null) {
                return keptInPlace(record, layout, options, frozenAt, runtimeDuration, start);
            }

            Exported exported;
            try {
                criu.get().dumpCpuInfo(layout.checkpointImages());
                exported = export(record, layout, options, logSnapshot, sink, progress);
            } catch (RuntimeException | IOException e) {
                RuntimeException failure = e instanceof IOException io
                        ? new UncheckedIOException("export failed: " + io.getMessage(), io) : (RuntimeException) e;
                if (!options.leaveRunning()) {
                    restoreInPlace(record, layout, options, failure);
                }
                throw failure;
            }

            DumpStatistics stats = readStats(layout.checkpointWork().resolve("stats-dump"));
            if (!options.leaveRunning()) {
                // runc already destroyed it; make sure no state is left. The rootfs stays mounted until
                // rm: unmounting an overlay syncs its upper filesystem, which here would write back the
                // archive just written (0.7 s for 256 MiB) inside the checkpoint's wall time.
                provisioner.deleteFromRuntime(record.id());
            }
            if (!options.keepLocalImages()) {
                FileTrees.deleteRecursively(layout.checkpointImages());
            }
            FileTrees.deleteRecursively(layout.checkpointWork());
            return new CheckpointResult(record.id(), record.name(), exported.bytes(), frozenAt, runtimeDuration,
                    Duration.ofNanos(System.nanoTime() - start), stats, exported.archived())
                    .withWarnings(exported.warnings());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checkpoint in place (Podman's {@code checkpoint CTR} without --export): the images stay in the container's
     * {@code checkpoint} dir for {@link #restoreLocal}; the container is stopped (unless left running), its
     * runc state removed. A crash before this point is what {@link #recoverCutOff} tells about.
     */
    private CheckpointResult keptInPlace(ContainerRecord record, ContainerLayout layout, CheckpointOptions options,
                                         Instant frozenAt, Duration runtimeDuration, long start) {
        DumpStatistics stats = readStats(layout.checkpointWork().resolve("stats-dump"));
        if (!options.leaveRunning()) {
            provisioner.deleteFromRuntime(record.id());
        }
        FileTrees.deleteRecursively(layout.checkpointWork());
        return new CheckpointResult(record.id(), record.name(), 0, frozenAt, runtimeDuration,
                Duration.ofNanos(System.nanoTime() - start), stats, null);
    }

    /**
     * Podman's --keep ({@link CheckpointOptions#keepLocalImages}): CRIU's dump.log is kept beside the container
     * with the images (a migration's source keeps its log too); its path, or null when it is not kept. An
     * in-place checkpoint keeps its images either way: they are what {@code restore CTR} restores.
     */
    private static String keepDumpLog(ContainerLayout layout, CheckpointOptions options) throws IOException {
        Files.deleteIfExists(layout.dumpLog());
        Path log = layout.checkpointWork().resolve("dump.log");
        if (!options.keepLocalImages() || !Files.isRegularFile(log)) {
            return null;
        }
        Files.copy(log, layout.dumpLog());
        return layout.dumpLog().toString();
    }

    /**
     * Post-copy: the container is paused, CRIU dumps it without its memory pages (--leave-running: it stays
     * here frozen) and serves those at {@code options.postCopy()}; the archive is exported meanwhile. The
     * returned result's {@link PageServing} holds the frozen copy until released or closed. A failure before
     * that resumes the container here.
     */
    private CheckpointResult checkpointPostCopy(ContainerRecord record, ContainerLayout layout, CheckpointOptions options,
                                                ArchiveSink sink, CheckpointProgress progress, Path logSnapshot,
                                                long start) {
        if (options.leaveRunning()) {
            throw new IllegalArgumentException("a post-copy checkpoint moves the container: it cannot leave it"
                    + " running (--leave-running)");
        }
        PipeSize.ensureAtLeast(PipeSize.LAZY_PAGES_MINIMUM).ifPresent(why -> {
            throw new ToolFailedException("cannot serve memory pages for post-copy", List.of(why));
        });
        PageServer server = options.postCopy();
        int port = server.port() == 0 ? FreePorts.pick(server.address()) : server.port();
        CheckpointRequest request = new CheckpointRequest(layout.checkpointImages(), layout.checkpointWork(),
                false, options.tcpEstablished(), host.cgroupsPath(record.id()), options.fileLocks());
        Instant frozenAt = Instant.now();
        long dumpStart = System.nanoTime();
        LazyCheckpoint lazy;
        runtime.pause(record.id());
        try {
            LogFiles.awaitQuiet(layout.log());
            Files.copy(layout.log(), logSnapshot);
            lazy = runtime.checkpointLazily(record.id(), request, server.address(), port, checkpointTimeout);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException(e);
            resumeAfterFailure(record.id(), failure);
            throw failure;
        } catch (RuntimeException e) {
            resumeAfterFailure(record.id(), e);
            throw e;
        }
        Failpoints.reach("checkpoint.after-lazy-dump"); // dumped without pages, serving them, the copy frozen here
        leave(record.id()); // the frozen copy answers no more: the target's does
        Duration runtimeDuration = Duration.ofNanos(System.nanoTime() - dumpStart);
        progress.dumped(frozenAt, runtimeDuration);
        Exported exported;
        try {
            criu.get().dumpCpuInfo(layout.checkpointImages());
            exported = export(record, layout, options, logSnapshot, sink, progress);
        } catch (RuntimeException | IOException e) {
            RuntimeException failure = e instanceof IOException io
                    ? new UncheckedIOException("export failed: " + io.getMessage(), io) : (RuntimeException) e;
            lazy.stop(Duration.ofSeconds(10));
            resumeAfterFailure(record.id(), failure);
            comeBack(record.id(), failure);
            throw failure;
        }
        // images without their pages restore nothing: the frozen copy is what a rollback resumes
        FileTrees.deleteRecursively(layout.checkpointImages());
        SourcePageServing serving = new SourcePageServing(lazy, record, layout, store, runtime, lock, postCopyLimits,
                () -> servings.remove(record.id()), () -> comeBack(record.id(), null));
        servings.put(record.id(), serving);
        return new CheckpointResult(record.id(), record.name(), exported.bytes(), frozenAt, runtimeDuration,
                Duration.ofNanos(System.nanoTime() - start), null, exported.archived(), serving)
                .withWarnings(exported.warnings());
    }

    /**
     * A checkpoint of this container was cut off by a crash (its intent is still there; the host lock is
     * ours, so its process is gone). A container left frozen is thawed. A container that runs again is
     * checkpointed anew when another migration (or a plain checkpoint) asks; the migration that was cut
     * off is told what happened instead, as is anyone when the container is stopped: its complete dump,
     * if CRIU finished one, stays here for a rollback in place.
     */
    private ContainerRecord recoverCutOff(ContainerRecord record, ContainerLayout layout, String migrationId)
            throws IOException {
        CheckpointIntent cut = Json.read(layout.checkpointIntent(), CheckpointIntent.class);
        Files.deleteIfExists(layout.checkpointIntent());
        if (runtime.state(record.id()).running()) {
            Cgroups.thaw(host.cgroupsPath(record.id()));
            if (runtime.state(record.id()).status().equals("paused")) {
                runtime.resume(record.id());
            }
        }
        boolean running = runtime.state(record.id()).running();
        if (running) {
            comeBack(record.id(), null); // a post-copy source cut off after its lazy dump had been withdrawn
            FileTrees.deleteRecursively(layout.checkpointImages());
            if (cut == null || migrationId == null || !migrationId.equals(cut.migrationId())) {
                return record;
            }
            throw new FerryException((cut.describe(record.name())) + "; the container was not moved and keeps running"
                    + " here");
        }
        ContainerRecord stopped = record.withState(ContainerState.EXITED, Instant.now(), layout.hasCheckpointImages());
        boolean sourceCopy = cut != null && cut.migrationId() != null && layout.hasCheckpointImages();
        if (sourceCopy && !cut.migrationId().equals(stopped.historyOrNone().keptForMigration())) {
            // that migration's source copy now: restored by its rollback, by hand only with --rollback (a history
            // that names the migration already was written after the dump, with its locks and log: kept)
            stopped = stopped.withHistory(stopped.historyOrNone().checkpointed(cut.at(), null, cut.fileLocks(),
                    cut.migrationId()));
        }
        store.save(stopped);
        String what = cut == null ? "a checkpoint of container " + record.name() + " was cut off" : cut.describe(record.name());
        throw new FerryException(what + "; the container is stopped" + (layout.hasCheckpointImages()
                ? " and its complete dump is kept on this host: a rollback (or `ferry restore "
                + (sourceCopy ? "--rollback " : "") + record.name() + "`) restores it in place"
                : " and no complete dump of it is kept here"));
    }

    /**
     * Runs the runtime's dump. With --leave-running the container is paused first and its log copied
     * while nothing can write to it, so the archived log ends exactly where the checkpointed process
     * stood (a copy restored from it neither repeats nor skips output); it is resumed whatever happens.
     */
    private void dump(ContainerRecord record, ContainerLayout layout, CheckpointOptions options, Path logSnapshot)
            throws IOException {
        CheckpointRequest request = new CheckpointRequest(layout.checkpointImages(), layout.checkpointWork(),
                options.leaveRunning(), options.tcpEstablished(), host.cgroupsPath(record.id()), options.fileLocks());
        if (!options.leaveRunning()) {
            runtime.checkpoint(record.id(), request, checkpointTimeout);
            return;
        }
        runtime.pause(record.id());
        try {
            LogFiles.awaitQuiet(layout.log());
            Files.copy(layout.log(), logSnapshot);
            runtime.checkpoint(record.id(), request, checkpointTimeout);
        } catch (IOException | RuntimeException e) {
            resumeAfterFailure(record.id(), e);
            throw e;
        }
        runtime.resume(record.id());
    }

    private void resumeAfterFailure(String id, Exception failure) {
        try {
            if (runtime.state(id).status().equals("paused")) {
                runtime.resume(id);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private record Exported(long bytes, CheckpointedContainer archived, List<String> warnings) {
    }

    private Exported export(ContainerRecord record, ContainerLayout layout, CheckpointOptions options, Path logSnapshot,
                            ArchiveSink sink, CheckpointProgress progress) throws IOException {
        Path diffTar = layout.checkpointWork().resolve("rootfs-diff.tar");
        RootfsDiff.Captured diff = options.ignoreRootfs() ? null
                : RootfsDiff.capture(layout.upper(), provisioner.lowerDirs(record.config()), mountDestinations(layout),
                        diffTar);
        Map<String, Path> volumeTars = new LinkedHashMap<>();
        if (!options.ignoreVolumes()) {
            for (VolumeMount v : record.config().volumes()) {
                Path tar = layout.checkpointWork().resolve("volume-" + v.name() + ".tar");
                try (OutputStream out = Files.newOutputStream(tar);
                     io.ferry.core.tar.TarWriter w = new io.ferry.core.tar.TarWriter(out)) {
                    w.addTree("", volumes.get(v.name()).mountpoint(), p -> false);
                    w.finish();
                }
                volumeTars.put(v.name(), tar);
            }
        }
        CheckpointInfo info = new CheckpointInfo(runtime.name(), runtime.version(), criu.get().version(), host.id(),
                HostFacts.kernel(), HostFacts.arch(), HostFacts.cgroupVersion(), Instant.now(),
                options.tcpEstablished(), options.leaveRunning(), diff != null, !options.ignoreVolumes(),
                options.fileLocks() ? Boolean.TRUE : null);
        CheckpointedContainer archived = new CheckpointedContainer(record.config(), info);
        var attachment = networks.attachment(record.id());
        String networkStatus = attachment.map(NetworkStatus::of).orElseGet(() -> netns.status(host.netnsName(record.id())));
        Map<String, Path> networkFiles = new LinkedHashMap<>();
        if (attachment.isPresent()) {
            networkFiles.put(ArchiveLayout.HOSTS, layout.networkFiles().resolve(ArchiveLayout.HOSTS));
            networkFiles.put(ArchiveLayout.RESOLV_CONF, layout.networkFiles().resolve(ArchiveLayout.RESOLV_CONF));
        }
        CheckpointArchiveWriter.Contents contents = new CheckpointArchiveWriter.Contents(archived, layout.spec(),
                networkStatus, layout.checkpointWork().resolve("stats-dump"),
                logSnapshot, layout.checkpointImages(), diff == null ? null : diff.tar(),
                diff == null ? null : diff.deleted(), volumeTars, networkFiles);
        // null: adaptive, decided from the dumped pages (none for incompressible memory)
        Compression compression = options.compression() != null ? options.compression()
                : AdaptiveCompression.choose(layout.checkpointImages());
        long expanded = treeSize(layout.checkpointImages()) + (diff == null ? 0 : Files.size(diff.tar()));
        for (Path t : volumeTars.values()) {
            expanded += Files.size(t);
        }
        try {
            CountingOutputStream out = new CountingOutputStream(sink.open(expanded, compression), progress);
            try {
                CheckpointArchiveWriter.write(out, compression, contents);
            } catch (IOException | RuntimeException e) {
                sink.abandon();
                try {
                    out.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            out.close();
            return new Exported(out.count(), archived, diff == null ? List.of() : diff.skippedNote().stream().toList());
        } finally {
            Files.deleteIfExists(diffTar);
            for (Path t : volumeTars.values()) {
                Files.deleteIfExists(t);
            }
        }
    }

    private static long treeSize(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    /** The spec's mount destinations: their content is not the container's writable layer. */
    private static Set<String> mountDestinations(ContainerLayout layout) {
        Set<String> out = new HashSet<>();
        for (JsonNode m : Json.readTree(layout.spec()).path("mounts")) {
            out.add(m.path("destination").asString(""));
        }
        return out;
    }

    /**
     * Restores a checkpointed container in place from the CRIU images kept on this host
     * ({@link CheckpointOptions#keepingLocalImages}): the rollback of a migration whose archive
     * never reached the target. Its network namespace and rootfs are set up again if a reboot took them.
     */
    public ContainerRecord restoreLocal(String nameOrId, boolean tcpEstablished) {
        return restoreLocal(nameOrId, tcpEstablished, false);
    }

    /** As {@link #restoreLocal(String, boolean)}, taking file locks back also when the history does not say so. */
    public ContainerRecord restoreLocal(String nameOrId, boolean tcpEstablished, boolean fileLocks) {
        return restoreLocal(nameOrId, tcpEstablished, fileLocks, true, false, true);
    }

    /**
     * As {@link #restoreLocal(String, boolean)}, for {@code ferry restore CTR}: with the file locks the
     * checkpoint holds (taken back when it was made with --file-locks, or {@code fileLocks}); {@code keep}
     * (--keep) keeps the images and CRIU's restore.log beside the container, else both go once it runs. A
     * container that runs is refused (Podman's words), not left alone as a rollback leaves it. A migration's kept
     * source copy only with {@code rollback} (--rollback: the operator says that migration failed), and only it.
     */
    public ContainerRecord restoreLocal(String nameOrId, boolean tcpEstablished, boolean fileLocks, boolean keep,
                                        boolean rollback) {
        return restoreLocal(nameOrId, tcpEstablished, fileLocks, keep, true, rollback);
    }

    private ContainerRecord restoreLocal(String nameOrId, boolean tcpEstablished, boolean fileLocks, boolean keep,
                                         boolean refuseRunning, boolean rollback) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerRecord record = store.get(nameOrId);
            SourcePageServing serving = servings.get(record.id());
            if (serving != null) {
                serving.close(); // stops serving first: CRIU would freeze the copy again when it ends
                return store.get(record.id());
            }
            if (refuseRunning && Files.exists(store.layout(record.id()).pausedByUser())) {
                throw new ConflictException("container " + record.id() + " is running or paused, cannot restore:"
                        + " container state improper"); // `ferry pause` froze it: only unpause thaws it
            }
            if (runtime.state(record.id()).status().equals("paused")) {
                if (refuseRunning) { // by hand: the copy a post-copy migration holds while its target runs the container
                    SourceCopyRule.checkHeld(record, rollback);
                }
                runtime.resume(record.id()); // held frozen by a post-copy checkpoint whose serving has ended
                comeBack(record.id(), null);
                return record;
            }
            if (runtime.state(record.id()).running()) {
                if (refuseRunning) {
                    throw new ConflictException("container " + record.id() + " is running or paused, cannot restore:"
                            + " container state improper");
                }
                return record;
            }
            ContainerLayout layout = store.layout(record.id());
            if (refuseRunning) { // by hand (a migration's own rollback restores its source copy)
                SourceCopyRule.checkRestore(record, layout, rollback);
            }
            if (!layout.hasCheckpointImages()) {
                throw new NotFoundException("container " + record.name()
                        + " has no checkpoint kept on this host");
            }
            provisioner.reattach(record.config());
            runtime.delete(record.id());
            FileTrees.deleteRecursively(layout.restoreWork());
            Files.createDirectories(layout.restoreWork());
            boolean locks = fileLocks || record.historyOrNone().heldFileLocks();
            runtime.restore(record.id(), layout.bundle(), new RestoreRequest(layout.checkpointImages(),
                    layout.restoreWork(), tcpEstablished, false, locks), layout.log(), restoreTimeout);
            Files.deleteIfExists(layout.restoreLog());
            if (keep && Files.isRegularFile(layout.restoreWork().resolve("restore.log"))) {
                Files.copy(layout.restoreWork().resolve("restore.log"), layout.restoreLog());
            }
            ContainerRecord running = new ContainerRecord(record.config(), ContainerState.RUNNING, Instant.now(), null,
                    false, record.restoredFrom(), record.migrationId(), record.historyOrNone()
                    .restoredNow(Files.exists(layout.restoreLog()) ? layout.restoreLog().toString() : null));
            store.save(running);
            if (!keep) { // Podman: the checkpoint is gone once restored, unless --keep
                FileTrees.deleteRecursively(layout.checkpointImages());
                FileTrees.deleteRecursively(layout.restoreWork());
            }
            comeBack(record.id(), null);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True while this engine serves the container's pages for post-copy: its copy here is held by CRIU
     * (runc says running meanwhile, the tasks are stopped) and frozen once the serving ends.
     */
    public boolean holdsForPostCopy(String id) {
        return servings.containsKey(id);
    }

    /**
     * Writes the archive of a stopped container from the CRIU images kept on this host and its rootfs
     * (issue 11: the registry copy of a direct migration, made after the target runs the container). No
     * dump, no freeze: the images are what was migrated. The host lock is held only to check the state,
     * not during the (long) export; nothing else changes a stopped container's kept images meanwhile.
     */
    public CheckpointResult exportKept(String nameOrId, CheckpointOptions options, ArchiveSink sink) {
        long start = System.nanoTime();
        ContainerRecord record;
        ContainerLayout layout;
        try (HostLock.Held held = lock.acquire()) {
            record = store.get(nameOrId);
            layout = store.layout(record.id());
            if (runtime.state(record.id()).running()) {
                throw new ConflictException("container " + record.name() + " runs: its kept checkpoint is not what runs");
            }
            if (!layout.hasCheckpointImages()) {
                throw new NotFoundException("container " + record.name() + " has no checkpoint kept on this host");
            }
        }
        try {
            Failpoints.reach("checkpoint.export-kept"); // a registry copy from kept images is about to be written
            Files.createDirectories(layout.checkpointWork());
            Exported exported = export(record, layout, options, layout.log(), sink, CheckpointProgress.NONE);
            return new CheckpointResult(record.id(), record.name(), exported.bytes(), null, Duration.ZERO,
                    Duration.ofNanos(System.nanoTime() - start), null, exported.archived())
                    .withWarnings(exported.warnings());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.deleteRecursively(layout.checkpointWork());
        }
    }

    /** A failed checkpoint that left the container running keeps no images: nothing will restore them. */
    private void discardImagesIfRunning(ContainerRecord record, ContainerLayout layout, RuntimeException failure) {
        try {
            if (runtime.state(record.id()).running()) {
                FileTrees.deleteRecursively(layout.checkpointImages());
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Removes the CRIU images (and work files) kept for a rollback: the container runs again, or moved on. */
    public void discardKeptCheckpoint(String nameOrId) {
        try (HostLock.Held held = lock.acquire()) {
            ContainerLayout layout = store.layout(store.get(nameOrId).id());
            FileTrees.deleteRecursively(layout.checkpointImages());
            FileTrees.deleteRecursively(layout.checkpointWork());
            FileTrees.deleteRecursively(layout.restoreWork());
        }
    }

    private void restoreInPlace(ContainerRecord record, ContainerLayout layout, CheckpointOptions options,
                                Exception cause) {
        try {
            runtime.delete(record.id());
            Files.createDirectories(layout.restoreWork());
            runtime.restore(record.id(), layout.bundle(), new RestoreRequest(layout.checkpointImages(),
                    layout.restoreWork(), options.tcpEstablished(), false, options.fileLocks()), layout.log(),
                    restoreTimeout);
            store.save(record);
            comeBack(record.id(), cause);
            cause.addSuppressed(new FerryException("the export failed after the dump; container " + record.name()
                    + " was restored from its checkpoint and keeps running"));
        } catch (RuntimeException | IOException e) {
            cause.addSuppressed(new FerryException("the export failed and restoring container " + record.name()
                    + " in place failed too; its checkpoint images remain in " + layout.checkpointImages(), e));
        }
    }

    /**
     * A container checkpointed to move: its ports are unpublished and its host-side link withdrawn, so the
     * network forgets it here (its address stays allocated to it until rm: a rollback brings it back).
     */
    private void leave(String id) {
        networks.unpublish(id);
        networks.withdraw(id);
    }

    /**
     * The container runs here again (rollback, in-place restore, a resumed post-copy source): its address is
     * announced and its ports published. A failure to do so is told with {@code cause} when there is one.
     */
    private void comeBack(String id, Exception cause) {
        try {
            if (networks.attachment(id).isPresent()) {
                networks.arrive(id);
            }
        } catch (RuntimeException e) {
            if (cause == null) {
                throw e;
            }
            cause.addSuppressed(e);
        }
    }

    private static DumpStatistics readStats(Path statsFile) {
        try {
            return Files.isRegularFile(statsFile) ? CheckpointImages.dumpStatistics(statsFile) : null;
        } catch (IOException | InvalidArchiveException e) { // statistics are a report: never fail over them
            return null;
        }
    }
}
