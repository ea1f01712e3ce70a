package io.ferry.spring.kafka;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a service's Kafka credentials into Spring Kafka's client properties (SASL, SCRAM-SHA-512 by
 * default): {@code ferry.kafka.user} (env FERRY_KAFKA_USER) with {@code ferry.kafka.password}
 * (FERRY_KAFKA_PASSWORD) or {@code ferry.kafka.password-file} (FERRY_KAFKA_PASSWORD_FILE).
 * {@code ferry.kafka.security-protocol} (FERRY_KAFKA_SECURITY_PROTOCOL) is SASL_PLAINTEXT unless set,
 * e.g. to SASL_SSL with {@code spring.kafka.ssl.*} for a broker with TLS. Without a user nothing is
 * set: the clients connect unauthenticated, which a Ferry broker refuses.
 */
public class KafkaClientCredentials implements EnvironmentPostProcessor {
    public static final String SCRAM = "SCRAM-SHA-512";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String user = env.getProperty("ferry.kafka.user");
        if (user == null || user.isBlank()) {
            return;
        }
        String password = password(env, "ferry.kafka", user);
        env.getPropertySources().addFirst(new MapPropertySource("ferry-kafka-credentials", Map.of(
                "spring.kafka.properties.security.protocol", env.getProperty("ferry.kafka.security-protocol", "SASL_PLAINTEXT"),
                "spring.kafka.properties.sasl.mechanism", env.getProperty("ferry.kafka.sasl-mechanism", SCRAM),
                "spring.kafka.properties.sasl.jaas.config", scramJaas(user, password))));
    }

    /**
     * The password of {@code prefix.user}: {@code prefix.password} or the first line of {@code prefix.password-file}
     * (environment: PREFIX_PASSWORD, PREFIX_PASSWORD_FILE); exactly one of them.
     */
    public static String password(org.springframework.core.env.Environment env, String prefix, String user) {
        String direct = env.getProperty(prefix + ".password");
        String file = env.getProperty(prefix + ".password-file");
        String envName = prefix.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        String whose = envName + "_USER=" + user;
        boolean hasDirect = direct != null && !direct.isEmpty();
        boolean hasFile = file != null && !file.isBlank();
        if (hasDirect == hasFile) {
            throw new IllegalStateException(whose + " needs exactly one of " + envName + "_PASSWORD (" + prefix
                    + ".password) and " + envName + "_PASSWORD_FILE (" + prefix + ".password-file); "
                    + (hasDirect ? "both are" : "neither is") + " set");
        }
        if (hasDirect) {
            return direct;
        }
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new IllegalStateException("the Kafka password file " + file + " of " + whose + " is empty");
            }
            return content.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka password file " + file + " of " + whose + ": " + e, e);
        }
    }

    /** A client's JAAS line for SCRAM. */
    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=" + quoted(user)
                + " password=" + quoted(password) + ";";
    }

    /** A client's JAAS line for PLAIN (an external broker's admin only; services use SCRAM). */
    public static String plainJaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=" + quoted(user)
                + " password=" + quoted(password) + ";";
    }

    /** A JAAS option value in double quotes, with the two characters that end or escape it escaped. */
    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
