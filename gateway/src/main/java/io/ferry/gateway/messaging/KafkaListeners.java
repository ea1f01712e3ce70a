package io.ferry.gateway.messaging;

import io.ferry.gateway.host.Hosts;
import io.ferry.gateway.migration.MigrationCoordinator;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.Identifiers;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The gateway's Kafka inputs: hosts' reports (ferry.host.ID.events), migration requests from other
 * systems (ferry.migration.requests.PRINCIPAL, handled exactly as a REST request), and heartbeats
 * (ferry.host.ID.heartbeats). Kafka's ACLs let only host ID's principal write its topics and only a
 * requester its own, so the topic says who wrote a record: a report claiming another host, or a
 * request claiming another requester, is refused here.
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

    @KafkaListener(topicPattern = Topics.HOST_EVENTS_PATTERN, groupId = "ferry-gateway")
    public void event(ConsumerRecord<String, String> record) {
        MigrationMessage m = MessageCodec.decode(record.value()); // a malformed record: KafkaErrorHandling logs and skips it
        String host = Topics.hostOf(record.topic()).orElseThrow();
        if (!MigrationCoordinator.isHostReport(m)) {
            log.warn("refused {} {} of migration {} on {}: a host reports, the gateway alone decides and commands",
                    m.type(), Identifiers.quote(m.meta().id()), Identifiers.quote(m.meta().migrationId()), record.topic());
            return;
        }
        if (!host.equals(m.meta().hostId())) {
            log.warn("refused {} {} of migration {} on {}: it claims host {}, but only host {} can write that topic",
                    m.type(), Identifiers.quote(m.meta().id()), Identifiers.quote(m.meta().migrationId()), record.topic(),
                    Identifiers.quote(m.meta().hostId()), host);
            return;
        }
        // the log deduplicates on ids across migrations: an id of another migration's would suppress that message
        if (!m.meta().id().startsWith(m.meta().migrationId() + "/")) {
            log.warn("refused {} {} of migration {} on {}: its meta.id must start with its migration id and '/'",
                    m.type(), Identifiers.quote(m.meta().id()), Identifiers.quote(m.meta().migrationId()), record.topic());
            return;
        }
        coordinator.handle(m);
    }

    @KafkaListener(topicPattern = Topics.REQUESTS_PATTERN, groupId = "ferry-gateway-requests")
    public void request(ConsumerRecord<String, String> record) {
        MigrationMessage m = MessageCodec.decode(record.value());
        String requester = Topics.requesterOf(record.topic()).orElseThrow();
        if (!(m instanceof MigrationMessage.MigrateRequested r)) {
            log.warn("refused {} from requester {} on {}: only MigrateRequested belongs there", m.type(), requester,
                    record.topic());
            return;
        }
        // the id must be the request's own: a chosen id could take the place of a later message and suppress it
        if (!m.meta().id().equals(m.meta().migrationId() + "/requested")) {
            log.warn("refused MigrateRequested {} from requester {}: its meta.id must be <migrationId>/requested",
                    Identifiers.quote(m.meta().id()), requester);
            return;
        }
        coordinator.handle(r.withRequestedBy(requester));
    }

    @KafkaListener(topicPattern = Topics.HOST_HEARTBEATS_PATTERN, groupId = "ferry-gateway-hosts")
    public void heartbeat(ConsumerRecord<String, String> record) {
        HostHeartbeat beat = MessageCodec.decodeHeartbeat(record.value());
        String host = Topics.hostOf(record.topic()).orElseThrow();
        if (!host.equals(beat.hostId())) {
            log.warn("refused a heartbeat on {} claiming host {}: only host {} can write that topic", record.topic(),
                    Identifiers.quote(beat.hostId()), host);
            return;
        }
        hosts.record(beat);
    }
}
