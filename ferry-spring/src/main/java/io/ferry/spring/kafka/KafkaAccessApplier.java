package io.ferry.spring.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets up Ferry's principals on an external broker before the Kafka listeners start, when given an
 * admin principal: {@code ferry.kafka.admin.user} (FERRY_KAFKA_ADMIN_USER) with
 * {@code ferry.kafka.admin.password} or {@code ferry.kafka.admin.password-file}
 * (FERRY_KAFKA_ADMIN_PASSWORD[_FILE]), authenticating with {@code ferry.kafka.admin.sasl-mechanism}
 * (SCRAM-SHA-512 unless set; PLAIN for a broker whose admin is a PLAIN user). Then either
 * {@code ferry.kafka.admin.users-file} (FERRY_KAFKA_ADMIN_USERS_FILE, principal=password lines): each
 * principal's SCRAM credential and ACLs; or {@code ferry.kafka.principals} (FERRY_KAFKA_PRINCIPALS,
 * comma-separated): only the ACLs, the credentials being the broker operator's. Connects like the
 * service's own clients (bootstrap, TLS), as the admin.
 */
public class KafkaAccessApplier implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(KafkaAccessApplier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
        String password = KafkaClientCredentials.password(env, "ferry.kafka.admin", user);
        String mechanism = env.getProperty("ferry.kafka.admin.sasl-mechanism", KafkaClientCredentials.SCRAM);
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put("security.protocol", env.getProperty("ferry.kafka.security-protocol", "SASL_PLAINTEXT"));
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "PLAIN".equals(mechanism) ? KafkaClientCredentials.plainJaas(user, password)
                : KafkaClientCredentials.scramJaas(user, password));
        String usersFile = env.getProperty("ferry.kafka.admin.users-file");
        try (Admin admin = Admin.create(config)) {
            if (usersFile != null && !usersFile.isBlank()) {
                KafkaUsers users = KafkaUsers.read(Path.of(usersFile));
                KafkaAccess.grant(admin, users, false, TIMEOUT);
                log.info("Kafka credentials and ACLs set as {} for {}", user, users.principals());
            } else {
                List<String> principals = Arrays.stream(env.getProperty("ferry.kafka.principals", "").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                principals.forEach(KafkaAccess::check);
                KafkaAccess.apply(admin, principals, TIMEOUT);
                log.info("Kafka ACLs applied as {} for {}", user, principals);
            }
        }
    }
}
