package io.ferry.restoring;

import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerView;
import io.ferry.core.container.Reconciliation;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.spring.host.EventPublisher;
import io.ferry.spring.host.HostCommands;
import io.ferry.spring.host.HostServiceProperties;
import io.ferry.spring.host.ProcessedCommands;
import io.ferry.spring.host.RestoredMigrations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The target side of a migration. Restore: the image is pulled if missing (through the host's
 * image-service when configured), the archive streams from the registry with its digest checked,
 * the dependency checks run, and the container is restored. A restore cut off by a crash is
 * picked up again on redelivery: a running copy counts as done, a half-made one is removed first.
 * Cancel: remove the copy this migration made, if any. Which copy a migration made is recorded with
 * the container ({@code ContainerRecord.migrationId}), never guessed from names or registry tags.
 * Post-copy ({@code RestoreCommand.pageServer}): RestoreCompleted(pagesPending) as soon as the copy runs, and
 * the page fetching's outcome later ({@link PostCopyFetches}).
 */
@Service
public class TargetCommands extends HostCommands implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(TargetCommands.class);

    private final FerryEngine engine;
    private final RestoredMigrations restoredMigrations;
    private final MeterRegistry meters;
    private final boolean requireEncrypted;
    private final PostCopyFetches postCopy;

    public TargetCommands(FerryEngine engine, EventPublisher events, ProcessedCommands processed, MeterRegistry meters,
                          HostServiceProperties properties,
                          @Value("${spring.application.name:restore-service}") String service,
                          @Value("${ferry.host.progress-tick:60s}") Duration progressTick) {
        super(events, processed);
        this.engine = engine;
        this.restoredMigrations = processed.restored();
        this.requireEncrypted = properties.encryptCheckpoints();
        this.meters = meters;
        this.postCopy = new PostCopyFetches(engine.host().root().resolve("services").resolve(service).resolve("post-copy"),
                m -> {
                    events.publish(m);
                    recordWithCommand(processed, m);
                }, new PostCopyFetches.Copies() {
                    @Override
                    public boolean exists(String migrationId) {
                        return engine.restoredBy(migrationId).isPresent();
                    }

                    @Override
                    public void remove(String migrationId) {
                        engine.restoredBy(migrationId).ifPresent(v -> engine.containers().remove(v.record().id(), true));
                    }
                }, progressTick);
    }

    /**
     * A post-copy outcome joins the replies of the RestoreCommand it follows (whose reply ids it shares), so a
     * redelivered command is answered with it too.
     */
    private static void recordWithCommand(ProcessedCommands processed, MigrationMessage outcome) {
        String id = outcome.meta().id();
        String command = id.substring(0, id.lastIndexOf('/'));
        if (outcome instanceof MigrationMessage.RestoreProgress) {
            return; // progress is never part of the replies
        }
        processed.replies(command).ifPresent(replies -> {
            List<MigrationMessage> with = new ArrayList<>(replies);
            with.add(outcome);
            processed.record(command, with);
        });
    }

    /**
     * Transfers this service was watching when it stopped: their daemon is gone (see {@link PostCopyFetches}).
     * Before the command listeners start, so a redelivered RestoreCommand finds them reported already.
     */
    @Override
    public void afterSingletonsInstantiated() {
        try {
            List<String> lost = postCopy.lostAtRestart();
            if (!lost.isEmpty()) {
                log.error("post-copy restores cut off by this service's restart, reported lost: {}", lost);
            }
        } catch (RuntimeException e) {
            log.error("checking post-copy restores at start: {}", e.getMessage(), e);
        }
    }

    @Override
    protected boolean carryOut(MigrationMessage.Command command, List<MigrationMessage> replies) {
        if (command instanceof RestoreCommand r) {
            restore(r, replies);
        } else if (command instanceof CancelRestoreCommand c) {
            cancel(c, replies);
        } else {
            return false;
        }
        return true;
    }

    private String host() {
        return engine.host().id();
    }

    private void restore(RestoreCommand r, List<MigrationMessage> replies) {
        long start = System.nanoTime();
        emit(replies, new MigrationMessage.RestoreStarted(r.meta().reply("started", host())));
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            // a restore killed after the runtime made its copy left it running under a RESTORING record: adopted here
            Reconciliation reconciled = engine.reconcile();
            if (reconciled.changedAnything()) {
                log.warn("before restoring for {}: adopted {}, removed {}", r.meta().migrationId(), reconciled.adopted(),
                        reconciled.removed());
            }
            Optional<ContainerView> earlier = engine.restoredBy(r.meta().migrationId());
            Optional<String> restoredBefore = restoredMigrations.containerOf(r.meta().migrationId());
            ContainerRecord restored;
            long restoreMillis;
            boolean again = false;
            boolean pagesPending = postCopy.of(r.meta().migrationId()).isPresent(); // a post-copy copy made before
            Optional<MigrationMessage> fetched = postCopy.outcome(r);
            if (fetched.isPresent() && fetched.get() instanceof MigrationMessage.PostCopyFailed) {
                emit(replies, fetched.get()); // asked again after its transfer broke off: its copy is gone, say so again
                outcome = "post-copy-failed";
                return;
            }
            if (earlier.isEmpty() && restoredBefore.isPresent()) {
                // its copy was moved on or removed since: the old archive must not run a second time
                throw new ConflictException("this host restored migration " + r.meta().migrationId() + " before (container "
                        + restoredBefore.get() + "), and that copy is no longer here: a migration is restored once");
            }
            if (earlier.isPresent() && (earlier.get().running() || restoredBefore.isPresent())) {
                // restored before a crash cut off the reply (a copy that has exited since is its own doing: not run again)
                restored = earlier.get().record();
                restoreMillis = 0;
                again = true;
            } else {
                if (earlier.isPresent()) {
                    engine.containers().remove(earlier.get().record().id(), true); // half-made by a crashed attempt
                }
                emit(replies, new MigrationMessage.RestoreProgress(r.meta().reply("restoring", host()), "restoring"));
                RestoreOptions options = new RestoreOptions(r.name(), r.tcpEstablished(), false, false)
                        .forMigration(r.meta().migrationId()).withFileLocks(r.fileLocks());
                if (r.pageServer() != null) {
                    if (!r.direct()) { // a registry archive's signature does not cover a page server; a direct transfer's does
                        throw new UntrustedCheckpointException("the RestoreCommand of migration " + r.meta().migrationId()
                                + " asks for post-copy from " + r.pageServer() + " without a direct transfer: memory pages"
                                + " are fetched only from the page server the source signed into its direct transfer");
                    }
                    options = options.withPostCopyFrom(PageServer.parse(r.pageServer()));
                    // before the copy exists: killed once it runs, the restarted service finds it and reports it lost
                    postCopy.pending(r);
                }
                RestoreResult result;
                try {
                    result = r.direct()
                            // the stream the source sent here, once its digest and the source's signature over it check out
                            ? engine.transfers().restore(r.meta().migrationId(), requireSource(r), r.archiveDigest(),
                            r.signature(), r.wrappedKey(), requireEncrypted, options)
                            : engine.restore(pinnedArchive(r), options);
                } catch (RuntimeException e) {
                    postCopy.forget(r.meta().migrationId()); // no copy: nothing to fetch pages for
                    throw e;
                }
                restored = result.container();
                restoreMillis = result.runtimeDuration().toMillis();
                if (result.pageFetching() != null) {
                    postCopy.watch(r, result.pageFetching());
                    pagesPending = true;
                } else if (r.pageServer() != null) {
                    postCopy.forget(r.meta().migrationId());
                    log.warn("migration {} asked for post-copy, but the engine restored it whole (no page fetching)",
                            r.meta().migrationId());
                }
            }
            restoredMigrations.record(r.meta().migrationId(), restored.id()); // before anyone is told it runs
            emit(replies, new MigrationMessage.RestoreCompleted(r.meta().reply("completed", host()), restored.id(),
                    restored.name(), Instant.now(), restoreMillis, (System.nanoTime() - start) / 1_000_000, pagesPending));
            if (again) {
                postCopy.outcome(r).ifPresent(done -> emit(replies, done)); // asked again: the pages arrived since
            }
            outcome = "completed";
        } catch (FerryException | UncheckedIOException | IllegalArgumentException e) {
            log.warn("restore of {} failed: {}", r.archive(), e.getMessage());
            emit(replies, new MigrationMessage.RestoreFailed(r.meta().reply("failed", host()), e.getMessage()));
        } finally {
            if (r.direct()) {
                discardTransfer(r.meta().migrationId()); // restored, refused or failed: a migration's stream is used once
            }
            sample.stop(Timer.builder("ferry.restore.duration").tag("outcome", outcome)
                    .description("Restore of a container from a registry archive").publishPercentileHistogram()
                    .register(meters));
        }
    }

    private static String requireSource(RestoreCommand r) {
        if (r.sourceHost() == null) {
            throw new UntrustedCheckpointException("the direct RestoreCommand of migration " + r.meta().migrationId()
                    + " names no sourceHost: a direct transfer is restored only when its source host signed it");
        }
        return r.sourceHost();
    }

    private void discardTransfer(String migrationId) {
        try {
            engine.transfers().discard(migrationId);
        } catch (RuntimeException e) {
            log.warn("removing the staged transfer of {}: {}", migrationId, e.getMessage());
        }
    }

    /**
     * The command's archive, pulled by the manifest digest the source reported (an overwritten tag is
     * never restored) and restored only if the source host signed it for this migration and this host.
     */
    private ArchiveSource pinnedArchive(RestoreCommand r) {
        if (r.manifestDigest() == null || r.sourceHost() == null) {
            throw new UntrustedCheckpointException("the RestoreCommand for " + r.archive() + " names no "
                    + (r.manifestDigest() == null ? "manifestDigest" : "sourceHost") + ": this host restores a migration's"
                    + " archive only pinned to its manifest and signed by its source host");
        }
        ArchiveSource.Registry pinned = ArchiveSource.Registry.ofMigration(r.archive(), r.manifestDigest(),
                r.meta().migrationId(), r.sourceHost());
        if (r.wrappedKey() == null) {
            if (requireEncrypted) {
                throw new UntrustedCheckpointException("the RestoreCommand for " + r.archive() + " carries no checkpoint key:"
                        + " this host restores only encrypted migration archives (ferry.host.encrypt-checkpoints)");
            }
            return pinned;
        }
        // the key was wrapped to this host's own key for this migration: nobody else (the gateway included) can open it;
        // the engine opens it after the archive's pin and signature are verified
        return pinned.withWrappedKey(r.wrappedKey());
    }

    /**
     * Removes the copy this command's migration made here, if any (it is found by its migration id), and
     * says exactly what is left: nothing was there, removed, or a copy is left (running or not) because its
     * removal failed. A running copy that stays must not let the source roll back (two copies).
     */
    private void cancel(CancelRestoreCommand c, List<MigrationMessage> replies) {
        boolean removed = false;
        String problem = null;
        discardTransfer(c.meta().migrationId()); // whatever the source streamed here for it goes too
        try {
            Optional<ContainerView> made = engine.restoredBy(c.meta().migrationId());
            if (made.isPresent()) {
                engine.containers().remove(made.get().record().id(), true);
                removed = true;
            }
        } catch (FerryException | UncheckedIOException e) {
            problem = e.getMessage();
            log.warn("cancelling the restore of {}: {}", c.archive(), problem);
        }
        boolean copyLeft = false;
        boolean copyRunning = false;
        if (!removed) {
            try {
                Optional<ContainerView> left = engine.restoredBy(c.meta().migrationId());
                copyLeft = left.isPresent();
                copyRunning = left.map(ContainerView::running).orElse(false);
            } catch (FerryException | UncheckedIOException e) {
                // what is here is unknown: say a copy may run, so the source is not rolled back into a second one
                copyLeft = true;
                copyRunning = true;
                problem = (problem == null ? "" : problem + "; ") + "cannot tell what runs here: " + e.getMessage();
            }
        }
        emit(replies, new MigrationMessage.RestoreCancelled(c.meta().reply("cancelled", host()), removed, copyLeft,
                copyRunning, copyLeft ? problem : null));
    }
}
