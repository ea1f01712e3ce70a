package io.ferry.spring.host;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One side of a host (checkpoint or restore) answering the commands on its topic, each at most
 * once: a redelivered or duplicated command gets the replies it got before (same ids, from
 * {@link ProcessedCommands}) and changes nothing. Fencing: a command of an epoch lower than the highest this
 * side has seen for its migration ({@link CommandEpochs}) is refused and answered with CommandRefused.
 * Subclasses carry out the commands they know.
 */
public abstract class HostCommands {
    private static final Logger log = LoggerFactory.getLogger(HostCommands.class);

    /** One daemon thread for every side's "still working" ticks: they are rare and tiny. */
    private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-progress-tick");
        t.setDaemon(true);
        return t;
    });

    /** A command's outcome: recorded before it is sent, so a crash right after sending cannot run the command again. */
    private static final Set<Class<?>> OUTCOMES = Set.of(MigrationMessage.CheckpointCompleted.class,
            MigrationMessage.CheckpointFailed.class, MigrationMessage.RestoreCompleted.class,
            MigrationMessage.RestoreFailed.class, MigrationMessage.RestoreCancelled.class,
            MigrationMessage.SourceFinalized.class, MigrationMessage.RolledBack.class, MigrationMessage.RollbackFailed.class,
            MigrationMessage.CommandRefused.class);

    private final EventPublisher events;
    private final ProcessedCommands processed;
    /** The command the handling thread is carrying out (each listener thread handles one at a time). */
    private final ThreadLocal<String> current = new ThreadLocal<>();
    private Duration progressTick = Duration.ofSeconds(60);

    protected HostCommands(EventPublisher events, ProcessedCommands processed) {
        this.events = events;
        this.processed = processed;
    }

    /**
     * How often a long restore says it is still at work (a RestoreProgress), so the gateway's stage timeout,
     * which counts from the last report, does not run out on a restore that is alive.
     */
    @Autowired(required = false)
    public void setProgressTick(@Value("${ferry.host.progress-tick:60s}") Duration progressTick) {
        this.progressTick = progressTick;
    }

    /**
     * One record from the command topic: a Ferry message that is not a command is logged and skipped;
     * one that is not a Ferry message at all fails to decode, and KafkaErrorHandling skips it.
     */
    public void onRecord(String json) {
        MigrationMessage message = MessageCodec.decode(json);
        if (message instanceof MigrationMessage.Command command) {
            handle(command);
        } else {
            log.warn("ignoring {} on a command topic", message.type());
        }
    }

    public void handle(MigrationMessage.Command command) {
        Optional<List<MigrationMessage>> done = processed.replies(command.meta().id());
        if (done.isPresent()) {
            log.info("{} {} was handled before: sending its replies again", command.type(), command.meta().id());
            done.get().forEach(events::publish);
            return;
        }
        List<MigrationMessage> replies = new ArrayList<>();
        String migration = command.meta().migrationId();
        long seen = processed.epochs().seen(migration);
        if (command.meta().epoch() < seen) {
            // decided before the migration turned around (a command late from the outbox or Kafka): it must not act
            log.warn("refused {} {} of epoch {}: migration {} is at epoch {} here", command.type(), command.meta().id(),
                    command.meta().epoch(), migration, seen);
            emit(replies, new MigrationMessage.CommandRefused(command.meta().reply("refused", command.meta().hostId()),
                    command.type(), command.meta().id(), seen));
            processed.record(command.meta().id(), replies);
            return;
        }
        processed.epochs().raise(migration, command.meta().epoch()); // on disk before anything is done
        ScheduledFuture<?> ticks = command instanceof MigrationMessage.RestoreCommand ? stillRestoring(command) : null;
        boolean handled;
        current.set(command.meta().id());
        try {
            handled = carryOut(command, replies);
        } finally {
            current.remove();
            if (ticks != null) {
                ticks.cancel(false);
            }
        }
        if (handled) {
            processed.record(command.meta().id(), replies);
        } else {
            log.warn("{} does not handle {}", getClass().getSimpleName(), command.type());
        }
    }

    /** Ticks while the restore runs; not part of the replies (a redelivery does not repeat them). */
    private ScheduledFuture<?> stillRestoring(MigrationMessage.Command command) {
        AtomicInteger n = new AtomicInteger();
        long every = progressTick.toMillis();
        return TICKS.scheduleAtFixedRate(() -> {
            try {
                events.publish(new MigrationMessage.RestoreProgress(command.meta().reply("still-restoring-" + n.incrementAndGet(),
                        command.meta().hostId()), "still restoring"));
            } catch (RuntimeException e) {
                log.warn("progress tick of {}: {}", command.meta().id(), e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Carries out a command, sending each reply with {@link #emit}; false when this side does not
     * handle that command type.
     */
    protected abstract boolean carryOut(MigrationMessage.Command command, List<MigrationMessage> replies);

    /** A progress event: sent, but not part of the replies a redelivered command gets again. */
    protected void publish(MigrationMessage m) {
        events.publish(m);
    }

    /**
     * A reply to the command being carried out. An outcome (completed, failed, ...) is recorded with the replies
     * so far before it is sent: killed after sending it, the service answers the redelivered command from the
     * record instead of carrying it out a second time (a failed restore tried again while the source rolls back
     * would make a second copy).
     */
    protected void emit(List<MigrationMessage> replies, MigrationMessage m) {
        replies.add(m);
        String command = current.get();
        if (command != null && OUTCOMES.contains(m.getClass())) {
            processed.record(command, replies);
        }
        events.publish(m);
    }
}
