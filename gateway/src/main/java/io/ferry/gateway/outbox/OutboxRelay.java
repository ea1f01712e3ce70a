package io.ferry.gateway.outbox;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Relays the outbox to Kafka in order, marking entries sent once Kafka acknowledged them. A crash
 * between the send and the mark sends the entry again: consumers deduplicate by message id. With
 * several gateway instances on one database, one relays at a time (the others find the relay lock
 * taken and try again at their next turn): batches of two instances sent side by side would reorder
 * a migration's messages. A command whose migration has ended, or has turned around since (a higher
 * epoch), is dropped instead of sent: however long it waited here, it never acts late.
 */
@Component
public class OutboxRelay {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** The advisory lock's key ("ferryob" in ASCII): any number no one else on the database uses. */
    static final long RELAY_LOCK = 0x6665727279_6f62L;
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");

    private final OutboxRepository entries;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionTemplate tx;

    public OutboxRelay(OutboxRepository entries, KafkaTemplate<String, String> kafka, TransactionTemplate tx) {
        this.entries = entries;
        this.kafka = kafka;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${ferry.gateway.outbox-interval:50ms}")
    public void relay() {
        try {
            while (Boolean.TRUE.equals(tx.execute(s -> sendBatch()))) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay: {} (will retry)", e.getMessage());
        }
    }

    private boolean sendBatch() {
        if (!entries.tryRelayLock(RELAY_LOCK)) {
            return false; // another instance is relaying
        }
        List<OutboxEntry> batch = entries.lockUnsent();
        for (OutboxEntry e : batch) {
            Optional<String> superseded = superseded(e);
            if (superseded.isPresent()) {
                log.warn("outbox: dropped {} instead of sending it to {}: {}", e.getKey(), e.getTopic(), superseded.get());
                e.sent();
                continue;
            }
            try {
                kafka.send(e.getTopic(), e.getKey(), e.getPayload()).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            } catch (Exception ex) {
                throw new IllegalStateException("sending to " + e.getTopic() + " failed: " + ex.getMessage(), ex);
            }
            e.sent();
        }
        return batch.size() == 100;
    }

    /** Why a command must not go any more (its migration ended, or left its epoch); empty for events. */
    private Optional<String> superseded(OutboxEntry e) {
        if (e.getTopic().equals(Topics.EVENTS)) {
            return Optional.empty();
        }
        MigrationMessage m = MessageCodec.decode(e.getPayload());
        List<Object[]> rows = entries.stateAndEpoch(m.meta().migrationId());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String state = (String) rows.get(0)[0];
        long epoch = ((Number) rows.get(0)[1]).longValue();
        boolean awaitingCancel = Boolean.TRUE.equals(rows.get(0)[2]);
        // a migration that ended waiting for the target's cancel is rolled back when the target answers: the cancel must go
        boolean neededCancel = awaitingCancel && m instanceof MigrationMessage.CancelRestoreCommand;
        if (TERMINAL.contains(state) && !neededCancel) {
            return Optional.of(m.type() + " " + m.meta().id() + ": migration " + m.meta().migrationId() + " has ended (" + state + ")");
        }
        if (m.meta().epoch() < epoch) {
            return Optional.of(m.type() + " " + m.meta().id() + " of epoch " + m.meta().epoch() + ": migration "
                    + m.meta().migrationId() + " is at epoch " + epoch);
        }
        return Optional.empty();
    }
}
