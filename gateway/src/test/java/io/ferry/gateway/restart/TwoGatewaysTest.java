package io.ferry.gateway.restart;

import io.ferry.core.os.FileTrees;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.InProcessKafkaBroker;
import io.ferry.spring.kafka.KafkaAccess;
import io.ferry.spring.kafka.KafkaUsers;
import io.ferry.core.testing.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.ferry.gateway.FerryCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances (processes of the runnable jar) on one Kafka broker and one PostgreSQL, as a
 * deployment with a standby or behind a load balancer runs them, with two hosts that exist only on
 * Kafka ({@link FakeHosts}). The outbox goes out in order whichever instance relays it, a live stream
 * on one shows what the other recorded, a timeout is decided once, and a migration whose instance is
 * killed mid-way is finished by the other.
 */
@Tag("gateway-process")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoGatewaysTest {
    private Path work;
    private InProcessKafkaBroker broker;
    private EmbeddedPostgres postgres;
    private KafkaSecrets secrets;
    private FakeHosts hosts;
    private GatewayProcess a;
    private GatewayProcess b;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("ferry-two-gateways");
        secrets = new KafkaSecrets(work.resolve("secrets"), List.of(KafkaAccess.GATEWAY,
                KafkaAccess.hostPrincipal(FakeHosts.SOURCE), KafkaAccess.hostPrincipal(FakeHosts.TARGET)));
        broker = InProcessKafkaBroker.start("127.0.0.1", ServiceProcess.freePort(), work.resolve("kafka"),
                new KafkaUsers(secrets.passwords()));
        postgres = EmbeddedPostgres.builder().start();
        hosts = new FakeHosts(secrets, broker.bootstrapServers(), broker.adminClientProperties());
        CompletableFuture<GatewayProcess> first = CompletableFuture.supplyAsync(() -> gateway("gateway-a").awaitHealthy());
        b = gateway("gateway-b").awaitHealthy();
        a = first.join();
    }

    private GatewayProcess gateway(String name) {
        List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"), "--spring.datasource.username=postgres",
                // a killed instance's partitions go to the other after the gateway's session.timeout.ms (10 s)
                "--ferry.gateway.heartbeat-ttl=60s", "--ferry.gateway.timeouts.checkpointing=30s"));
        args.addAll(secrets.serviceArgs(KafkaAccess.GATEWAY));
        return GatewayProcess.start(name, work, args);
    }

    @AfterAll
    void stop() throws Exception {
        Stream.of(a, b).filter(g -> g != null).forEach(GatewayProcess::close);
        if (hosts != null) {
            hosts.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        FileTrees.deleteRecursively(work);
    }

    @Test
    @Order(1)
    void theOutboxGoesOutInOrderWhicheverInstanceRelaysIt() throws Exception {
        String key = "order-" + UUID.randomUUID();
        int n = 1_000;
        // one migration's worth of messages, committed at once: both relays see them at their next turn
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             PreparedStatement s = c.prepareStatement("insert into outbox (topic, msg_key, payload, created_at) "
                     + "select ?, ?, g::text, now() from generate_series(1, ?) g")) {
            s.setString(1, Topics.EVENTS);
            s.setString(2, key);
            s.setInt(3, n);
            s.executeUpdate();
        }

        List<Integer> received = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(broker.adminClientProperties());
        props.put("group.id", "order-check-" + key);
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EVENTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (received.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key().equals(key)) {
                        received.add(Integer.parseInt(r.value()));
                    }
                }
            }
        }

        List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, n).boxed().toList();
        assertThat(received).as("one migration's messages, as they reached Kafka").containsExactlyElementsOf(expected);
    }

    @Test
    @Order(2)
    void aLiveStreamOnOneInstanceShowsWhatTheOtherRecorded() throws Exception {
        hosts.answering = false; // the migration waits in CHECKPOINTING
        String id = "stream-" + UUID.randomUUID();
        try {
            assertThat(a.post("/api/migrations", request(id)).statusCode()).isEqualTo(202);
            List<String> lines = new CopyOnWriteArrayList<>();
            HttpResponse<Stream<String>> stream = b.stream("/api/migrations/" + id + "/events");
            assertThat(stream.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> stream.body().forEach(lines::add), "sse-reader");
            reader.setDaemon(true);
            reader.start();
            await(() -> lines.contains("event:MigrationAccepted"), Duration.ofSeconds(30), "the stream's history");

            assertThat(a.post("/api/migrations/" + id + "/cancel", "").statusCode()).isEqualTo(202); // recorded by a

            await(() -> lines.contains("event:MigrationCancelRequested"), Duration.ofSeconds(30),
                    () -> "b's stream to show a's cancel; it got " + lines);
        } finally {
            hosts.answering = true; // the cancel takes effect at the checkpoint's end: rolled back
        }
        await(() -> state(b, id).equals("ROLLED_BACK"), Duration.ofSeconds(60), "migration " + id + " to roll back");
    }

    @Test
    @Order(3)
    void aTimeoutIsDecidedOnceWithTwoInstancesWatching() {
        String id = "timeout-" + UUID.randomUUID();
        hosts.silent.add(id); // the source never answers the checkpoint
        assertThat(a.post("/api/migrations", request(id)).statusCode()).isEqualTo(202);
        await(() -> hosts.commands(id, MigrationMessage.RollbackCommand.class) > 0, Duration.ofSeconds(60),
                "the checkpoint to time out (30 s) and a rollback to be sent");

        String events = b.get("/api/migrations/" + id + "/events").body();
        assertThat(count(events, "\"MigrationTimedOut\"")).as("timeouts decided in %s", events).isEqualTo(1);
        assertThat(count(events, "\"RollbackCommand\"")).isEqualTo(1);
        // the source comes back and answers: the migration ends, and the container may be migrated again
        hosts.speak(id);
        await(() -> state(b, id).equals("ROLLED_BACK"), Duration.ofSeconds(60), "migration " + id + " to roll back");
    }

    @Test
    @Order(4)
    void killingOneInstanceMidMigrationLosesNothing() {
        String id = "kill-" + UUID.randomUUID();
        hosts.answering = false;
        assertThat(a.post("/api/migrations", request(id)).statusCode()).isEqualTo(202);
        await(() -> hosts.commands(id, MigrationMessage.CheckpointCommand.class) > 0, Duration.ofSeconds(30),
                "the checkpoint command to reach the source");

        a.kill(); // the instance that took the request, with the hosts' answers still to come
        hosts.answering = true;

        await(() -> state(b, id).equals("COMPLETED"), Duration.ofMinutes(2),
                () -> "the other instance to finish " + id + "; it is " + state(b, id));
        assertThat(hosts.commands(id, MigrationMessage.RestoreCommand.class)).isPositive();
        assertThat(hosts.commands(id, MigrationMessage.FinalizeCommand.class)).isPositive();
    }

    private static String request(String id) {
        return "{\"id\":\"" + id + "\",\"container\":\"" + FakeHosts.CONTAINER + "\",\"sourceHost\":\"" + FakeHosts.SOURCE
                + "\",\"targetHost\":\"" + FakeHosts.TARGET + "\"}";
    }

    private static String state(GatewayProcess g, String id) {
        HttpResponse<String> r = g.get("/api/migrations/" + id);
        if (r.statusCode() != 200) {
            return "HTTP " + r.statusCode();
        }
        return io.ferry.core.json.Json.MAPPER.readTree(r.body()).path("state").asString();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
