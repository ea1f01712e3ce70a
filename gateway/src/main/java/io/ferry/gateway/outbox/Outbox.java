package io.ferry.gateway.outbox;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Queues a message for Kafka inside the current transaction: commands to their host's topic, events to the events topic. */
@Service
public class Outbox {
    private final OutboxRepository entries;
    private final OutboxWakeup wakeup;

    public Outbox(OutboxRepository entries, OutboxWakeup wakeup) {
        this.entries = entries;
        this.wakeup = wakeup;
    }

    public void add(MigrationMessage m) {
        String topic = m instanceof MigrationMessage.Command c ? Topics.commandTopic(c) : Topics.EVENTS;
        entries.save(new OutboxEntry(topic, m.meta().migrationId(), MessageCodec.encode(m)));
        if (TransactionSynchronizationManager.isSynchronizationActive()) { // relayed once committed, not before
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeup.wake();
                }
            });
        }
    }
}
