package io.ferry.spring;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.ProducerListener;

import java.time.Duration;

/**
 * A service whose Kafka principal does not exist yet (the gateway creates the SCRAM credentials at its start, so a
 * host service started first, or a broker restarted, sees its SASL login refused) carries on once it exists, with no
 * restart. Neither client does so by itself:
 * <ul>
 * <li>a listener container stops at an authentication error unless {@code authExceptionRetryInterval} is set
 * (Spring Kafka: "Authentication/Authorization Exception and no authExceptionRetryInterval set");</li>
 * <li>the KafkaTemplate's shared producer is idempotent (Kafka's default) and, once its InitProducerId request failed
 * authentication, never gets a producer id: it accepts records and never sends them (KAFKA-20237; the fix proposed
 * in apache/kafka#21715 is not in Kafka 4.1). So the producer factory is reset on an authentication error
 * (DefaultKafkaProducerFactory.reset()): the next send makes a new producer.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class KafkaAuthenticationRecovery {
    static final Duration AUTH_RETRY_INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(KafkaAuthenticationRecovery.class);

    /** Boot's listener container factory applies it to every container it makes; a configured interval is kept. */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> authExceptionRetry() {
        return container -> {
            if (container.getContainerProperties().getAuthExceptionRetryInterval() == null) {
                container.getContainerProperties().setAuthExceptionRetryInterval(AUTH_RETRY_INTERVAL);
            }
        };
    }

    /** Boot's KafkaTemplate takes it instead of its LoggingProducerListener: logs as that does, and resets. */
    @Bean
    ProducerListener<Object, Object> kafkaProducerListener(ObjectProvider<DefaultKafkaProducerFactory<?, ?>> factories) {
        return new LoggingProducerListener<>() {
            @Override
            public void onError(ProducerRecord<Object, Object> record, RecordMetadata metadata, Exception exception) {
                super.onError(record, metadata, exception);
                if (isAuthenticationFailure(exception)) {
                    log.warn("Kafka refused this service's login ({}): its producer is replaced at the next send",
                            exception.getMessage());
                    factories.ifAvailable(DefaultKafkaProducerFactory::reset);
                }
            }
        };
    }

    static boolean isAuthenticationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }
}
