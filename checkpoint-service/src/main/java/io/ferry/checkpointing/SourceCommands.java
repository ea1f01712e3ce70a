package io.ferry.checkpointing;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.PageServing;
import io.ferry.core.container.ContainerView;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.engine.ExportedCheckpoint;
import io.ferry.core.engine.MigrationKey;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.error.FerryException;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.spring.host.EventPublisher;
import io.ferry.spring.host.HostCommands;
import io.ferry.spring.host.HostServiceProperties;
import io.ferry.spring.host.ProcessedCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The source side of a migration. Checkpoint: dump, stream the archive to the registry, report
 * (the CRIU images stay on the host until finalize, so a rollback can restore in place). Finalize:
 * remove the stopped source copy. Rollback: make the container run here again. Every command is
 * idempotent: a redelivered one is answered from {@link ProcessedCommands}. Post-copy
 * ({@code CheckpointCommand.postCopy}): the memory pages stay here, served from a page server on
 * {@code ferry.host.page-server.address} (a free port) until the target has them all ({@link PageServers}).
 */
@Service
public class SourceCommands extends HostCommands {
    private static final Logger log = LoggerFactory.getLogger(SourceCommands.class);

    private final FerryEngine engine;
    private final MeterRegistry meters;
    private final boolean encrypt;
    private final Counter uploadedBytes;
    private final RegistryCopies copies;
    /** One registry copy at a time, off the migrations' critical path. */
    private final java.util.concurrent.ExecutorService copier = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "registry-copy");
        t.setDaemon(true);
        return t;
    });
    private final String pageServerAddress;
    private final PageServers pageServers;
    private final Duration pagesWait;

    /**
     * {@code pageServerAddress}: where this host's page servers listen, the address the target dials (one it can
     * reach; by default the address this host reaches the Kafka broker from, the hosts' shared network, never
     * all interfaces: CRIU's page server authenticates nobody). {@code pagesWait}: how long finalize lets a page server
     * finish on its own after the target said it had every page.
     */
    public SourceCommands(FerryEngine engine, EventPublisher events, ProcessedCommands processed, MeterRegistry meters,
                          HostServiceProperties properties,
                          @Value("${ferry.host.page-server.address:}") String pageServerAddress,
                          @Value("${ferry.host.page-server.finalize-wait:30s}") Duration pagesWait,
                          @Value("${spring.kafka.bootstrap-servers:}") String kafka) {
        super(events, processed);
        this.pageServerAddress = pageServerAddress.isBlank()
                ? io.ferry.spring.host.OutgoingAddress.towards(kafka).orElse("127.0.0.1") : pageServerAddress;
        this.pagesWait = pagesWait;
        this.pageServers = new PageServers(events::publish);
        this.engine = engine;
        this.encrypt = properties.encryptCheckpoints();
        this.meters = meters;
        this.uploadedBytes = Counter.builder("ferry.checkpoint.uploaded.bytes").baseUnit("bytes")
                .description("Checkpoint archive bytes streamed to the registry").register(meters);
        this.copies = new RegistryCopies(engine.host().root().resolve("registry-copies"));
    }

    @Override
    protected boolean carryOut(MigrationMessage.Command command, List<MigrationMessage> replies) {
        if (command instanceof CheckpointCommand c) {
            checkpoint(c, replies);
        } else if (command instanceof FinalizeCommand f) {
            finalizeSource(f, replies);
        } else if (command instanceof RollbackCommand r) {
            rollback(r, replies);
        } else {
            return false;
        }
        return true;
    }

    private String host() {
        return engine.host().id();
    }

    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    /** Progress is not part of the recorded replies: a redelivery does not repeat it. */
    private void progress(CheckpointCommand c, long bytes, long[] published, long now) {
        published[0] = bytes;
        published[1] = now;
        publish(new MigrationMessage.UploadProgress(c.meta().reply("uploaded-" + bytes, host()), bytes));
    }

    private void checkpoint(CheckpointCommand c, List<MigrationMessage> replies) {
        String containerId = engine.find(c.container()).map(v -> v.record().id()).orElse(null);
        emit(replies, new MigrationMessage.CheckpointStarted(c.meta().reply("started", host()), containerId));
        boolean direct = c.transferEndpoint() != null;
        // a direct transfer compresses only where it pays (null: decided from the dumped pages)
        CheckpointOptions options = new CheckpointOptions(c.leaveRunning(), c.tcpEstablished(), false, false,
                direct ? null : io.ferry.core.tar.Compression.ZSTD, !c.leaveRunning()).withFileLocks(c.fileLocks());
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            if (c.targetHost() == null) {
                throw new FerryException("the CheckpointCommand names no targetHost: a migration's archive is signed for"
                        + " the host that may restore it");
            }
            if (c.postCopy()) {
                if (c.leaveRunning()) {
                    throw new FerryException("post-copy moves the container: it cannot also leave it running here");
                }
                if (!direct) { // the target trusts only a page server signed into a direct transfer's statement
                    throw new FerryException("post-copy needs the direct transfer (its signed statement names the page"
                            + " server), and this CheckpointCommand names no transferEndpoint");
                }
                options = options.withPostCopy(new PageServer(pageServerAddress, 0));
            }
            // a fresh key per migration, wrapped to the target's trusted identity: the registry holds only ciphertext
            MigrationKey key = encrypt ? engine.newMigrationKey(c.meta().migrationId(), c.targetHost()) : null;
            ArchiveTarget target = direct
                    ? new ArchiveTarget.Direct(c.transferEndpoint(), c.meta().migrationId(), c.targetHost(),
                    key == null ? null : key.key(), key == null ? null : key.wrapped())
                    : new ArchiveTarget.Registry(c.archive(), c.meta().migrationId(), c.targetHost(),
                    key == null ? null : key.key());
            long[] published = {0, 0}; // bytes, nanoTime of the last UploadProgress
            ExportedCheckpoint r = engine.checkpoint(c.container(), options, target,
                    new CheckpointProgress() {
                        private long last;

                        @Override
                        public void dumped(Instant frozenAt, Duration dump) {
                            emit(replies, new MigrationMessage.CheckpointDumped(c.meta().reply("dumped", host()),
                                    frozenAt, dump.toMillis()));
                        }

                        @Override
                        public void exported(long bytes) {
                            uploadedBytes.increment(bytes - last);
                            last = bytes;
                            // at most one a second into Kafka and the event log (the last one follows below)
                            long now = System.nanoTime();
                            if (published[1] == 0 || now - published[1] >= PROGRESS_EVERY_NANOS) {
                                progress(c, bytes, published, now);
                            }
                        }
                    });
            if (published[0] != r.archiveSize() && r.archiveSize() > 0) {
                progress(c, r.archiveSize(), published, System.nanoTime()); // the final count
            }
            PageServing pages = r.result().pageServing();
            if (pages != null) {
                pageServers.serve(c, pages, host());
            } else if (c.postCopy()) {
                log.warn("migration {} asked for post-copy, but the engine dumped every page (no page server)",
                        c.meta().migrationId());
            }
            // the registry copy is owed, written from the kept images after finalize; a post-copy's kept images hold
            // no memory pages (they went to the target from the page server): no archive of them would restore
            if (direct && !c.leaveRunning() && pages == null) {
                copies.record(new RegistryCopies.Pending(c.meta().migrationId(), c.container(), c.archive(), c.targetHost(),
                        c.meta().epoch(), false));
            }
            emit(replies, new MigrationMessage.CheckpointCompleted(c.meta().reply("completed", host()), c.archive(),
                    r.archiveDigest(), r.archiveSize(), r.result().frozenAt(), r.result().runtimeDuration().toMillis(),
                    r.result().totalDuration().toMillis(), r.result().statistics(), r.manifestDigest(),
                    key == null ? null : key.wrapped(), direct, direct ? r.signature() : null,
                    pages == null ? null : pages.endpoint().hostPort()));
            if (c.leaveRunning()) { // the source runs on: no rollback needs the archive, and no finalize comes to forget it
                engine.forgetMigrationKey(c.meta().migrationId());
            }
            outcome = "completed";
        } catch (FerryException | UncheckedIOException | IllegalArgumentException e) {
            boolean running = running(c.container());
            engine.forgetMigrationKey(c.meta().migrationId()); // no archive of this migration to open any more
            // CRIU's refusal of a container holding locks names the migration's option, not `ferry checkpoint`'s
            String reason = FerryEngine.migrationFailure(e.getMessage());
            log.warn("checkpoint of {} failed (running: {}): {}", c.container(), running, reason);
            emit(replies, new MigrationMessage.CheckpointFailed(c.meta().reply("failed", host()), reason, running));
            if (running) { // the migration ends here (no rollback, no finalize): nothing will read the archive with it
                engine.forgetMigrationKey(c.meta().migrationId());
            }
        } finally {
            sample.stop(Timer.builder("ferry.checkpoint.duration").tag("outcome", outcome)
                    .description("Checkpoint and upload of a container").publishPercentileHistogram().register(meters));
        }
    }

    /**
     * Removes the stopped source copy and its kept images. A copy that runs is left alone and reported
     * ({@code sourceRunning}): two copies run, and the gateway decides which one goes, never this side.
     */
    private void finalizeSource(FinalizeCommand f, List<MigrationMessage> replies) {
        // post-copy: the target said it has every page; the page server ends before the copy it serves from goes
        pageServers.finish(f.meta().migrationId(), pagesWait);
        boolean sourceRunning = false;
        Optional<RegistryCopies.Pending> owed = copies.find(f.meta().migrationId());
        boolean copyLater = false;
        try {
            Optional<ContainerView> view = engine.find(f.container());
            sourceRunning = view.isPresent() && view.get().running();
            if (view.isPresent() && !sourceRunning && owed.isPresent()) {
                copies.record(owed.get().finalizedNow()); // the copy is made, then the stopped copy goes (below)
                copyLater = true;
            } else if (view.isPresent() && !sourceRunning) {
                engine.containers().remove(f.container(), false); // the stopped source copy and its kept images
            }
        } catch (FerryException e) {
            log.warn("finalizing {}: {}", f.container(), e.getMessage());
            sourceRunning = running(f.container());
        }
        if (sourceRunning) {
            log.warn("finalize of migration {}: {} runs on this host, left alone and reported", f.meta().migrationId(),
                    f.container());
        } else if (!copyLater) {
            engine.forgetMigrationKey(f.meta().migrationId());
        }
        if (!copyLater) {
            owed.ifPresent(p -> copies.remove(p.migrationId()));
        }
        emit(replies, new MigrationMessage.SourceFinalized(f.meta().reply("finalized", host()), sourceRunning));
        if (copyLater) { // the migration does not wait for it
            copies.find(f.meta().migrationId()).ifPresent(p -> copier.submit(() -> storeCopy(p)));
        }
    }

    /**
     * Issue 11: writes the registry archive of a direct migration (audit, replay, restore elsewhere) from the
     * images the stopped source copy kept, reports ArchiveStored or ArchiveStoreFailed, then removes the stopped
     * copy and its images, the migration's key, and the record. Never fails the migration: it has ended.
     */
    private void storeCopy(RegistryCopies.Pending p) {
        io.ferry.protocol.Meta meta = new io.ferry.protocol.Meta(p.migrationId() + "/registry-copy", p.migrationId(), host(),
                Instant.now(), io.ferry.protocol.Meta.VERSION, p.epoch());
        try {
            Optional<ArchiveKey> key = engine.keptMigrationKey(p.migrationId());
            if (encrypt && key.isEmpty()) {
                throw new FerryException("the key of migration " + p.migrationId() + " is no longer kept here: its registry"
                        + " copy would be plaintext, and this host encrypts checkpoints");
            }
            ExportedCheckpoint r = engine.archiveKept(p.container(), new ArchiveTarget.Registry(p.archive(),
                    p.migrationId(), p.targetHost(), key.orElse(null)));
            log.info("stored the registry copy of direct migration {}: {} ({} bytes)", p.migrationId(), p.archive(),
                    r.archiveSize());
            publish(new MigrationMessage.ArchiveStored(meta.reply("stored", host()), p.archive(), r.manifestDigest(),
                    r.archiveSize()));
        } catch (RuntimeException e) {
            log.warn("the registry copy of direct migration {} failed: {}", p.migrationId(), e.getMessage());
            publish(new MigrationMessage.ArchiveStoreFailed(meta.reply("failed", host()), e.getMessage()));
        } finally {
            try {
                Optional<ContainerView> view = engine.find(p.container());
                if (view.isPresent() && !view.get().running()) {
                    engine.containers().remove(p.container(), false); // the stopped source copy and its kept images
                }
                engine.forgetMigrationKey(p.migrationId());
                copies.remove(p.migrationId());
            } catch (RuntimeException e) {
                log.error("removing the source copy of {} after its registry copy: {}", p.migrationId(), e.getMessage());
            }
        }
    }

    /**
     * At start: registry copies a killed service owed for migrations that were finalized are finished (the
     * images are still here) or dropped when they are gone, logged either way; those of migrations still
     * under way wait for their finalize or rollback.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void resumeRegistryCopies() {
        for (RegistryCopies.Pending p : copies.all()) {
            if (!p.finalized()) {
                continue;
            }
            if (engine.find(p.container()).filter(v -> !v.running()).isPresent()) {
                log.warn("finishing the registry copy of direct migration {} that a restart cut off", p.migrationId());
                copier.submit(() -> storeCopy(p));
            } else {
                log.warn("dropping the registry copy of direct migration {}: the stopped source copy is gone", p.migrationId());
                copies.remove(p.migrationId());
                publish(new MigrationMessage.ArchiveStoreFailed(new io.ferry.protocol.Meta(p.migrationId() + "/registry-copy",
                        p.migrationId(), host(), Instant.now(), io.ferry.protocol.Meta.VERSION, p.epoch()).reply("dropped", host()),
                        "the source copy's kept images were gone when the service started again"));
            }
        }
    }

    private void rollback(RollbackCommand r, List<MigrationMessage> replies) {
        pageServers.stop(r.meta().migrationId()); // post-copy: the engine brings the container back if no page went yet
        try {
            // in place from the kept images; only without them from the archive, opened with the key this host kept
            ArchiveSource.Registry archive = ArchiveSource.Registry.ofRollback(r.archive(), r.meta().migrationId());
            Optional<ArchiveKey> key = engine.keptMigrationKey(r.meta().migrationId());
            boolean running = engine.rollback(r.container(), key.map(archive::withKey).orElse(archive), r.fileLocks());
            if (running) {
                copies.remove(r.meta().migrationId()); // runs here again: no registry copy of the move is owed
                engine.forgetMigrationKey(r.meta().migrationId());
            }
            emit(replies, new MigrationMessage.RolledBack(r.meta().reply("rolled-back", host()), running));
        } catch (FerryException | UncheckedIOException e) {
            log.error("rollback of {} failed: {}", r.container(), e.getMessage());
            emit(replies, new MigrationMessage.RollbackFailed(r.meta().reply("rollback-failed", host()), e.getMessage()));
        }
    }

    private boolean running(String container) {
        return engine.find(container).map(ContainerView::running).orElse(false);
    }
}
