package io.ferry.gateway;

import io.ferry.core.testing.LocalImages;
import io.ferry.gateway.host.Hosts;
import io.ferry.gateway.restart.KafkaSecrets;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on a PostgreSQL and a Kafka broker in Docker containers (the local ferry-local/postgres:15 and
 * ferry-local/kafka standing in for the official images), the broker secured as docker-compose.yml secures it
 * (SASL on every listener, ACLs, a PLAIN admin with which the gateway sets up Ferry's SCRAM principals): a
 * migration asked through the REST API with a token is recorded in that PostgreSQL and its checkpoint command
 * is read from that broker by the source host's principal; a request without a valid token is refused. No
 * host services run: the hosts are heartbeats recorded in the gateway (as the saga tests do).
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayOnContainersTest {
    private static final String ADMIN = "ferry-admin";
    private static final String SOURCE = "host-a";
    private static final String TARGET = "host-b";

    private final String adminPassword = UUID.randomUUID().toString();
    private final PostgreSQLContainer postgres = new PostgreSQLContainer(LocalImages.postgres())
            .withDatabaseName("gateway").withUsername("ferry").withPassword(UUID.randomUUID().toString());
    private final KafkaContainer kafka = securedAsInCompose(new KafkaContainer(LocalImages.kafka()), adminPassword);
    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaSecrets secrets;
    private ConfigurableApplicationContext gateway;
    private String token;

    @BeforeAll
    void start(@TempDir Path dir) {
        try {
            postgres.start();
            kafka.start();
            secrets = new KafkaSecrets(dir.resolve("kafka"), List.of(KafkaAccess.GATEWAY,
                    KafkaAccess.HOST_PRINCIPAL_PREFIX + SOURCE, KafkaAccess.HOST_PRINCIPAL_PREFIX + TARGET));
            Path tokens = dir.resolve("tokens");
            token = ApiTokenFiles.add(tokens, "ops", "admin");
            List<String> args = new ArrayList<>(List.of("--server.port=0", "--ferry.gateway.data-dir=" + dir.resolve("gateway"),
                    "--ferry.gateway.security.tokens-file=" + tokens, "--ferry.gateway.registry=127.0.0.1:1",
                    "--ferry.gateway.heartbeat-ttl=10m",
                    "--spring.datasource.url=" + postgres.getJdbcUrl(), "--spring.datasource.username=" + postgres.getUsername(),
                    "--spring.datasource.password=" + postgres.getPassword(),
                    "--spring.kafka.bootstrap-servers=" + kafka.getBootstrapServers(),
                    // as in docker-compose.yml: the broker's PLAIN admin gives the principals their SCRAM credentials and ACLs
                    "--ferry.kafka.admin.user=" + ADMIN, "--ferry.kafka.admin.sasl-mechanism=PLAIN",
                    "--ferry.kafka.admin.password=" + adminPassword, "--ferry.kafka.admin.users-file=" + secrets.usersFile()));
            args.addAll(secrets.serviceArgs(KafkaAccess.GATEWAY));
            gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        kafka.stop();
        postgres.stop();
    }

    /** apache/kafka's env convention (what KafkaContainer sets, and docker-compose.yml's kafka service): SASL everywhere. */
    private static KafkaContainer securedAsInCompose(KafkaContainer kafka, String adminPassword) {
        String adminJaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
        String scramJaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        Map<String, String> env = new HashMap<>(Map.of(
                // KafkaContainer's listeners: PLAINTEXT (the mapped port), BROKER (between brokers), CONTROLLER
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "KAFKA_SASL_ENABLED_MECHANISMS", "PLAIN,SCRAM-SHA-512",
                "KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "PLAIN",
                "KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL", "PLAIN",
                "KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false",
                "KAFKA_SUPER_USERS", "User:" + ADMIN));
        for (String listener : List.of("PLAINTEXT", "BROKER", "CONTROLLER")) {
            env.put("KAFKA_LISTENER_NAME_" + listener + "_PLAIN_SASL_JAAS_CONFIG", adminJaas);
        }
        // clients' SCRAM only where clients connect; between brokers and controllers only the admin's PLAIN
        // (a listener offering SCRAM without its JAAS line stops the broker at start)
        env.put("KAFKA_LISTENER_NAME_PLAINTEXT_SCRAM___SHA___512_SASL_JAAS_CONFIG", scramJaas);
        env.put("KAFKA_LISTENER_NAME_BROKER_SASL_ENABLED_MECHANISMS", "PLAIN");
        env.put("KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS", "PLAIN");
        return kafka.withEnv(env);
    }

    @Test
    void aMigrationAskedWithATokenIsRecordedInPostgresAndCommandedOnKafka() throws Exception {
        String container = "web-" + UUID.randomUUID().toString().substring(0, 8);
        hostsUp(container);

        HttpResponse<String> created = post(token, "{\"container\":\"" + container + "\",\"sourceHost\":\"" + SOURCE
                + "\",\"targetHost\":\"" + TARGET + "\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
        try (Connection db = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())) {
            // the command leaves through the outbox: sent once the broker took it
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(column(db,
                    "select topic from outbox where sent_at is not null and payload like ?", "%" + id + "%"))
                    .contains(Topics.checkpointCommands(SOURCE)));
            assertThat(column(db, "select type from event_log where migration_id = ? order by seq", id))
                    .containsSubsequence("MigrateRequested", "MigrationAccepted", "CheckpointCommand");
            assertThat(column(db, "select container || ' ' || source_host || '->' || target_host from migration where id = ?", id))
                    .containsExactly(container + " " + SOURCE + "->" + TARGET);
        }
        assertThat(checkpointCommandOf(id).container()).isEqualTo(container);
    }

    @Test
    void aRequestWithoutAValidTokenIsRefusedAndNotRecorded() throws Exception {
        String container = "forged-" + UUID.randomUUID().toString().substring(0, 8);
        hostsUp(container);
        String body = "{\"container\":\"" + container + "\",\"sourceHost\":\"" + SOURCE + "\",\"targetHost\":\"" + TARGET + "\"}";

        assertThat(post(ApiTokenFiles.newToken(), body).statusCode()).isEqualTo(401);
        // without Authorization it is a browser's request: refused by the CSRF protection of the dashboard's session
        assertThat(post(null, body).statusCode()).isEqualTo(403);

        try (Connection db = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())) {
            assertThat(column(db, "select id from migration where container = ?", container)).isEmpty();
        }
    }

    /** Host A's checkpoint-service runs {@code container}, host B's restore-service is up. */
    private void hostsUp(String container) {
        Hosts hosts = gateway.getBean(Hosts.class);
        hosts.record(beat(SOURCE, "checkpoint", List.of(new HostHeartbeat.RunningContainer(
                UUID.randomUUID().toString().replace("-", "").repeat(2), container, "busybox", "running"))));
        hosts.record(beat(TARGET, "restore", List.of()));
    }

    private static HostHeartbeat beat(String host, String role, List<HostHeartbeat.RunningContainer> containers) {
        return new HostHeartbeat(host, role, Instant.now(), "runc", "1.1.12", "4.2", "6.1.0", "x86_64", "v2", "cpu",
                1L << 30, containers, Meta.VERSION, role.equals("restore") ? "http://127.0.0.1:9/transfers" : null, List.of());
    }

    private HttpResponse<String> post(String bearer, String json) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port") + "/api/migrations");
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            rb.header("Authorization", "Bearer " + bearer);
        }
        return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads host A's checkpoint topic (which exists: the outbox sent to it) from the start, as host A's own principal. */
    private MigrationMessage.CheckpointCommand checkpointCommandOf(String id) {
        Map<String, Object> config = new HashMap<>(secrets.client(kafka.getBootstrapServers(), KafkaAccess.HOST_PRINCIPAL_PREFIX + SOURCE));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            String topic = Topics.checkpointCommands(SOURCE);
            consumer.assign(consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (MessageCodec.decode(r.value()) instanceof MigrationMessage.CheckpointCommand c && c.meta().migrationId().equals(id)) {
                        return c;
                    }
                }
            }
            throw new AssertionError("no CheckpointCommand of migration " + id + " on " + topic + " within 30 s");
        }
    }

    private static List<String> column(Connection db, String sql, String parameter) throws Exception {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
        }
        return values;
    }
}
