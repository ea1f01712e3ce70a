package io.ferry.gateway.saga;

import io.ferry.core.json.Json;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.gateway.migration.MigrationCoordinator;
import io.ferry.gateway.migration.MigrationPolicy;
import io.ferry.gateway.migration.MigrationRepository;
import io.ferry.gateway.migration.MigrationState;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races against the real gateway (PostgreSQL, Kafka, HTTP): requests for one container at once, and two
 * messages of one migration at once. Whatever interleaves, one migration per container runs, and one
 * migration's messages are decided one after the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaRacesTest {
    private static final int CONTAINERS = 20;
    private OneGateway gateway;

    static String containerId(int i) {
        return String.format("%064x", 0xc0ffee00L + i);
    }

    @BeforeAll
    void start() {
        gateway = OneGateway.start();
        List<HostHeartbeat.RunningContainer> running = new ArrayList<>();
        running.add(new HostHeartbeat.RunningContainer(containerId(999), "web", "busybox", "running"));
        running.add(new HostHeartbeat.RunningContainer(containerId(998), "api", "busybox", "running"));
        IntStream.range(0, CONTAINERS).forEach(i -> running.add(new HostHeartbeat.RunningContainer(containerId(i), "c" + i,
                "busybox", "running")));
        gateway.hostsUp(running);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String request(String container) {
        return "{\"container\":\"" + container + "\",\"sourceHost\":\"" + OneGateway.SOURCE + "\",\"targetHost\":\""
                + OneGateway.TARGET + "\"}";
    }

    private List<String> types(String migrationId) {
        return gateway.bean(EventLog.class).of(migrationId).stream().map(EventLogEntry::getType).toList();
    }

    @Test
    void concurrentRequestsForOneContainerByNameOrIdAcceptExactlyOneAndRefuseTheRestNamingIt() throws Exception {
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String named = i % 2 == 0 ? "web" : containerId(999); // the same container, by name or by id
            answers.add(pool.submit(() -> {
                go.await();
                return gateway.post("/api/migrations", request(named));
            }));
        }
        go.countDown();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (Future<HttpResponse<String>> a : answers) {
            responses.add(a.get());
        }
        pool.shutdown();

        List<HttpResponse<String>> accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertThat(accepted).as(responses.stream().map(HttpResponse::body).toList().toString()).hasSize(1);
        String running = accepted.get(0).headers().firstValue("Location").orElseThrow();
        String runningId = running.replaceFirst(".*/", "");
        for (HttpResponse<String> refused : responses) {
            if (refused == accepted.get(0)) {
                continue;
            }
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            JsonNode problem = Json.MAPPER.readTree(refused.body());
            assertThat(problem.path("detail").asString()).contains("already being migrated by migration " + runningId);
            assertThat(problem.path("runningMigration").asString()).isEqualTo(running);
            String refusedId = problem.path("migration").asString().replaceFirst(".*/", "");
            assertThat(types(refusedId)).as("recorded").containsExactly("MigrateRequested", "MigrationRejected");
        }
    }

    @Test
    void aKafkaRequestForAContainerUnderWayIsRejectedWithTheReason() {
        HttpResponse<String> first = gateway.post("/api/migrations", request("api"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String firstId = first.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");

        String id = UUID.randomUUID().toString();
        MigrationMessage.MigrateRequested again = new MigrationMessage.MigrateRequested(new Meta(id + "/requested", id,
                "other-system", Instant.now(), Meta.VERSION), containerId(998), OneGateway.SOURCE, OneGateway.TARGET,
                MigrationOptions.defaults());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.kafka.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.requests("other-system"), id, MessageCodec.encode(again)));
        }

        MigrationRepository migrations = gateway.bean(MigrationRepository.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> migrations.findById(id).isPresent());
        assertThat(migrations.findById(id).orElseThrow().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(migrations.findById(id).orElseThrow().getError()).isEqualTo("container " + containerId(998) + " on "
                + OneGateway.SOURCE + " is already being migrated by migration " + firstId);
        assertThat(types(id)).containsExactly("MigrateRequested", "MigrationRejected");
    }

    @Test
    void twoMessagesOfOneMigrationAtOnceAreDecidedOneAfterTheOther() throws Exception {
        MigrationCoordinator coordinator = gateway.bean(MigrationCoordinator.class);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) {
            String id = "race-" + i + "-" + UUID.randomUUID();
            ids.add(id);
            coordinator.submit(new MigrationMessage.MigrateRequested(meta(id, "requested", MigrationPolicy.GATEWAY), "c" + i,
                    OneGateway.SOURCE, OneGateway.TARGET, MigrationOptions.defaults()));
            coordinator.handle(new MigrationMessage.CheckpointCompleted(meta(id, "requested/checkpoint/completed",
                    OneGateway.SOURCE), null, "sha256:" + "ab".repeat(32), 4096, Instant.now(), 10, 20, null,
                    "sha256:" + "cd".repeat(32), null));
        }
        MigrationRepository migrations = gateway.bean(MigrationRepository.class);
        assertThat(ids).allSatisfy(id -> assertThat(migrations.findById(id).orElseThrow().getState())
                .isEqualTo(MigrationState.RESTORING));

        // the target's RestoreCompleted and an operator's cancel, each pair released at the same moment
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (String id : ids) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> restored = CompletableFuture.runAsync(() -> {
                awaitQuietly(go);
                coordinator.handle(new MigrationMessage.RestoreCompleted(meta(id, "requested/checkpoint/completed/restore/completed",
                        OneGateway.TARGET), "ee".repeat(32), "web", Instant.now(), 5, 10));
            }, pool);
            CompletableFuture<Void> cancelled = CompletableFuture.runAsync(() -> {
                awaitQuietly(go);
                coordinator.submit(new MigrationMessage.MigrationCancelRequested(meta(id, "cancel", MigrationPolicy.GATEWAY)));
            }, pool);
            go.countDown();
            CompletableFuture.allOf(restored, cancelled).get();
        }
        pool.shutdown();

        for (String id : ids) {
            List<String> types = types(id);
            assertThat(types.contains("FinalizeCommand") && types.contains("CancelRestoreCommand"))
                    .as("migration %s decided both ways at once: %s", id, types).isFalse();
        }
    }

    private static Meta meta(String migrationId, String kind, String host) {
        return new Meta(migrationId + "/" + kind, migrationId, host, Instant.now(), Meta.VERSION);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
