package io.ferry.gateway;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saga under faults with real hosts (runc + CRIU), Kafka, PostgreSQL (issue 14): a finalize that finds a
 * second running copy, a late command after a cancel, a gateway outage longer than the restore timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SagaUnderFaultsTest extends TwoHostMigrationTest {

    /** The other classes share this cluster: its gateway as they know it (the last test restarted it with a short timeout). */
    @AfterAll
    void gatewayWithItsUsualTimeouts() {
        cluster.stopGateway();
        cluster.startGatewayAgain();
    }

    private JsonNode state(String id) {
        return io.ferry.core.json.Json.MAPPER.readTree(cluster.get("/api/migrations/" + id).body());
    }

    private void awaitState(String id, String state) {
        FerryCluster.await(() -> state.equals(state(id).path("state").asString()), MIGRATION,
                () -> "migration " + id + " to be " + state + ": " + state(id));
    }

    @Test
    @Order(1)
    void aFinalizeThatFindsTheSourceRunningAgainRemovesTheTargetsCopyAndNeverCompletesWithTwo() throws Exception {
        looperOnA("twice");
        String id = started("twice");
        awaitState(id, "RESTORING");
        long checkpointService = pidOf("checkpoint-service", a.host().id());
        signal("STOP", checkpointService); // the FinalizeCommand waits in Kafka
        try {
            awaitState(id, "FINALIZING");
            a.engine().restoreInPlace("twice", false); // the stopped source copy runs again (as a racing rollback did)
            assertThat(a.running("twice")).isTrue();
        } finally {
            signal("CONT", checkpointService);
        }

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
        assertThat(m.path("error").asString()).contains("finalize found twice running on " + a.host().id());
        assertThat(a.running("twice")).isTrue();
        assertThat(b.engine().containers().store().find("twice")).as("the target's copy is removed").isEmpty();
    }

    @Test
    @Order(2)
    void aRestoreCommandArrivingAfterTheCancelIsRefusedByTheRestoreServiceAndReported() {
        String id = "late-" + UUID.randomUUID();
        String target = b.host().id();
        String archive = "registry://" + cluster.registryAddress() + "/ferry/migrations/" + a.host().id() + ":" + id;
        MigrationMessage cancel = new MigrationMessage.CancelRestoreCommand(new Meta(id + "/cancel-restore", id, target,
                Instant.now(), Meta.VERSION, 1), archive, null);
        MigrationMessage lateRestore = new MigrationMessage.RestoreCommand(new Meta(id + "/restore", id, target,
                Instant.now(), Meta.VERSION, 0), archive, null, false, "sha256:" + "cd".repeat(32), a.host().id(), null);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(clientProperties(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))) {
            producer.send(new ProducerRecord<>(Topics.restoreCommands(target), id, MessageCodec.encode(cancel)));
            producer.send(new ProducerRecord<>(Topics.restoreCommands(target), id, MessageCodec.encode(lateRestore)));
        }

        List<MigrationMessage> reports = reportsOf(Topics.hostEvents(target), id, 2);
        assertThat(reports).extracting(MigrationMessage::type).containsExactly("RestoreCancelled", "CommandRefused");
        assertThat(reports.get(0)).isInstanceOfSatisfying(MigrationMessage.RestoreCancelled.class, c -> {
            assertThat(c.removed()).isFalse();
            assertThat(c.copyLeft()).as("nothing was there").isFalse();
            assertThat(c.meta().epoch()).isEqualTo(1);
        });
        assertThat(reports.get(1)).isInstanceOfSatisfying(MigrationMessage.CommandRefused.class, r -> {
            assertThat(r.commandId()).isEqualTo(id + "/restore");
            assertThat(r.meta().epoch()).isZero();
            assertThat(r.seenEpoch()).isEqualTo(1);
        });
    }

    @Test
    @Order(3)
    void aGatewayDownLongerThanTheRestoreTimeoutCompletesTheMigrationWhoseCopyRunsOnTheTarget() {
        looperOnA("outage");
        int before = a.log("outage").last();
        String id = started("outage");
        awaitState(id, "RESTORING");

        cluster.stopGateway(); // down while the target restores
        FerryCluster.await(() -> b.engine().containers().store().find("outage").isPresent() && b.running("outage"), MIGRATION,
                "the target to run outage");
        Awaitility.await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
        cluster.startGatewayAgain("--ferry.gateway.timeouts.restoring=8s"); // back after more than the timeout

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(b.running("outage")).isTrue();
        awaitSourceCopyGone("outage");
        List<Integer> n = b.log("outage").awaitNumberAtLeast(before + 12, Duration.ofSeconds(30)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("the counter goes on, never replayed from an old checkpoint: %s", n).isEqualTo(i);
        }
    }

    private Map<String, Object> clientProperties(Map<String, Object> more) {
        Map<String, Object> p = new HashMap<>(cluster.kafkaAdmin());
        p.putAll(more);
        return p;
    }

    /** The first {@code count} reports of one migration on a host's events topic. */
    private List<MigrationMessage> reportsOf(String topic, String migrationId, int count) {
        List<MigrationMessage> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            Instant until = Instant.now().plusSeconds(60);
            while (out.size() < count && Instant.now().isBefore(until)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (migrationId.equals(r.key())) {
                        out.add(MessageCodec.decode(r.value()));
                    }
                }
            }
        }
        return out;
    }

    /** The pid of this test's service process of that kind for that host (a child of this JVM). */
    private static long pidOf(String service, String hostId) {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine()
                        .map(c -> c.contains(service) && c.contains("--ferry.host.id=" + hostId + " ")
                                || c.contains(service) && c.endsWith("--ferry.host.id=" + hostId)).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no " + service + " of " + hostId)).pid();
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
