package io.ferry.gateway.saga;

import io.ferry.gateway.migration.MigrationCoordinator;
import io.ferry.gateway.migration.MigrationPolicy;
import io.ferry.gateway.migration.MigrationRepository;
import io.ferry.gateway.migration.MigrationState;
import io.ferry.gateway.outbox.OutboxEntry;
import io.ferry.gateway.outbox.OutboxRepository;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that waited in the outbox while its migration moved on (the relay down, a gateway outage) is
 * dropped by the relay, never sent late: real gateway, PostgreSQL and Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxFencingTest {
    private OneGateway gateway;

    @BeforeAll
    void start() {
        gateway = OneGateway.start();
        gateway.hostsUp(List.of(new HostHeartbeat.RunningContainer("f1".repeat(32), "fenced", "busybox", "running"),
                new HostHeartbeat.RunningContainer("a2".repeat(32), "awaited", "busybox", "running")));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aRestoreCommandStuckInTheOutboxPastACancelIsDroppedAndTheCancelGoes() {
        // given a migration restoring on host B, then cancelled (epoch 0 -> 1)
        String id = "fence-" + UUID.randomUUID();
        cancelledWhileRestoring(id, "fenced");
        MigrationRepository migrations = gateway.bean(MigrationRepository.class);
        assertThat(migrations.findById(id).orElseThrow().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(migrations.findById(id).orElseThrow().getEpoch()).isEqualTo(1);

        // when a RestoreCommand of epoch 0 is in the outbox still (as one decided before the cancel and held up)
        MigrationMessage.RestoreCommand stuck = new MigrationMessage.RestoreCommand(meta(id, "restore-stuck", OneGateway.TARGET, 0),
                "registry://localhost:5000/ferry/migrations/host-a:" + id, null, false, "sha256:" + "cd".repeat(32),
                OneGateway.SOURCE, null);
        OutboxRepository outbox = gateway.bean(OutboxRepository.class);
        Long entry = outbox.save(new OutboxEntry(Topics.restoreCommands(OneGateway.TARGET), id, MessageCodec.encode(stuck))).getId();

        // then the relay marks it done without sending it; the cancel of epoch 1 went to the target
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.findById(entry).orElseThrow().isSent());
        List<MigrationMessage> onTarget = commandsOn(Topics.restoreCommands(OneGateway.TARGET), id);
        // (the first RestoreCommand went before the cancel, or was dropped too if the relay had not sent it yet)
        assertThat(onTarget).extracting(m -> m.type() + "@" + m.meta().epoch()).endsWith("CancelRestoreCommand@1")
                .containsAnyOf("CancelRestoreCommand@1");
        assertThat(onTarget).noneMatch(m -> m.meta().id().endsWith("/restore-stuck"));
    }

    @Test
    void aCommandOfAMigrationThatHasEndedIsDropped() {
        String id = "ended-" + UUID.randomUUID();
        gateway.bean(MigrationCoordinator.class).submit(new MigrationMessage.MigrateRequested(meta(id, "requested",
                MigrationPolicy.GATEWAY, 0), "not-there", OneGateway.SOURCE, OneGateway.TARGET, MigrationOptions.defaults()));
        assertThat(gateway.bean(MigrationRepository.class).findById(id).orElseThrow().getState()).isEqualTo(MigrationState.FAILED);

        MigrationMessage.CheckpointCommand late = new MigrationMessage.CheckpointCommand(meta(id, "checkpoint-late",
                OneGateway.SOURCE, 0), "not-there", "registry://localhost:5000/ferry/migrations/host-a:" + id, false, false,
                OneGateway.TARGET);
        OutboxRepository outbox = gateway.bean(OutboxRepository.class);
        Long entry = outbox.save(new OutboxEntry(Topics.checkpointCommands(OneGateway.SOURCE), id, MessageCodec.encode(late)))
                .getId();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.findById(entry).orElseThrow().isSent());
        assertThat(commandsOn(Topics.checkpointCommands(OneGateway.SOURCE), id)).isEmpty();
    }

    @Test
    void aCancelOfAMigrationThatEndedWaitingForItStillGoes() {
        // given a cancelled migration whose wait for the target's answer ran out twice: FAILED, the cancel still awaited
        String id = "awaiting-" + UUID.randomUUID();
        MigrationCoordinator coordinator = cancelledWhileRestoring(id, "awaited");
        coordinator.submit(new MigrationMessage.MigrationTimedOut(meta(id, "timeout-1", MigrationPolicy.GATEWAY, 1),
                "ROLLING_BACK", 0));
        coordinator.submit(new MigrationMessage.MigrationTimedOut(meta(id, "timeout-2", MigrationPolicy.GATEWAY, 1),
                "ROLLING_BACK", 1));
        assertThat(gateway.bean(MigrationRepository.class).findById(id).orElseThrow())
                .satisfies(m -> assertThat(m.getState()).isEqualTo(MigrationState.FAILED))
                .satisfies(m -> assertThat(m.isAwaitingCancel()).isTrue());

        // when a cancel of its epoch is still in the outbox (Kafka was out of reach through both waits)
        MigrationMessage.CancelRestoreCommand held = new MigrationMessage.CancelRestoreCommand(meta(id, "cancel-held",
                OneGateway.TARGET, 1), "registry://localhost:5000/ferry/migrations/host-a:" + id, null);
        OutboxRepository outbox = gateway.bean(OutboxRepository.class);
        Long entry = outbox.save(new OutboxEntry(Topics.restoreCommands(OneGateway.TARGET), id, MessageCodec.encode(held)))
                .getId();

        // then it goes: the target's answer is what brings the source back
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.findById(entry).orElseThrow().isSent());
        assertThat(commandsOn(Topics.restoreCommands(OneGateway.TARGET), id))
                .anyMatch(m -> m.meta().id().endsWith("/cancel-held"));
    }

    /** A migration of {@code container} from A to B, checkpointed, then cancelled while it restores (epoch 0 -> 1). */
    private MigrationCoordinator cancelledWhileRestoring(String id, String container) {
        MigrationCoordinator coordinator = gateway.bean(MigrationCoordinator.class);
        coordinator.submit(new MigrationMessage.MigrateRequested(meta(id, "requested", MigrationPolicy.GATEWAY, 0), container,
                OneGateway.SOURCE, OneGateway.TARGET, MigrationOptions.defaults()));
        coordinator.handle(new MigrationMessage.CheckpointCompleted(meta(id, "requested/checkpoint/completed",
                OneGateway.SOURCE, 0), null, "sha256:" + "ab".repeat(32), 4096, Instant.now(), 10, 20, null,
                "sha256:" + "cd".repeat(32), null));
        coordinator.submit(new MigrationMessage.MigrationCancelRequested(meta(id, "cancel", MigrationPolicy.GATEWAY, 0)));
        return coordinator;
    }

    /** The messages of one migration on a topic, from its beginning until it has been quiet for a while. */
    /**
     * Every message of the migration on {@code topic}, read up to the topic's end. Called once the relay marked the
     * entry under test done: it sends (and awaits the broker's ack) before it marks an entry, in order, so whatever
     * it sent is below the end offsets read here.
     */
    private List<MigrationMessage> commandsOn(String topic, String migrationId) {
        List<MigrationMessage> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant until = Instant.now().plusSeconds(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(Instant.now()).as("read %s up to %s", topic, end).isBefore(until);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (migrationId.equals(r.key())) {
                        out.add(MessageCodec.decode(r.value()));
                    }
                }
            }
        }
        return out;
    }

    private static Meta meta(String migrationId, String kind, String host, long epoch) {
        return new Meta(migrationId + "/" + kind, migrationId, host, Instant.now(), Meta.VERSION, epoch);
    }
}
