package io.ferry.gateway;

import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.InProcessKafkaBroker;
import io.ferry.spring.kafka.InProcessKafkaInitializer;
import io.ferry.spring.kafka.KafkaAccess;
import io.ferry.spring.kafka.KafkaClientCredentials;
import io.ferry.spring.kafka.KafkaUsers;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on Ferry's own broker (SASL/SCRAM, ACLs) with a real PostgreSQL: it records which
 * principal asked for a migration, and refuses a host's report or heartbeat that claims another host
 * (Kafka proves only the topic's writer, so the topic decides).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaPrincipalsTest {
    private static final Map<String, String> USERS = Map.of(KafkaAccess.GATEWAY, secret(), "ferry-host-a", secret(),
            "ferry-host-b", secret(), "ferry-host-c", secret(), "ferry-host-d", secret(), "crm", secret());

    private InProcessKafkaBroker broker;
    private ConfigurableApplicationContext gateway;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        broker = InProcessKafkaBroker.start("127.0.0.1", freePort(), dir.resolve("kafka"), new KafkaUsers(USERS));
        Path password = Files.writeString(dir.resolve("gateway.password"), USERS.get(KafkaAccess.GATEWAY));
        Path tokens = dir.resolve("gateway-tokens");
        ApiTokenFiles.add(tokens, "admin", "admin"); // the gateway does not start without a way to authenticate
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
                "--ferry.gateway.security.tokens-file=" + tokens,
                "--ferry.gateway.data-dir=" + dir.resolve("gateway"), "--ferry.gateway.registry=127.0.0.1:1",
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(), "--ferry.kafka.user=" + KafkaAccess.GATEWAY,
                "--ferry.kafka.password-file=" + password);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aRequestIsRecordedWithThePrincipalWhoseTopicItCameFrom() throws Exception {
        String id = UUID.randomUUID().toString();
        // the sender claims to be someone else: the topic, which only crm may write, decides
        MigrationMessage.MigrateRequested forged = new MigrationMessage.MigrateRequested(meta(id + "/requested", id, "x"),
                "web", "host-a", "host-b", MigrationOptions.defaults(), "ferry-gateway");
        publish("crm", Topics.requests("crm"), id, MessageCodec.encode(forged));

        EventLogEntry requested = awaitEntry(id, "MigrateRequested");

        assertThat(requested.getRequestedBy()).isEqualTo("crm");
        assertThat(MessageCodec.decode(requested.getPayload())).isInstanceOfSatisfying(MigrationMessage.MigrateRequested.class,
                r -> assertThat(r.requestedBy()).isEqualTo("crm"));
    }

    @Test
    void aRequestWhoseIdIsNotItsOwnIsRefused() throws Exception {
        String id = UUID.randomUUID().toString();
        // an id of a message the migration will have later: logging it now would suppress that message
        publish("crm", Topics.requests("crm"), id, MessageCodec.encode(new MigrationMessage.MigrateRequested(
                meta(id + "/requested/accepted", id, "x"), "web", "host-a", "host-b", MigrationOptions.defaults())));
        publish("crm", Topics.requests("crm"), id, MessageCodec.encode(new MigrationMessage.MigrateRequested(
                meta(id + "/requested", id, "x"), "web", "host-a", "host-b", MigrationOptions.defaults())));

        awaitEntry(id, "MigrateRequested"); // the second, in order after the first on the same partition

        assertThat(log().of(id)).extracting(EventLogEntry::getEventId).doesNotContain(id + "/requested/accepted");
    }

    @Test
    void hostBCannotReportForHostA() throws Exception {
        String id = UUID.randomUUID().toString();
        requested(id, "c", "b"); // b's own reports of it are logged
        String forged = MessageCodec.encode(new MigrationMessage.CheckpointCompleted(meta(id + "/forged", id, "a"),
                "registry://r/x:1", "sha256:" + "0".repeat(64), 1, Instant.now(), 1, 1, null, "sha256:" + "1".repeat(64), null));
        String own = MessageCodec.encode(new MigrationMessage.RestoreStarted(meta(id + "/own", id, "b")));
        publish("ferry-host-b", Topics.hostEvents("b"), id, forged);
        publish("ferry-host-b", Topics.hostEvents("b"), id, own);

        awaitEntry(id, "RestoreStarted"); // logged, after the forged one was read

        assertThat(log().of(id)).extracting(EventLogEntry::getType).doesNotContain("CheckpointCompleted");
    }

    @Test
    void aHostCannotSendTheGatewaysDecisions() throws Exception {
        String id = UUID.randomUUID().toString();
        requested(id, "c", "b");
        publish("ferry-host-b", Topics.hostEvents("b"), id, MessageCodec.encode(
                new MigrationMessage.MigrationCompleted(meta(id + "/completed", id, "b"), 1, 1)));
        publish("ferry-host-b", Topics.hostEvents("b"), id, MessageCodec.encode(
                new MigrationMessage.RestoreStarted(meta(id + "/own", id, "b"))));

        awaitEntry(id, "RestoreStarted");

        assertThat(log().of(id)).extracting(EventLogEntry::getType).doesNotContain("MigrationCompleted");
    }

    @Test
    void theTargetCannotReportTheSourcesCheckpoint() throws Exception {
        // hosts c (source, running "web") and d (target) are up; crm asks for the move
        String id = UUID.randomUUID().toString();
        crmMovesWebFromCToD(id);

        // d has its own topic and its own id in meta, but no part in checkpointing
        publish("ferry-host-d", Topics.hostEvents("d"), id, MessageCodec.encode(new MigrationMessage.CheckpointCompleted(
                meta(id + "/forged", id, "d"), "registry://r/x:1", "sha256:" + "0".repeat(64), 1, Instant.now(), 1, 1, null, "sha256:" + "1".repeat(64), null)));
        publish("ferry-host-c", Topics.hostEvents("c"), id, MessageCodec.encode(
                new MigrationMessage.CheckpointStarted(meta(id + "/started", id, "c"), "0".repeat(64))));
        awaitEntry(id, "CheckpointStarted");

        assertThat(log().of(id)).extracting(EventLogEntry::getType).doesNotContain("CheckpointCompleted");
        assertThat(gateway.getBean(io.ferry.gateway.migration.MigrationRepository.class).findById(id).orElseThrow()
                .getArchiveDigest()).isNull();
    }

    @Test
    void hostBCannotSuppressTheRollbackOfAMigrationItHasNoPartIn() throws Exception {
        // c moves "web" to d; b has no part in it, but knows its id (a viewer lists migrations) and how ids derive
        String id = UUID.randomUUID().toString();
        crmMovesWebFromCToD(id);

        // b's own report of a migration unknown to the gateway, under the id the rollback command of c's will get
        String failed = id + "/requested/checkpoint/failed";
        publish("ferry-host-b", Topics.hostEvents("b"), id, MessageCodec.encode(new MigrationMessage.RestoreStarted(
                meta(failed + "/rollback", "unrelated-" + UUID.randomUUID(), "b"))));
        Thread.sleep(2000); // b's record is on another topic: give the listener time to read it first
        // c's checkpoint failed with the container stopped: only the rollback makes it run again
        publish("ferry-host-c", Topics.hostEvents("c"), id, MessageCodec.encode(
                new MigrationMessage.CheckpointFailed(meta(failed, id, "c"), "dump failed", false)));
        awaitEntry(id, "CheckpointFailed");

        assertThat(log().of(id)).extracting(EventLogEntry::getType).contains("RollbackCommand");
    }

    @Test
    void aHostCannotTakeTheIdsOfAMigrationNotYetRequested() throws Exception {
        // crm numbers its migrations; b reports "its" part in the next one before crm asks for it
        String id = "crm-" + UUID.randomUUID();
        publish("ferry-host-b", Topics.hostEvents("b"), id, MessageCodec.encode(new MigrationMessage.RestoreStarted(
                meta(id + "/requested", id, "b"))));
        Thread.sleep(2000); // b's record is on another topic: give the listener time to read it first

        requested(id, "c", "d");

        assertThat(awaitEntry(id, "MigrateRequested").getRequestedBy()).isEqualTo("crm");
    }

    /** Hosts {@code source} (running "web") and {@code target} are up, crm asks for the move; returns at its CheckpointCommand. */
    private void requested(String id, String source, String target) throws Exception {
        publish("ferry-host-" + source, Topics.hostHeartbeats(source), source + ":checkpoint",
                MessageCodec.encode(heartbeat(source, "checkpoint", web(id))));
        publish("ferry-host-" + target, Topics.hostHeartbeats(target), target + ":restore",
                MessageCodec.encode(heartbeat(target, "restore", null)));
        io.ferry.gateway.host.Hosts hosts = gateway.getBean(io.ferry.gateway.host.Hosts.class);
        FerryCluster.await(() -> hosts.up(source, "checkpoint").isPresent() && hosts.up(target, "restore").isPresent()
                        && runs(hosts, source, web(id)), Duration.ofSeconds(30), "hosts " + source + " and " + target + " up");
        publish("crm", Topics.requests("crm"), id, MessageCodec.encode(new MigrationMessage.MigrateRequested(
                meta(id + "/requested", id, "x"), web(id), source, target, MigrationOptions.defaults())));
        awaitEntry(id, "CheckpointCommand");
    }

    @Test
    void hostBCannotAnnounceHostA() throws Exception {
        publish("ferry-host-b", Topics.hostHeartbeats("b"), "a:restore", MessageCodec.encode(heartbeat("a")));
        publish("ferry-host-b", Topics.hostHeartbeats("b"), "b:restore", MessageCodec.encode(heartbeat("b")));
        io.ferry.gateway.host.Hosts hosts = gateway.getBean(io.ferry.gateway.host.Hosts.class);

        FerryCluster.await(() -> hosts.up("b", "restore").isPresent(), Duration.ofSeconds(30), "host b's heartbeat");

        assertThat(hosts.up("a", "restore")).isEqualTo(Optional.empty());
    }

    @Test
    void theGatewayRestartsOnItsOwnBrokersDataDir(@TempDir Path dir) throws IOException {
        Path users = Files.writeString(dir.resolve("users.properties"), KafkaAccess.GATEWAY + "=" + USERS.get(KafkaAccess.GATEWAY) + "\n");
        Path password = Files.writeString(dir.resolve("gateway.password"), USERS.get(KafkaAccess.GATEWAY));
        Path tokens = dir.resolve("gateway-tokens");
        ApiTokenFiles.add(tokens, "admin", "admin");
        String[] args = {"--server.port=0", "--ferry.gateway.data-dir=" + dir.resolve("gateway"),
                "--ferry.gateway.security.tokens-file=" + tokens,
                "--ferry.gateway.registry=127.0.0.1:1", "--ferry.kafka.embedded=true",
                "--ferry.kafka.embedded.listen=127.0.0.1:" + freePort(), "--ferry.kafka.embedded.data-dir=" + dir.resolve("kafka"),
                "--ferry.kafka.embedded.users-file=" + users, "--ferry.kafka.user=" + KafkaAccess.GATEWAY,
                "--ferry.kafka.password-file=" + password};
        String clusterId = null;
        for (int start = 0; start < 2; start++) {
            long t0 = System.nanoTime();
            try (ConfigurableApplicationContext g = new SpringApplicationBuilder(GatewayApplication.class)
                    .initializers(new InProcessKafkaInitializer()).run(args)) {
                System.out.printf("gateway with its in-process broker, start %d: %d ms%n", start + 1,
                        (System.nanoTime() - t0) / 1_000_000);
                String now = Files.readString(dir.resolve("kafka").resolve("cluster.id"));
                assertThat(clusterId == null || clusterId.equals(now)).as("cluster id kept").isTrue();
                clusterId = now;
                // its clients work on the restarted broker: the outbox topic is there and writable
                assertThat(g.getBean(org.springframework.kafka.core.KafkaTemplate.class)
                        .send(Topics.EVENTS, "k", "{}").get(30, TimeUnit.SECONDS)).isNotNull();
            } catch (Exception e) {
                throw new AssertionError("gateway start " + (start + 1) + " on the same data dir failed: " + e, e);
            }
        }
    }

    /** Hosts c (source, running "web") and d (target) are up, and crm asks for the move: the gateway commands c. */
    private void crmMovesWebFromCToD(String id) throws Exception {
        publish("ferry-host-c", Topics.hostHeartbeats("c"), "c:checkpoint", MessageCodec.encode(heartbeat("c", "checkpoint", web(id))));
        publish("ferry-host-d", Topics.hostHeartbeats("d"), "d:restore", MessageCodec.encode(heartbeat("d", "restore", null)));
        io.ferry.gateway.host.Hosts hosts = gateway.getBean(io.ferry.gateway.host.Hosts.class);
        FerryCluster.await(() -> hosts.up("c", "checkpoint").isPresent() && hosts.up("d", "restore").isPresent()
                && runs(hosts, "c", web(id)), Duration.ofSeconds(30), "hosts c and d up");
        publish("crm", Topics.requests("crm"), id, MessageCodec.encode(new MigrationMessage.MigrateRequested(
                meta(id + "/requested", id, "x"), web(id), "c", "d", MigrationOptions.defaults())));
        awaitEntry(id, "CheckpointCommand");
    }

    private EventLogEntry awaitEntry(String migrationId, String type) {
        FerryCluster.await(() -> log().of(migrationId).stream().anyMatch(e -> e.getType().equals(type)),
                Duration.ofSeconds(60), type + " of " + migrationId + " in the event log");
        return log().of(migrationId).stream().filter(e -> e.getType().equals(type)).findFirst().orElseThrow();
    }

    private EventLog log() {
        return gateway.getBean(EventLog.class);
    }

    private void publish(String principal, String topic, String key, String json) throws Exception {
        Map<String, Object> p = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", SaslConfigs.SASL_MECHANISM,
                KafkaClientCredentials.SCRAM, SaslConfigs.SASL_JAAS_CONFIG,
                KafkaClientCredentials.scramJaas(principal, USERS.get(principal)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, json)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Meta meta(String id, String migrationId, String host) {
        return new Meta(id, migrationId, host, Instant.now(), Meta.VERSION);
    }

    private static HostHeartbeat heartbeat(String host) {
        return heartbeat(host, "restore", null);
    }

    private static HostHeartbeat heartbeat(String host, String role, String running) {
        List<HostHeartbeat.RunningContainer> containers = running == null ? List.of()
                : List.of(new HostHeartbeat.RunningContainer(idOf(running), running, "busybox", "running"));
        return new HostHeartbeat(host, role, Instant.now(), "runc", "1", "4.2", "6.1", "amd64", "v2", "cpu",
                1L << 30, containers, Meta.VERSION);
    }

    /** Whether the gateway has the host's beat that lists the container (not only an older one). */
    private static boolean runs(io.ferry.gateway.host.Hosts hosts, String host, String container) {
        return hosts.get(host).map(h -> h.latest().containers().stream().anyMatch(c -> c.name().equals(container)))
                .orElse(false);
    }

    /** A container id of its own per name: one migration per container runs at a time (issue 14). */
    private static String idOf(String container) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(container.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The container a test's migration moves: its own, as the tests leave their migrations under way. */
    private static String web(String migrationId) {
        return "web-" + migrationId.substring(0, 8);
    }

    private static String secret() {
        return UUID.randomUUID().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
