package io.ferry.spring.host;

import io.ferry.spring.KafkaErrorHandling;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** How a host service's Kafka clients behave when something fails: the listener's error handling. */
@Configuration(proxyBeanMethods = false)
@Import(KafkaErrorHandling.class)
public class HostKafkaConfiguration {
}
