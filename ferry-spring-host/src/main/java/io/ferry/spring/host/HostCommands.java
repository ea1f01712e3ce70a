package io.ferry.spring.host;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One side of a host (checkpoint or restore) answering the commands on its topic, each at most
 * once: a redelivered or duplicated command gets the replies it got before (same ids, from
 * {@link ProcessedCommands}) and changes nothing. Fencing: a command of an epoch lower than the highest this
 * side has seen for its migration ({@link CommandEpochs}) is refused and answered with CommandRefused.
 * Subclasses carry out the commands they know.
 */
public abstract class HostCommands {
    private static final Logger log = LoggerFactory.getLogger(HostCommands.class);

    private final EventPublisher events;
    private final ProcessedCommands processed;

    protected HostCommands(EventPublisher events, ProcessedCommands processed) {
        this.events = events;
        this.processed = processed;
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
        if (carryOut(command, replies)) {
            processed.record(command.meta().id(), replies);
        } else {
            log.warn("{} does not handle {}", getClass().getSimpleName(), command.type());
        }
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

    protected void emit(List<MigrationMessage> replies, MigrationMessage m) {
        events.publish(m);
        replies.add(m);
    }
}
