package io.ferry.spring.host;

import io.ferry.core.engine.FerryEngine;
import io.ferry.core.host.Host;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.scheduling.annotation.EnableScheduling;

/** What a host service (checkpoint-service, restore-service) is built on: the engine for its host, events, heartbeats. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HostServiceProperties.class)
@EnableScheduling
@Import({HostKafkaConfiguration.class, EventPublisher.class, HeartbeatPublisher.class, ProcessedCommands.class,
        StartupReconciliation.class})
public class HostEngineConfiguration {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostEngineConfiguration.class);

    @Bean
    Host host(HostServiceProperties properties) {
        return Host.of(properties.id(), properties.root());
    }

    /** The host's reports go to a topic only its principal may write, so the gateway knows who sent them. */
    @Bean
    NewTopic hostEventsTopic(HostServiceProperties properties) {
        return TopicBuilder.name(Topics.hostEvents(properties.id())).partitions(3).build();
    }

    @Bean
    NewTopic hostHeartbeatsTopic(HostServiceProperties properties) {
        return TopicBuilder.name(Topics.hostHeartbeats(properties.id())).partitions(1).compact().build();
    }

    /**
     * The host's key pairs are made on the first start (a migration's archive is always signed); the
     * identity line is logged for the operator to add to the other hosts' trust stores.
     */
    @Bean
    FerryEngine ferryEngine(Host host, HostServiceProperties properties) {
        FerryEngine engine = FerryEngine.open(host, properties.engineSettings());
        log.info("host identity (add it to the trust store of every host that restores this host's checkpoints): {}",
                engine.hostIdentity());
        if (!java.nio.file.Files.exists(engine.trustStore())) {
            log.warn("the trust store {} does not exist: every restore of a migration will be refused until it lists"
                    + " the source hosts' `ferry host key` lines", engine.trustStore());
        }
        return engine;
    }
}
