package io.ferry.gateway.restart;

import io.ferry.spring.kafka.KafkaClientCredentials;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Kafka principals and passwords as scripts/kafka-credentials.sh makes them: {@code users.properties}
 * (what the in-process broker's users file reads) and a {@code <principal>.password} file each.
 */
public final class KafkaSecrets {
    private final Path dir;
    private final Map<String, String> passwords = new LinkedHashMap<>();

    public KafkaSecrets(Path dir, List<String> principals) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            StringBuilder users = new StringBuilder();
            for (String p : principals) {
                String password = UUID.randomUUID().toString();
                passwords.put(p, password);
                Files.writeString(dir.resolve(p + ".password"), password);
                users.append(p).append('=').append(password).append('\n');
            }
            Files.writeString(usersFile(), users);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path usersFile() {
        return dir.resolve("users.properties");
    }

    public Map<String, String> passwords() {
        return passwords;
    }

    /** A service's arguments to authenticate to Kafka as {@code principal}. */
    public List<String> serviceArgs(String principal) {
        return List.of("--ferry.kafka.user=" + principal, "--ferry.kafka.password-file=" + dir.resolve(principal + ".password"));
    }

    /** Client properties of {@code principal} on the broker at {@code bootstrap}. */
    public Map<String, Object> client(String bootstrap, String principal) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", SaslConfigs.SASL_MECHANISM,
                KafkaClientCredentials.SCRAM, SaslConfigs.SASL_JAAS_CONFIG,
                KafkaClientCredentials.scramJaas(principal, passwords.get(principal)));
    }

    /** Publishes one record as {@code principal} and waits for the broker's acknowledgement. */
    public void publish(String bootstrap, String principal, String topic, String key, String json) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(bootstrap, principal), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, json)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing to " + topic + " as " + principal + ": " + e.getMessage(), e);
        }
    }
}
