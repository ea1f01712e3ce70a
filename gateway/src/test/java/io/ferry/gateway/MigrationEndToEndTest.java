package io.ferry.gateway;

import io.ferry.core.container.RunRequest;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.FlockTools;
import io.ferry.core.testing.TestHost;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations through the whole system: two hosts on this machine, each with its own image-,
 * checkpoint- and restore-service and state root, registry-service, the gateway and a real Kafka
 * broker (in-process KRaft); real containers, real CRIU.
 */
class MigrationEndToEndTest extends TwoHostMigrationTest {
    private List<String> timeline(String id) {
        List<String> types = new ArrayList<>();
        Json.MAPPER.readTree(cluster.get("/api/migrations/" + id + "/events").body()).forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    private static void assertCountsOn(ContainerLog log, int stoppedAt) {
        List<Integer> n = log.awaitNumberAtLeast(stoppedAt + 2, Duration.ofSeconds(30)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter: %s", n).isEqualTo(i);
        }
    }

    @Test
    void aLooperMovesFromAToBThroughTheRestApi() {
        looperOnA("rest-looper");
        int before = a.log("rest-looper").last();
        HttpResponse<String> created = cluster.post("/api/migrations", request("rest-looper"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertCountsOn(b.log("rest-looper"), before);
        awaitSourceCopyGone("rest-looper"); // finalize removes it, once the registry copy is written
        assertThat(m.path("downtimeMillis").asLong()).isPositive();
        assertThat(m.path("archive").path("digest").asString()).startsWith("sha256:");
        assertThat(m.path("timings").path("restoreMillis").asLong()).isPositive();
        assertThat(timeline(id)).containsSubsequence("MigrateRequested", "MigrationAccepted", "CheckpointCommand",
                "CheckpointStarted", "CheckpointDumped", "CheckpointCompleted", "RestoreCommand", "RestoreStarted",
                "RestoreCompleted", "FinalizeCommand", "SourceFinalized", "MigrationCompleted");
        String metrics = cluster.metrics();
        assertThat(metrics).containsPattern("ferry_migrations_completed_total(\\{[^}]*\\})? [1-9]")
                .containsPattern("ferry_migration_downtime_seconds_count(\\{[^}]*\\})? [1-9]")
                .containsPattern("ferry_migration_bytes_transferred_bytes_total(\\{[^}]*\\})? [1-9]")
                .contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    // ---- Podman's --file-locks for a migration: a container holding a lock (flock(1) of the host, FlockTools) ----

    /**
     * Holds an exclusive flock on /lk for as long as it runs and says each second whether a second, non-blocking
     * flock of it is refused ("held N") or not ("free N"); N counts on.
     */
    private static final String LOCKER = "exec " + FlockTools.FLOCK + " -x /lk /bin/sh -c 'i=0; while true; do if "
            + FlockTools.FLOCK + " -n /lk true; then echo free $i; else echo held $i; fi; i=$((i+1)); sleep 1; done'";

    private void lockerOnA(String name) throws java.io.IOException {
        a.engine().containers().run(new RunRequest(name, io.ferry.core.testing.BusyboxImage.REF, List.of("sh", "-c", LOCKER),
                List.of(VolumeMount.parse(FlockTools.install(a, name + "-tools")))));
        a.log(name).await(l -> l.lines().stream().anyMatch(s -> s.startsWith("held")), Duration.ofSeconds(20), "the lock taken");
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name + " on " + a.host().id());
    }

    private static int lastHeld(ContainerLog log) {
        List<Integer> n = log.numbers("held ");
        return n.isEmpty() ? -1 : n.get(n.size() - 1);
    }

    @Test
    void aContainerHoldingAFileLockMovesWithFileLocksAndKeepsItsLock() throws java.io.IOException {
        lockerOnA("locks-moved");
        int before = lastHeld(a.log("locks-moved"));
        HttpResponse<String> created = cluster.post("/api/migrations", "{\"container\":\"locks-moved\",\"sourceHost\":\""
                + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\",\"fileLocks\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(m.path("options").path("fileLocks").asBoolean()).as(m.toString()).isTrue();
        int moved = lastHeld(b.log("locks-moved"));
        assertThat(moved).as("the log came along").isGreaterThanOrEqualTo(before);
        ContainerLog log = b.log("locks-moved").await(l -> lastHeld(l) >= moved + 3, Duration.ofSeconds(30),
                "the locker counting on on " + b.host().id());
        assertThat(log.lines()).as("on the target a second flock -n is still refused").noneMatch(l -> l.startsWith("free"));
        List<Integer> n = log.numbers("held ");
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter: %s", n).isEqualTo(i);
        }
    }

    @Test
    void aContainerHoldingAFileLockWithoutFileLocksStaysOnTheSourceAndTheErrorNamesTheOption() throws java.io.IOException {
        lockerOnA("locks-refused");

        JsonNode m = cluster.awaitMigration(started("locks-refused"), TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isIn("ROLLED_BACK", "FAILED");
        assertThat(m.path("options").path("fileLocks").asBoolean()).isFalse();
        assertThat(m.path("error").asString()).as(m.toString())
                .contains("the container holds file locks: migrate it with file locks (`ferry migrate --file-locks`,"
                        + " or \"fileLocks\": true in the request's options)")
                .doesNotContain("ferry checkpoint");
        assertThat(a.running("locks-refused")).isTrue();
        int now = lastHeld(a.log("locks-refused"));
        a.log("locks-refused").await(l -> lastHeld(l) >= now + 2, Duration.ofSeconds(20),
                "the locker counting on on " + a.host().id());
        assertThat(b.engine().containers().store().find("locks-refused")).isEmpty();
    }

    @Test
    void aMigrationThatKeepsTheSourceLeavesNoKeyOfItsArchiveOnTheSource() throws java.io.IOException {
        looperOnA("kept-looper");
        HttpResponse<String> created = cluster.post("/api/migrations", "{\"container\":\"kept-looper\",\"sourceHost\":\""
                + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\",\"keep\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(a.running("kept-looper")).isTrue();
        // no finalize comes for a kept source: its key would open the archive in the registry for as long as it lies there
        java.nio.file.Path kept = a.host().keys().resolve("migrations").resolve(id + ".key");
        assertThat(kept).as("the source's copy of migration " + id + "'s archive key").doesNotExist();
    }

    @Test
    void aMigrateRequestedPublishedToKafkaRunsTheSame() {
        looperOnA("kafka-looper");
        String id = UUID.randomUUID().toString();
        publish(requested(id, "kafka-looper"));

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(b.running("kafka-looper")).isTrue();
        assertCountsOn(b.log("kafka-looper"), 0);
    }

    @Test
    void aFailedDependencyCheckOnTheTargetRollsBackAndTheContainerCountsOnOnA() {
        looperOnA("vol-looper", "voldata:/data");
        b.engine().volumes().create("voldata"); // the archive carries a volume of that name: restore refuses

        String id = started("vol-looper");
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
        assertThat(m.path("error").asString()).contains("volume with name voldata already exists");
        assertThat(a.running("vol-looper")).isTrue();
        assertThat(b.engine().containers().store().find("vol-looper")).isEmpty();
        int now = a.log("vol-looper").last();
        a.log("vol-looper").awaitNumberAtLeast(now + 2, Duration.ofSeconds(20));
        assertThat(timeline(id)).containsSubsequence("RestoreFailed", "RollbackCommand", "RolledBack", "MigrationRolledBack");
    }

    @Test
    void duplicatedRequestsAndRedeliveredCommandsMakeOneMigrationAndOneContainer() throws Exception {
        looperOnA("dup-looper");
        String id = UUID.randomUUID().toString();
        AtomicInteger copies = new AtomicInteger();
        try (CommandDuplicator duplicator = new CommandDuplicator(cluster.kafkaAdmin(), copies)) {
            String req = requested(id, "dup-looper");
            publish(req);
            publish(req);

            JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

            assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
            FerryCluster.await(() -> copies.get() >= 3, Duration.ofSeconds(30), "every command to be delivered twice");
            // a redelivered command is answered with its recorded replies again (same ids): wait for those
            FerryCluster.await(() -> answeredTwice(id, Set.of("CheckpointCompleted", "RestoreCompleted",
                    "SourceFinalized")), Duration.ofSeconds(30), "every redelivered command to be answered again");
        }
        List<String> types = timeline(id);
        assertThat(types.stream().filter("MigrateRequested"::equals).count()).isEqualTo(1);
        assertThat(types.stream().filter("RestoreCompleted"::equals).count()).isEqualTo(1);
        assertThat(types.stream().filter("CheckpointCompleted"::equals).count()).isEqualTo(1);
        assertThat(cluster.get("/api/migrations?host=" + a.host().id()).body().split("\"id\":\"" + id + "\"", -1)).hasSize(2);
        assertThat(b.engine().containers().list(false).stream().filter(v -> v.record().name().equals("dup-looper")).count())
                .isEqualTo(1);
        awaitSourceCopyGone("dup-looper");
        assertThat(b.running("dup-looper")).isTrue();
    }

    @Test
    void aRestoreServiceKilledMidRestoreEndsWithExactlyOneRunningCopy() {
        looperOnA("crash-looper");
        String id = started("crash-looper");
        var restores = cluster.node("hostb").restores();
        FerryCluster.await(() -> timeline(id).contains("RestoreStarted") || timeline(id).contains("MigrationCompleted"),
                MIGRATION, "the restore to start on B");
        restores.kill();
        restores.restart();
        restores.awaitHealthy(Duration.ofMinutes(2));

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isIn("COMPLETED", "ROLLED_BACK");
        boolean onA = a.engine().containers().store().find("crash-looper").map(r -> a.running("crash-looper")).orElse(false);
        boolean onB = b.engine().containers().store().find("crash-looper").map(r -> b.running("crash-looper")).orElse(false);
        assertThat(onA ^ onB).as("exactly one running copy (A: %s, B: %s)", onA, onB).isTrue();
        TestHost where = onA ? a : b;
        int now = where.log("crash-looper").last();
        where.log("crash-looper").awaitNumberAtLeast(now + 2, Duration.ofSeconds(20));
    }

    @Test
    void aCancelledMigrationRollsBackAndAFinishedOneCannotBeCancelled() {
        looperOnA("cancel-looper");
        String id = started("cancel-looper");
        HttpResponse<String> cancel = cluster.post("/api/migrations/" + id + "/cancel", "");
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);
        if (cancel.statusCode() == 202) {
            assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
            assertThat(a.running("cancel-looper")).isTrue();
            assertThat(b.engine().containers().store().find("cancel-looper")).isEmpty();
        } else { // the move had finished before the cancel arrived
            assertThat(cancel.statusCode()).isEqualTo(409);
            assertThat(m.path("state").asString()).isEqualTo("COMPLETED");
        }
        HttpResponse<String> late = cluster.post("/api/migrations/" + id + "/cancel", "");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("has ended");
    }

    @Test
    void theDashboardStartsAMigrationAndShowsItComplete() {
        looperOnA("ui-looper");
        try (Dashboard page = new Dashboard(cluster.gatewayUrl(), FerryCluster.ADMIN, cluster.adminToken())) {
            page.startMigration("ui-looper", a.host().id(), b.host().id());

            FerryCluster.await(() -> page.stateOf("ui-looper").equals("COMPLETED"), MIGRATION,
                    () -> "the dashboard to show ui-looper COMPLETED; it shows " + page.stateOf("ui-looper"));
            page.open("ui-looper");
            FerryCluster.await(() -> page.text("#timeline").contains("MigrationCompleted"), Duration.ofSeconds(10),
                    "the timeline");
            assertThat(page.text("#timings")).contains("downtime");
            // The hosts panel follows heartbeats, which may arrive a moment after the migration completed.
            String hostB = "#hosts [data-host='" + b.host().id() + "']";
            FerryCluster.await(() -> page.text(hostB).contains("ui-looper"), Duration.ofSeconds(20),
                    () -> "host B's panel to list ui-looper; it shows " + page.text(hostB));
            assertThat(page.screenshot("dashboard")).isNotEmptyFile();
        }
        assertThat(b.running("ui-looper")).isTrue();
    }

    @Test
    void replayRebuildsTheSameView() {
        looperOnA("replay-looper");
        String id = started("replay-looper");
        cluster.awaitMigration(id, TERMINAL, MIGRATION);
        // the registry copy of a direct migration lands after it completed: the view is whole once it has
        FerryCluster.await(() -> cluster.get("/api/migrations/" + id).body().contains("\"storedManifest\""), MIGRATION,
                "the registry copy of " + id);
        String before = cluster.get("/api/migrations").body();

        HttpResponse<String> replay = cluster.post("/api/admin/replay", "");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(replay.body()).path("migrations").asInt()).isPositive();

        assertThat(Json.MAPPER.readTree(cluster.get("/api/migrations").body())).isEqualTo(Json.MAPPER.readTree(before));
    }

    @Test
    void invalidRequestsNameTheFieldAndUnknownIdsAre404() {
        HttpResponse<String> invalid = cluster.post("/api/migrations", "{\"container\":\"x\",\"sourceHost\":\"" + a.host().id() + "\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode problem = Json.MAPPER.readTree(invalid.body());
        assertThat(problem.path("detail").asString()).isEqualTo("targetHost is required");
        assertThat(problem.path("errors").path(0).path("field").asString()).isEqualTo("targetHost");
        assertThat(cluster.get("/api/migrations/nope").statusCode()).isEqualTo(404);
        assertThat(cluster.get("/api/migrations?state=NOPE").statusCode()).isEqualTo(400);
        assertThat(cluster.get("/api/hosts/ghost").statusCode()).isEqualTo(404);
        assertThat(cluster.get("/v3/api-docs").body()).contains("/api/migrations");
    }

    @Test
    void thePreflightRefusesADownTargetAndAContainerThatIsNotRunning() {
        HttpResponse<String> down = cluster.post("/api/migrations", "{\"container\":\"x\",\"sourceHost\":\"" + a.host().id()
                + "\",\"targetHost\":\"ghost\"}");
        assertThat(down.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(down.body()).path("detail").asString())
                .isEqualTo("migration refused: target host ghost is down: no heartbeat from its restore-service in the last 5s");
        HttpResponse<String> missing = cluster.post("/api/migrations", request("not-there"));
        assertThat(missing.statusCode()).isEqualTo(409);
        assertThat(missing.body()).contains("container not-there is not running on " + a.host().id());
    }

    @Test
    void progressStreamsAsServerSentEvents() throws Exception {
        looperOnA("sse-looper");
        String id = started("sse-looper");
        HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(cluster.gatewayUrl().resolve("/api/migrations/" + id + "/events"))
                        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + cluster.adminToken())
                        .timeout(MIGRATION).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = stream.body().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).strip()).toList();
        assertThat(events).containsSubsequence("MigrateRequested", "CheckpointCompleted", "RestoreCompleted", "MigrationCompleted");
    }

    /** A MigrateRequested as another system would publish it. */
    private String requested(String id, String container) {
        return MessageCodec.encode(new MigrationMessage.MigrateRequested(
                new Meta(id + "/requested", id, "test-system", Instant.now(), Meta.VERSION), container,
                a.host().id(), b.host().id(), MigrationOptions.defaults()));
    }

    /** Published as the requester would: as its own principal, to its own topic. */
    private void publish(String payload) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(cluster.kafkaClient(FerryCluster.REQUESTER),
                new StringSerializer(), new StringSerializer())) {
            String key = Json.MAPPER.readTree(payload).path("meta").path("migrationId").asString();
            producer.send(new ProducerRecord<>(Topics.requests(FerryCluster.REQUESTER), key, payload)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether each reply of these types of the migration is on the hosts' events topics twice (the original and the resent one). */
    private boolean answeredTwice(String migrationId, Set<String> types) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cluster.kafkaAdmin(), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String host : List.of(a.host().id(), b.host().id())) {
                consumer.partitionsFor(Topics.hostEvents(host)).forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Integer> seen = new HashMap<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (migrationId.equals(r.key())) {
                        MigrationMessage m = MessageCodec.decode(r.value());
                        if (types.contains(m.type())) {
                            seen.merge(m.meta().id(), 1, Integer::sum);
                        }
                    }
                }
            }
            return seen.size() == types.size() && seen.values().stream().allMatch(n -> n >= 2);
        }
    }

    /** Sends every command on the hosts' topics a second time: what a redelivery looks like to a host service. */
    private static final class CommandDuplicator implements AutoCloseable {
        private static final String MARK = "x-ferry-test-copy";
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean listening = new AtomicBoolean();
        private final Thread thread;

        CommandDuplicator(Map<String, Object> kafka, AtomicInteger copies) {
            thread = new Thread(() -> {
                Properties c = new Properties();
                c.putAll(kafka);
                c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-duplicator-" + UUID.randomUUID());
                c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
                c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
                Properties p = new Properties();
                p.putAll(kafka);
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
                     KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                    consumer.subscribe(Pattern.compile("ferry\\.host\\.[^.]+\\.(checkpoint|restore)"));
                    while (running.get()) {
                        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                        if (!listening.get() && !consumer.assignment().isEmpty()) {
                            consumer.assignment().forEach(consumer::position); // fixes the "latest" start offsets now
                            listening.set(true);
                        }
                        for (ConsumerRecord<String, String> r : records) {
                            if (r.headers().lastHeader(MARK) == null) {
                                ProducerRecord<String, String> copy = new ProducerRecord<>(r.topic(), r.key(), r.value());
                                copy.headers().add(MARK, "1".getBytes(StandardCharsets.UTF_8));
                                producer.send(copy);
                                copies.incrementAndGet();
                            }
                        }
                    }
                }
            }, "command-duplicator");
            thread.start();
            // listening before the migration starts, or its first command would not be copied
            FerryCluster.await(listening::get, Duration.ofSeconds(30), "the duplicator to be assigned the command topics");
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
