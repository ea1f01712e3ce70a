package io.ferry.gateway;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.ExportedCheckpoint;
import io.ferry.core.testing.TestHost;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.Topics;
import io.ferry.core.engine.MigrationKey;
import io.ferry.spring.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed, pinned checkpoints through the whole system (Kafka, registry-service, the gateway, each
 * host's services; real runc and CRIU): the target restores only the archive its RestoreCommand pins,
 * signed by the source host for this migration and this host. Every refusal ends up, with its reason,
 * in the event log as a RestoreFailed, and a refused migration rolls back with the container running
 * on its source.
 */
class CheckpointTrustEndToEndTest extends TwoHostMigrationTest {
    /** These are about the registry archive's trust (pins, signatures, replays): through the registry (issue 11). */
    @Override
    String request(String container) {
        return super.request(container).replaceFirst("}$", ",\"transfer\":\"registry\"}");
    }

    /** Every message the gateway logged for the migration (also one it does not know, or has ended). */
    private List<MigrationMessage> eventLog(String migrationId) {
        List<MigrationMessage> out = new ArrayList<>();
        for (EventLogEntry e : cluster.gateway().getBean(EventLog.class).of(migrationId)) {
            out.add(MessageCodec.decode(e.getPayload()));
        }
        return out;
    }

    private <T extends MigrationMessage> Optional<T> logged(String migrationId, Class<T> type, String fromHost) {
        return eventLog(migrationId).stream().filter(type::isInstance).map(type::cast)
                .filter(m -> m.meta().hostId().equals(fromHost)).findFirst();
    }

    private MigrationMessage.RestoreFailed awaitRestoreFailed(String migrationId, TestHost on) {
        FerryCluster.await(() -> logged(migrationId, MigrationMessage.RestoreFailed.class, on.host().id()).isPresent(),
                MIGRATION, () -> "a RestoreFailed from " + on.host().id() + " in the event log; it has " + eventLog(migrationId));
        return logged(migrationId, MigrationMessage.RestoreFailed.class, on.host().id()).orElseThrow();
    }

    /**
     * A report of {@code host} read from its own events topic (as the broker's super user), whether or not the
     * gateway took it: it takes none of a host that is not the migration's target, nor of a migration it never
     * started (as these tests' hand-made restore commands are).
     */
    private <T extends MigrationMessage> T awaitReportOnHostTopic(String migrationId, TestHost host, Class<T> type) {
        return type.cast(awaitReportOnHostTopic(migrationId, host, new Class<?>[]{type}));
    }

    private MigrationMessage awaitReportOnHostTopic(String migrationId, TestHost host, Class<?>... types) {
        Map<String, Object> props = new HashMap<>(cluster.kafkaAdmin());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.hostEvents(host.host().id())));
            long deadline = System.nanoTime() + MIGRATION.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    MigrationMessage m = MessageCodec.decode(r.value());
                    if (m.meta().migrationId().equals(migrationId) && Stream.of(types).anyMatch(t -> t.isInstance(m))) {
                        return m;
                    }
                }
            }
        }
        throw new AssertionError("no " + Stream.of(types).map(Class::getSimpleName).toList() + " of " + migrationId + " on " + Topics.hostEvents(host.host().id()));
    }

    /** A RestoreCommand as the gateway would send it, published straight to the host's command topic. */
    private void sendRestore(TestHost to, String migrationId, String archive, String manifestDigest, String sourceHost,
                             String wrappedKey) {
        RestoreCommand command = new RestoreCommand(new Meta(migrationId + "/test-restore-" + to.host().id(), migrationId,
                to.host().id(), Instant.now(), Meta.VERSION), archive, null, false, manifestDigest, sourceHost, wrappedKey);
        // as the gateway: only its principal may write a host's command topic
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(cluster.kafkaClient(KafkaAccess.GATEWAY),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.restoreCommands(to.host().id()), migrationId,
                    MessageCodec.encode(command))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String archiveUrl(String migrationId) {
        return "registry://" + cluster.registryAddress() + "/ferry/migrations:" + migrationId;
    }

    private static void assertCountsOn(TestHost host, String name, int from) {
        List<Integer> n = host.log(name).awaitNumberAtLeast(from + 2, Duration.ofSeconds(30)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter: %s", n).isEqualTo(i);
        }
    }

    @Test
    void aSignatureByAKeyTheTargetDoesNotTrustRollsBackWithTheReasonAndTheContainerRunsOnA() throws IOException {
        String everyone = Files.readString(cluster.trustStore("hostb"));
        cluster.writeTrustStore("hostb", b.engine().hostIdentity() + "\n"); // A's line removed: revoked at once
        try {
            looperOnA("revoked-looper");
            String id = started("revoked-looper");

            JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

            assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
            assertThat(m.path("error").asString()).contains("is signed by key SHA256:", "which is not in this host's trust store");
            MigrationMessage.RestoreFailed failed = awaitRestoreFailed(id, b);
            assertThat(failed.reason()).contains("is signed by key SHA256:", "not in this host's trust store");
            assertThat(eventLog(id)).extracting(MigrationMessage::type)
                    .containsSubsequence("RestoreCommand", "RestoreFailed", "RollbackCommand", "RolledBack", "MigrationRolledBack");
            assertThat(b.engine().find("revoked-looper")).as("nothing made on B").isEmpty();
            assertThat(a.running("revoked-looper")).isTrue();
            int now = a.log("revoked-looper").last();
            a.log("revoked-looper").awaitNumberAtLeast(now + 2, Duration.ofSeconds(20));
        } finally {
            cluster.writeTrustStore("hostb", everyone);
        }
    }

    @Test
    void anArchiveReplayedToAnotherHostIsRefusedAsSignedForAnotherHost() {
        looperOnA("resent-looper");
        String id = started("resent-looper");
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);
        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        RestoreCommand original = eventLog(id).stream().filter(RestoreCommand.class::isInstance)
                .map(RestoreCommand.class::cast).findFirst().orElseThrow();
        assertThat(original.manifestDigest()).startsWith("sha256:");
        assertThat(original.sourceHost()).isEqualTo(a.host().id());

        // B's archive, sent to another host (here A, which trusts A's key like any host of the cluster)
        sendRestore(a, id, original.archive(), original.manifestDigest(), original.sourceHost(), original.wrappedKey());

        // A is not this migration's target, so the gateway refuses A's report; what A said is on A's own topic
        MigrationMessage.RestoreFailed failed = awaitReportOnHostTopic(id, a, MigrationMessage.RestoreFailed.class);
        assertThat(failed.reason()).contains("was signed by " + a.host().id() + " for host " + b.host().id()
                + ", not for this host " + a.host().id() + " (an archive replayed to another host)");
        assertThat(a.engine().restoredBy(id)).isEmpty();
        assertThat(b.running("resent-looper")).isTrue();
    }

    @Test
    void aTagOverwrittenAfterTheCheckpointIsIgnoredAndThePinnedArchiveIsRestored() {
        String id = UUID.randomUUID().toString();
        String url = archiveUrl(id);
        // what A's checkpoint-service does for this migration (same host, same keys), then the tag is overwritten
        a.runLooper("pinned-looper");
        a.log("pinned-looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));
        MigrationKey key = a.engine().newMigrationKey(id, b.host().id());
        ExportedCheckpoint pinned = a.engine().checkpoint("pinned-looper", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, id, b.host().id(), key.key()));
        int stoppedAt = a.log("pinned-looper").last();
        a.run("intruder", "while true; do echo intruder; sleep 1; done");
        a.log("intruder").await(l -> l.lines().contains("intruder"), Duration.ofSeconds(20), "the intruder to run");
        ExportedCheckpoint overwritten = a.engine().checkpoint("intruder", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, id, b.host().id(), key.key()));
        assertThat(overwritten.manifestDigest()).isNotEqualTo(pinned.manifestDigest());

        sendRestore(b, id, url, pinned.manifestDigest(), a.host().id(), key.wrapped());

        MigrationMessage answer = awaitReportOnHostTopic(id, b, MigrationMessage.RestoreCompleted.class,
                MigrationMessage.RestoreFailed.class);
        assertThat(answer).as("B's answer").isInstanceOfSatisfying(MigrationMessage.RestoreCompleted.class,
                done -> assertThat(done.name()).isEqualTo("pinned-looper"));
        assertCountsOn(b, "pinned-looper", stoppedAt);
        assertThat(b.engine().find("intruder")).isEmpty();
    }

    @Test
    void anUnsignedArchiveIsRefused() {
        String id = UUID.randomUUID().toString();
        String url = archiveUrl(id);
        try (TestHost keyless = TestHost.create("nokeys", EngineSettings.defaults().withRegistryAuth(cluster.registryAuth()))) {
            keyless.runLooper("unsigned-looper");
            keyless.log("unsigned-looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
            MigrationKey key = a.engine().newMigrationKey(id, b.host().id()); // encrypted for B, but signed by no one
            ExportedCheckpoint unsigned = keyless.engine().checkpoint("unsigned-looper", CheckpointOptions.defaults(),
                    new ArchiveTarget.Registry(url, null, null, key.key()));

            sendRestore(b, id, url, unsigned.manifestDigest(), a.host().id(), key.wrapped());

            MigrationMessage.RestoreFailed failed = awaitReportOnHostTopic(id, b, MigrationMessage.RestoreFailed.class);
            assertThat(failed.reason()).contains("is not signed: this host restores only checkpoints signed by a host"
                    + " in its trust store");
            assertThat(b.engine().find("unsigned-looper")).isEmpty();
        }
    }

    @Test
    void aRestoreCommandWithoutAManifestDigestIsRefused() {
        String id = UUID.randomUUID().toString();
        sendRestore(b, id, archiveUrl(id), null, a.host().id(), null);

        assertThat(awaitReportOnHostTopic(id, b, MigrationMessage.RestoreFailed.class).reason()).contains("names no manifestDigest: this host restores a"
                + " migration's archive only pinned to its manifest and signed by its source host");
    }

}
