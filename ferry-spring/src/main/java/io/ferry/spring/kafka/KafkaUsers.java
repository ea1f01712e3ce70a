package io.ferry.spring.kafka;

import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The principals an in-process broker knows and their passwords, from a properties file
 * ({@code principal=password}, one a line; keep it 0600). There are no default passwords: a
 * principal is known only when the file names it.
 */
public record KafkaUsers(Map<String, String> passwords) {
    /** Kafka does not bound a SCRAM password; a short one is a mistake, not a choice. */
    static final int MIN_PASSWORD = 16;

    public KafkaUsers {
        passwords = Collections.unmodifiableMap(new TreeMap<>(passwords));
    }

    public static KafkaUsers read(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka users file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> users = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            String password = p.getProperty(name).strip();
            if (name.equals(KafkaAccess.BROKER)) {
                throw new IllegalArgumentException("Kafka users file " + file + " names " + KafkaAccess.BROKER
                        + ": that principal is the broker's own, with a secret the broker keeps in its data directory");
            }
            try {
                KafkaAccess.check(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Kafka users file " + file + ": " + e.getMessage(), e);
            }
            if (password.length() < MIN_PASSWORD) {
                throw new IllegalArgumentException("Kafka users file " + file + ": the password of "
                        + Identifiers.quote(name) + " has " + password.length() + " characters, fewer than " + MIN_PASSWORD);
            }
            users.put(name, password);
        }
        return new KafkaUsers(users);
    }

    public Set<String> principals() {
        return passwords.keySet();
    }
}
