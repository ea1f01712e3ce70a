package io.ferry.spring.host;

import io.ferry.spring.KafkaAuthenticationRecovery;
import io.ferry.spring.KafkaErrorHandling;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** How a host service's Kafka clients behave when something fails: a message's handling, a refused login. */
@Configuration(proxyBeanMethods = false)
@Import({KafkaErrorHandling.class, KafkaAuthenticationRecovery.class})
public class HostKafkaConfiguration {
}
