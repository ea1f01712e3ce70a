package io.ferry.gateway.saga;

import io.ferry.core.json.Json;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Post-copy migrations through the real gateway (REST, PostgreSQL, Kafka), with both hosts' reports forged and
 * sent on their events topics: REQUESTED ... RESTORING, TRANSFERRING_PAGES (running on the target, pages pending),
 * then COMPLETED once every page arrived, or FAILED as lost when the transfer breaks off; and the preflight's
 * refusals of a post-copy the hosts or the options do not allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostCopySagaTest {
    private static final String PAGE_SERVER = "127.0.0.1:40123";
    private static final List<String> POST_COPY = List.of("post-copy");
    private static final List<HostHeartbeat.RunningContainer> RUNNING = List.of(
            new HostHeartbeat.RunningContainer("a1".repeat(32), "pc-done", "busybox", "running"),
            new HostHeartbeat.RunningContainer("a2".repeat(32), "pc-lost", "busybox", "running"),
            new HostHeartbeat.RunningContainer("a3".repeat(32), "pc-refused", "busybox", "running"));

    private OneGateway gateway;
    private KafkaProducer<String, String> hosts;

    @BeforeAll
    void start() {
        gateway = OneGateway.start();
        gateway.hostsUp(RUNNING, POST_COPY, POST_COPY);
        hosts = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.kafka.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    void stop() {
        if (hosts != null) {
            hosts.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aPostCopyMigrationRunsOnTheTargetWhilePagesArriveThenCompletes() throws Exception {
        String id = startPostCopy("pc-done");
        RestoreCommand restore = untilRunningWithPagesPending(id);
        assertThat(restore.pageServer()).as("the page server the source reported").isEqualTo(PAGE_SERVER);

        JsonNode transferring = view(id);
        assertThat(transferring.path("state").asString()).isEqualTo("TRANSFERRING_PAGES");
        assertThat(transferring.path("options").path("postCopy").asBoolean()).isTrue();
        assertThat(transferring.path("pages").path("pending").asBoolean()).isTrue();
        assertThat(transferring.path("pages").path("pageServer").asString()).isEqualTo(PAGE_SERVER);
        HttpResponse<String> cancel = gateway.post("/api/migrations/" + id + "/cancel", "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(409);
        assertThat(cancel.body()).contains("point of no return");

        send(SagaHost.TARGET, new MigrationMessage.PagesTransferred(restore.meta().reply("pages-transferred", OneGateway.TARGET),
                256L << 20, 1_200));
        FinalizeCommand finalize = (FinalizeCommand) awaitLogged(id, "FinalizeCommand");
        send(SagaHost.SOURCE, new MigrationMessage.SourceFinalized(finalize.meta().reply("finalized", OneGateway.SOURCE)));

        JsonNode done = awaitState(id, "COMPLETED");
        assertThat(done.path("pages").path("pending").asBoolean()).isFalse();
        assertThat(done.path("pages").path("bytes").asLong()).isEqualTo(256L << 20);
        assertThat(done.path("downtimeMillis").asLong()).as("freeze to running on the target: %s", done).isEqualTo(700);
        assertThat(types(id)).containsSubsequence("MigrateRequested", "MigrationAccepted", "CheckpointCommand",
                "CheckpointCompleted", "RestoreCommand", "RestoreCompleted", "PagesTransferred", "FinalizeCommand",
                "SourceFinalized", "MigrationCompleted");
    }

    @Test
    void aPageServerFailingMidTransferRemovesTheTargetCopyThenResumesTheSourceCopy() throws Exception {
        String id = startPostCopy("pc-lost");
        CheckpointCommand checkpoint = (CheckpointCommand) awaitLogged(id, "CheckpointCommand");
        untilRunningWithPagesPending(id);

        // the source's report (either side may report PostCopyFailed)
        send(SagaHost.SOURCE, new MigrationMessage.PostCopyFailed(checkpoint.meta().reply("page-server-failed",
                OneGateway.SOURCE), "the page server of host-a failed: connection reset", true));

        // first the target's copy goes (it cannot go on without its pages), then the held source copy runs again
        MigrationMessage.CancelRestoreCommand cancel = (MigrationMessage.CancelRestoreCommand) awaitLogged(id,
                "CancelRestoreCommand");
        assertThat(types(id)).doesNotContain("RollbackCommand");
        send(SagaHost.TARGET, new MigrationMessage.RestoreCancelled(cancel.meta().reply("cancelled", OneGateway.TARGET),
                true, false, false, null));
        MigrationMessage.RollbackCommand rollback = (MigrationMessage.RollbackCommand) awaitLogged(id, "RollbackCommand");
        send(SagaHost.SOURCE, new MigrationMessage.RolledBack(rollback.meta().reply("rolled-back", OneGateway.SOURCE), true));

        awaitState(id, "ROLLED_BACK");
        assertThat(types(id)).containsSubsequence("PostCopyFailed", "CancelRestoreCommand", "RestoreCancelled",
                "RollbackCommand", "RolledBack").doesNotContain("FinalizeCommand", "MigrationCompleted");
    }

    @Test
    void postCopyIsRefusedWith422WhenAHostLacksTheFeatureOrWithKeep() {
        gateway.hostsUp(RUNNING, POST_COPY, List.of()); // the target's CRIU cannot do lazy pages
        try {
            HttpResponse<String> refused = gateway.post("/api/migrations", request("pc-refused", true, false));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(Json.MAPPER.readTree(refused.body()).path("detail").asString()).contains("post-copy refused")
                    .contains("host " + OneGateway.TARGET + " cannot do it");
            String refusedId = Json.MAPPER.readTree(refused.body()).path("migration").asString().replaceFirst(".*/", "");
            assertThat(types(refusedId)).containsExactly("MigrateRequested", "MigrationRejected");
        } finally {
            gateway.hostsUp(RUNNING, POST_COPY, POST_COPY);
        }

        HttpResponse<String> withKeep = gateway.post("/api/migrations", request("pc-refused", true, true));
        assertThat(withKeep.statusCode()).as(withKeep.body()).isEqualTo(422);
        assertThat(withKeep.body()).contains("keep");
    }

    // ---- the hosts, forged ----

    private enum SagaHost {
        SOURCE(OneGateway.SOURCE), TARGET(OneGateway.TARGET);

        final String id;

        SagaHost(String id) {
            this.id = id;
        }
    }

    private String startPostCopy(String container) {
        HttpResponse<String> created = gateway.post("/api/migrations", request(container, true, false));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
    }

    /** The source checkpoints with a page server, the target restores and runs it with pages pending. */
    private RestoreCommand untilRunningWithPagesPending(String id) throws Exception {
        CheckpointCommand checkpoint = (CheckpointCommand) awaitLogged(id, "CheckpointCommand");
        assertThat(checkpoint.postCopy()).isTrue();
        Instant frozen = Instant.parse("2030-01-01T10:00:02Z");
        Meta c = checkpoint.meta();
        send(SagaHost.SOURCE, new MigrationMessage.CheckpointStarted(c.reply("started", OneGateway.SOURCE), "a1".repeat(32)));
        send(SagaHost.SOURCE, new MigrationMessage.CheckpointDumped(c.reply("dumped", OneGateway.SOURCE), frozen, 200));
        send(SagaHost.SOURCE, new MigrationMessage.CheckpointCompleted(c.reply("completed", OneGateway.SOURCE),
                checkpoint.archive(), "sha256:" + "ab".repeat(32), 300_000, frozen, 200, 400, null, "sha256:" + "fe".repeat(32),
                null, false, null, PAGE_SERVER));
        RestoreCommand restore = (RestoreCommand) awaitLogged(id, "RestoreCommand");
        Meta r = restore.meta();
        send(SagaHost.TARGET, new MigrationMessage.RestoreStarted(r.reply("started", OneGateway.TARGET)));
        send(SagaHost.TARGET, new MigrationMessage.RestoreCompleted(r.reply("completed", OneGateway.TARGET), "b1".repeat(32),
                "web", frozen.plusMillis(700), 300, 500, true));
        awaitState(id, "TRANSFERRING_PAGES");
        return restore;
    }

    private void send(SagaHost host, MigrationMessage m) throws Exception {
        hosts.send(new ProducerRecord<>(Topics.hostEvents(host.id), m.meta().migrationId(), MessageCodec.encode(m)))
                .get(30, TimeUnit.SECONDS);
    }

    private static String request(String container, boolean postCopy, boolean keep) {
        return "{\"container\":\"" + container + "\",\"sourceHost\":\"" + OneGateway.SOURCE + "\",\"targetHost\":\""
                + OneGateway.TARGET + "\",\"postCopy\":" + postCopy + ",\"keep\":" + keep + "}";
    }

    private MigrationMessage awaitLogged(String id, String type) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> types(id).contains(type));
        return gateway.bean(EventLog.class).of(id).stream().filter(e -> e.getType().equals(type)).findFirst()
                .map(e -> MessageCodec.decode(e.getPayload())).orElseThrow();
    }

    private JsonNode awaitState(String id, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> view(id).path("state").asString().equals(state));
        return view(id);
    }

    private JsonNode view(String id) {
        return Json.MAPPER.readTree(gateway.get("/api/migrations/" + id).body());
    }

    private List<String> types(String id) {
        return gateway.bean(EventLog.class).of(id).stream().map(EventLogEntry::getType).toList();
    }
}
