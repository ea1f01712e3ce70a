package io.ferry.gateway.outbox;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.springframework.stereotype.Service;

/** Queues a message for Kafka inside the current transaction: commands to their host's topic, events to the events topic. */
@Service
public class Outbox {
    private final OutboxRepository entries;

    public Outbox(OutboxRepository entries) {
        this.entries = entries;
    }

    public void add(MigrationMessage m) {
        String topic = m instanceof MigrationMessage.Command c ? Topics.commandTopic(c) : Topics.EVENTS;
        entries.save(new OutboxEntry(topic, m.meta().migrationId(), MessageCodec.encode(m)));
    }
}
