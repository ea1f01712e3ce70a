package io.ferry.spring.host;

import io.ferry.core.host.Host;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a host's reports to its own ferry.host.ID.events, keyed by migration id. Sends are awaited:
 * a command's offset is committed only after its replies are in Kafka (at-least-once).
 */
@Component
public class EventPublisher {
    private final KafkaTemplate<String, String> kafka;
    private final String topic;

    public EventPublisher(KafkaTemplate<String, String> kafka, Host host) {
        this.kafka = kafka;
        this.topic = Topics.hostEvents(host.id());
    }

    public void publish(MigrationMessage message) {
        try {
            kafka.send(topic, message.meta().migrationId(), MessageCodec.encode(message)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing " + message.type(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish " + message.type() + " to Kafka: " + e.getMessage(), e);
        }
    }
}
