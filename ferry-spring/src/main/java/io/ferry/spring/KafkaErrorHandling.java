package io.ferry.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * A message whose handling fails (Kafka or the registry unreachable for a moment) is retried with
 * backoff for ten minutes before it is given up; the coordinator's timeouts cover the rest. Spring's
 * default (ten immediate retries) would drop a command after a hiccup of a few milliseconds.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaErrorHandling {
    private static final Logger log = LoggerFactory.getLogger(KafkaErrorHandling.class);

    @Bean
    CommonErrorHandler kafkaErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(600_000);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) ->
                log.error("giving up on {}-{}@{} after retries: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage()), backOff);
        handler.addNotRetryableExceptions(IllegalArgumentException.class); // malformed messages do not improve
        return handler;
    }
}
