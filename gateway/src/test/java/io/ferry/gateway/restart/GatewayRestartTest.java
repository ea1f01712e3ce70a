package io.ferry.gateway.restart;

import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.ServiceProcess;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.KafkaAccess;
import io.ferry.spring.kafka.KafkaClientCredentials;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.ferry.gateway.FerryCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as the demo runs it (its runnable jar, the in-process Kafka broker and an embedded
 * PostgreSQL, both keeping their data under the gateway's data directory) restarted with its own
 * command line: after SIGKILL (its PostgreSQL outlives it) and after SIGTERM. What it knew and what
 * Kafka held survive (topics, credentials and ACLs, committed offsets), and it goes on working: a
 * request sent before the crash is not handled again, one sent after is handled. And a gateway that
 * fails to start exits, releasing the Kafka port.
 */
@Tag("gateway-process")
class GatewayRestartTest {
    static final String REQUESTER = "restart-test";

    private Path work;
    private KafkaSecrets secrets;
    private int kafkaPort;
    private GatewayProcess gateway;
    private final List<Process> strays = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createTempDirectory("ferry-gateway-restart");
        secrets = new KafkaSecrets(work.resolve("secrets"), List.of(KafkaAccess.GATEWAY, REQUESTER));
        kafkaPort = ServiceProcess.freePort();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        postmaster().ifPresent(ProcessHandle::destroy); // a test that failed with its PostgreSQL left over
        strays.forEach(Process::destroyForcibly);
        FileTrees.deleteRecursively(work);
    }

    /** The demo's gateway command line, with the in-process broker; {@code extra} last. */
    private GatewayProcess startGateway(String... extra) {
        List<String> args = new ArrayList<>(List.of("--ferry.kafka.embedded=true",
                "--ferry.kafka.embedded.listen=127.0.0.1:" + kafkaPort, "--ferry.kafka.embedded.data-dir=" + work.resolve("kafka"),
                "--ferry.kafka.embedded.users-file=" + secrets.usersFile()));
        args.addAll(secrets.serviceArgs(KafkaAccess.GATEWAY));
        args.addAll(List.of(extra));
        gateway = GatewayProcess.start("gateway", work, args);
        return gateway;
    }

    /**
     * A kill -9, then a SIGTERM, of one gateway (one start less than a test each: CI's time). Before the start
     * after the SIGTERM its postmaster.pid names an unrelated process (as after a reboot: the file of a
     * PostgreSQL that died with the machine names a pid now someone else's): left alone, and the gateway goes on.
     */
    @Test
    void restartsWithItsOwnCommandAfterKill9AndAfterSigtermAndGoesOn() throws Exception {
        startGateway().awaitHealthy();
        String before = request();
        awaitKnown(before);
        Map<TopicPartition, Long> committed = awaitCommitted();
        long postgres = postmaster().orElseThrow().pid();

        gateway.kill();
        assertThat(ProcessHandle.of(postgres)).as("its PostgreSQL outlives the killed gateway").isPresent();
        gateway.restart().awaitHealthy();

        assertThat(ProcessHandle.of(postgres)).as("the left-over PostgreSQL was stopped").isEmpty();
        assertGoesOn(before, committed);

        String second = request();
        awaitKnown(second);
        Map<TopicPartition, Long> committedAgain = awaitCommitted();

        gateway.close();
        assertThat(gateway.awaitExit(Duration.ofSeconds(5))).hasValue(143); // SIGTERM's: Boot closed the context
        assertThat(postmaster()).as("its PostgreSQL stopped with it").isEmpty();
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        strays.add(unrelated);
        Files.writeString(work.resolve("gateway/postgres/postmaster.pid"), unrelated.pid() + "\n" + work.resolve("gateway/postgres") + "\n");
        gateway.restart().awaitHealthy();

        assertThat(unrelated.isAlive()).as("the unrelated process its postmaster.pid named").isTrue();
        assertGoesOn(second, committedAgain);
    }

    @Test
    void aGatewayThatFailsToStartExitsAndFreesTheKafkaPort() throws Exception {
        // the broker starts (an initializer, before the context), then the context fails on the accounts file
        startGateway("--ferry.gateway.security.tokens-file=" + work.resolve("no-such-tokens-file"));

        OptionalInt exit = gateway.awaitExit(Duration.ofSeconds(90));

        assertThat(exit).as("the gateway exited").isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        try (ServerSocket s = new ServerSocket(kafkaPort)) {
            assertThat(s.getLocalPort()).isEqualTo(kafkaPort); // free
        }
        assertThat(postmaster()).as("no PostgreSQL left running").isEmpty();
    }

    /** After a restart: nothing handled again, the old request still known, a new one (Kafka, REST) handled. */
    private void assertGoesOn(String before, Map<TopicPartition, Long> committed) throws Exception {
        assertThat(gateway.get("/api/migrations/" + before).statusCode()).isEqualTo(200);
        // the committed offsets survived: the gateway starts after what it handled, no replay of the topics
        assertThat(committedOffsets()).containsAllEntriesOf(committed);
        String after = request(); // the requester's SCRAM credential and ACLs survived
        awaitKnown(after);
        assertThat(gateway.get("/api/migrations/" + before + "/events").body()).containsOnlyOnce("MigrateRequested");
        assertThat(gateway.post("/api/migrations", "{\"container\":\"web\",\"sourceHost\":\"host-a\",\"targetHost\":\"host-b\"}")
                .statusCode()).isEqualTo(409);
    }

    /** A migration request from another system, on its own topic; returns its id. */
    private String request() {
        String id = UUID.randomUUID().toString();
        MigrationMessage.MigrateRequested r = new MigrationMessage.MigrateRequested(
                new Meta(id + "/requested", id, REQUESTER, Instant.now(), Meta.VERSION), "web", "host-a", "host-b",
                MigrationOptions.defaults());
        secrets.publish(bootstrap(), REQUESTER, Topics.requests(REQUESTER), id, MessageCodec.encode(r));
        return id;
    }

    private void awaitKnown(String id) {
        await(() -> gateway.get("/api/migrations/" + id).statusCode() == 200, Duration.ofSeconds(90), "migration " + id + " to be recorded");
    }

    /** The requests group's committed offsets, once they reach the end of the requester's topic. */
    private Map<TopicPartition, Long> awaitCommitted() throws Exception {
        Map<TopicPartition, Long> end = new java.util.HashMap<>();
        try (Admin admin = admin()) {
            var partitions = admin.describeTopics(List.of(Topics.requests(REQUESTER))).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.requests(REQUESTER)).partitions();
            Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(
                    p -> new TopicPartition(Topics.requests(REQUESTER), p.partition()), p -> OffsetSpec.latest()));
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> {
                if (info.offset() > 0) {
                    end.put(tp, info.offset());
                }
            });
        }
        await(() -> {
            Map<TopicPartition, Long> c = committedOffsets();
            return end.entrySet().stream().allMatch(e -> c.getOrDefault(e.getKey(), -1L) >= e.getValue());
        }, Duration.ofSeconds(60), "the gateway to commit " + end);
        return committedOffsets();
    }

    private Map<TopicPartition, Long> committedOffsets() {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("ferry-gateway-requests")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The broker's own super user (its secret is in its data directory): for looking at offsets. */
    private Admin admin() throws IOException {
        String secret = Files.readString(work.resolve("kafka/broker.secret")).strip();
        return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", SaslConfigs.SASL_MECHANISM,
                KafkaClientCredentials.SCRAM, SaslConfigs.SASL_JAAS_CONFIG,
                KafkaClientCredentials.scramJaas(KafkaAccess.BROKER, secret)));
    }

    private String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The live PostgreSQL named by the gateway's postmaster.pid, if any. */
    private Optional<ProcessHandle> postmaster() throws IOException {
        Path pidFile = work.resolve("gateway/postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).strip()))
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    }
}
