package io.ferry.spring.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link KafkaAccess}'s ACLs to an external broker before the Kafka listeners start, when given
 * an admin principal: {@code ferry.kafka.admin.user} (FERRY_KAFKA_ADMIN_USER) with
 * {@code ferry.kafka.admin.password} or {@code ferry.kafka.admin.password-file}
 * (FERRY_KAFKA_ADMIN_PASSWORD[_FILE]), for the principals in {@code ferry.kafka.principals}
 * (FERRY_KAFKA_PRINCIPALS, comma-separated). Connects like the service's own clients (bootstrap,
 * TLS), as the admin. The principals' SCRAM credentials are the broker operator's to create.
 */
public class KafkaAccessApplier implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(KafkaAccessApplier.class);

    private final KafkaAdmin kafkaAdmin;
    private final Environment env;

    public KafkaAccessApplier(KafkaAdmin kafkaAdmin, Environment env) {
        this.kafkaAdmin = kafkaAdmin;
        this.env = env;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String user = env.getProperty("ferry.kafka.admin.user");
        if (user == null || user.isBlank()) {
            return;
        }
        List<String> principals = Arrays.stream(env.getProperty("ferry.kafka.principals", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        principals.forEach(KafkaAccess::check);
        String password = KafkaClientCredentials.password(env, "ferry.kafka.admin", user);
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaClientCredentials.scramJaas(user, password));
        config.putIfAbsent("security.protocol", env.getProperty("ferry.kafka.security-protocol", "SASL_PLAINTEXT"));
        config.putIfAbsent(SaslConfigs.SASL_MECHANISM, env.getProperty("ferry.kafka.sasl-mechanism", KafkaClientCredentials.SCRAM));
        try (Admin admin = Admin.create(config)) {
            KafkaAccess.apply(admin, principals, Duration.ofSeconds(60));
        }
        log.info("Ferry's Kafka ACLs applied as {} for {}", user, principals);
    }
}
