package io.ferry.gateway.messaging;

import io.ferry.gateway.host.Hosts;
import io.ferry.gateway.migration.MigrationCoordinator;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The gateway's Kafka inputs: hosts' reports (ferry.migration.events), migration requests from
 * other systems (ferry.migration.requests, handled exactly as a REST request), and heartbeats.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaListeners {
    private static final Logger log = LoggerFactory.getLogger(KafkaListeners.class);

    private final MigrationCoordinator coordinator;
    private final Hosts hosts;

    public KafkaListeners(MigrationCoordinator coordinator, Hosts hosts) {
        this.coordinator = coordinator;
        this.hosts = hosts;
    }

    @Bean
    NewTopic eventsTopic() {
        return TopicBuilder.name(Topics.EVENTS).partitions(6).build();
    }

    @Bean
    NewTopic requestsTopic() {
        return TopicBuilder.name(Topics.REQUESTS).partitions(6).build();
    }

    @Bean
    NewTopic heartbeatsTopic() {
        return TopicBuilder.name(Topics.HEARTBEATS).partitions(3).compact().build();
    }

    @KafkaListener(topics = Topics.EVENTS, groupId = "ferry-gateway")
    public void event(String json) {
        coordinator.handle(MessageCodec.decode(json)); // a malformed record: KafkaErrorHandling logs and skips it
    }

    @KafkaListener(topics = Topics.REQUESTS, groupId = "ferry-gateway-requests")
    public void request(String json) {
        MigrationMessage m = MessageCodec.decode(json);
        if (!(m instanceof MigrationMessage.MigrateRequested)) {
            log.warn("ignoring {} on {}: only MigrateRequested belongs there", m.type(), Topics.REQUESTS);
            return;
        }
        coordinator.handle(m);
    }

    @KafkaListener(topics = Topics.HEARTBEATS, groupId = "ferry-gateway-hosts")
    public void heartbeat(String json) {
        hosts.record(MessageCodec.decodeHeartbeat(json));
    }
}
