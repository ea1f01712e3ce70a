package io.ferry.restoring;

import io.ferry.protocol.ArchiveAnnotations;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerView;
import io.ferry.core.error.FerryException;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.checkpoint.CheckpointAnnotations;
import io.ferry.spring.host.EventPublisher;
import io.ferry.spring.host.HostCommands;
import io.ferry.spring.host.ProcessedCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The target side of a migration. Restore: the image is pulled if missing (through the host's
 * image-service when configured), the archive streams from the registry with its digest checked,
 * the dependency checks run, and the container is restored. A restore cut off by a crash is
 * picked up again on redelivery: a running copy counts as done, a half-made one is removed first.
 * Cancel: remove the copy this migration made, if any.
 */
@Service
public class TargetCommands extends HostCommands {
    private static final Logger log = LoggerFactory.getLogger(TargetCommands.class);

    private final FerryEngine engine;
    private final MeterRegistry meters;

    public TargetCommands(FerryEngine engine, EventPublisher events, ProcessedCommands processed, MeterRegistry meters) {
        super(events, processed);
        this.engine = engine;
        this.meters = meters;
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
            String name = expectedName(r.name(), r.archive());
            Optional<ContainerView> earlier = madeBy(r, name);
            ContainerRecord restored;
            long restoreMillis;
            if (earlier.isPresent() && earlier.get().running()) {
                restored = earlier.get().record(); // restored before a crash cut off the reply
                restoreMillis = 0;
            } else {
                if (earlier.isPresent()) {
                    engine.containers().remove(name, true); // half-made by a crashed attempt
                }
                emit(replies, new MigrationMessage.RestoreProgress(r.meta().reply("restoring", host()), "restoring"));
                RestoreResult result = engine.restoreFromRegistry(r.archive(),
                        new RestoreOptions(r.name(), r.tcpEstablished(), false, false));
                restored = result.container();
                restoreMillis = result.runtimeDuration().toMillis();
            }
            emit(replies, new MigrationMessage.RestoreCompleted(r.meta().reply("completed", host()), restored.id(),
                    restored.name(), Instant.now(), restoreMillis, (System.nanoTime() - start) / 1_000_000));
            outcome = "completed";
        } catch (FerryException | UncheckedIOException | IllegalArgumentException e) {
            log.warn("restore of {} failed: {}", r.archive(), e.getMessage());
            emit(replies, new MigrationMessage.RestoreFailed(r.meta().reply("failed", host()), e.getMessage()));
        } finally {
            sample.stop(Timer.builder("ferry.restore.duration").tag("outcome", outcome)
                    .description("Restore of a container from a registry archive").publishPercentileHistogram()
                    .register(meters));
        }
    }

    /** The name the restored container has: the new name, or the archived one (from the artifact). */
    private String expectedName(String newName, String archive) {
        return newName != null ? newName : engine.describeArchive(archive).get(ArchiveAnnotations.CONTAINER_NAME);
    }

    /** The container of that name here, if this command's migration restored it. */
    private Optional<ContainerView> madeBy(MigrationMessage.Command command, String name) {
        return engine.containers().store().find(name).map(engine.containers()::view)
                .filter(v -> command.meta().migrationId().equals(migrationOf(v)));
    }

    /** Which migration made a container here: its record says where it was restored from. */
    private static String migrationOf(ContainerView view) {
        String from = view.record().restoredFrom();
        return from == null ? null : from.substring(from.lastIndexOf(':') + 1);
    }

    private void cancel(CancelRestoreCommand c, List<MigrationMessage> replies) {
        boolean removed = false;
        try {
            String name = expectedName(c.name(), c.archive());
            if (madeBy(c, name).isPresent()) {
                engine.containers().remove(name, true);
                removed = true;
            }
        } catch (FerryException | UncheckedIOException e) {
            log.warn("cancelling the restore of {}: {}", c.archive(), e.getMessage());
        }
        emit(replies, new MigrationMessage.RestoreCancelled(c.meta().reply("cancelled", host()), removed));
    }
}
