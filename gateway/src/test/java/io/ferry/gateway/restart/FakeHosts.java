package io.ferry.gateway.restart;

import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.KafkaAccess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Two hosts that exist only on Kafka, for tests of the gateway alone: {@link #SOURCE} runs container
 * {@link #CONTAINER}, both send heartbeats (so the preflight passes), and each command is answered as
 * the host's service would, with success. Commands are answered only while {@link #answering}; a
 * migration in {@link #silent} gets no answer at all (a host that hangs).
 */
final class FakeHosts implements AutoCloseable {
    static final String SOURCE = "host-a";
    static final String TARGET = "host-b";
    static final String CONTAINER = "web";

    volatile boolean answering = true;
    final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** Commands of silent migrations, answered when the migration may {@link #speak} again. */
    private final List<MigrationMessage> held = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Every command received, in order (redeliveries included). */
    final List<MigrationMessage> received = new CopyOnWriteArrayList<>();

    private final KafkaSecrets secrets;
    private final String bootstrap;
    private final Map<String, Object> admin;
    private final Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
    private final List<MigrationMessage> waiting = new ArrayList<>();
    private final Thread worker;
    private volatile boolean closed;

    FakeHosts(KafkaSecrets secrets, String bootstrap, Map<String, Object> admin) throws Exception {
        this.secrets = secrets;
        this.bootstrap = bootstrap;
        this.admin = admin;
        try (Admin a = Admin.create(admin)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String h : List.of(SOURCE, TARGET)) {
                topics.add(new NewTopic(Topics.checkpointCommands(h), 1, (short) 1));
                topics.add(new NewTopic(Topics.restoreCommands(h), 1, (short) 1));
                topics.add(new NewTopic(Topics.hostEvents(h), 3, (short) 1));
                topics.add(new NewTopic(Topics.hostHeartbeats(h), 1, (short) 1));
            }
            a.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        for (String h : List.of(SOURCE, TARGET)) {
            producers.put(h, new KafkaProducer<>(secrets.client(bootstrap, KafkaAccess.hostPrincipal(h)), new StringSerializer(),
                    new StringSerializer()));
        }
        worker = new Thread(this::run, "fake-hosts");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        Map<String, Object> props = new HashMap<>(admin);
        props.put("group.id", "fake-hosts");
        props.put("auto.offset.reset", "earliest");
        long lastBeat = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(Topics.checkpointCommands(SOURCE), 0),
                    new TopicPartition(Topics.restoreCommands(TARGET), 0)));
            while (!closed) {
                if (System.currentTimeMillis() - lastBeat > 2_000) {
                    heartbeat(SOURCE, "checkpoint", CONTAINER);
                    heartbeat(TARGET, "restore", null);
                    lastBeat = System.currentTimeMillis();
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    MigrationMessage m = MessageCodec.decode(r.value());
                    received.add(m);
                    waiting.add(m);
                }
                if (answering) {
                    for (MigrationMessage m : waiting) {
                        if (!silent.contains(m.meta().migrationId())) {
                            answer(m);
                        } else {
                            held.add(m);
                        }
                    }
                    waiting.clear();
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    /** The hung host of a silent migration comes back: it answers what it was sent meanwhile. */
    void speak(String migrationId) {
        silent.remove(migrationId);
        List<MigrationMessage> due;
        synchronized (held) {
            due = held.stream().filter(m -> m.meta().migrationId().equals(migrationId)).toList();
            held.removeAll(due);
        }
        due.forEach(this::answer);
    }

    private void answer(MigrationMessage command) {
        Meta c = command.meta();
        Instant now = Instant.now();
        if (command instanceof MigrationMessage.CheckpointCommand cp) {
            send(SOURCE, new MigrationMessage.CheckpointStarted(c.reply("checkpoint-started", SOURCE), "c0".repeat(32)));
            send(SOURCE, new MigrationMessage.CheckpointDumped(c.reply("dumped", SOURCE), now, 10));
            send(SOURCE, new MigrationMessage.CheckpointCompleted(c.reply("checkpoint-completed", SOURCE), cp.archive(),
                    "sha256:" + "ab".repeat(32), 4_096, now, 10, 20, null, "sha256:" + "fe".repeat(32), null));
        } else if (command instanceof MigrationMessage.RestoreCommand) {
            send(TARGET, new MigrationMessage.RestoreStarted(c.reply("restore-started", TARGET)));
            send(TARGET, new MigrationMessage.RestoreCompleted(c.reply("restore-completed", TARGET), "d0".repeat(32), CONTAINER,
                    Instant.now(), 10, 20));
        } else if (command instanceof MigrationMessage.FinalizeCommand) {
            send(SOURCE, new MigrationMessage.SourceFinalized(c.reply("finalized", SOURCE)));
        } else if (command instanceof MigrationMessage.RollbackCommand) {
            send(SOURCE, new MigrationMessage.RolledBack(c.reply("rolled-back", SOURCE), true));
        } else if (command instanceof MigrationMessage.CancelRestoreCommand) {
            send(TARGET, new MigrationMessage.RestoreCancelled(c.reply("restore-cancelled", TARGET), true));
        }
    }

    private void send(String host, MigrationMessage m) {
        producers.get(host).send(new ProducerRecord<>(Topics.hostEvents(host), m.meta().migrationId(), MessageCodec.encode(m)));
    }

    private void heartbeat(String host, String role, String running) {
        List<HostHeartbeat.RunningContainer> containers = running == null ? List.of()
                : List.of(new HostHeartbeat.RunningContainer("0".repeat(64), running, "busybox", "running"));
        HostHeartbeat beat = new HostHeartbeat(host, role, Instant.now(), "runc", "1", "4.2", "6.1", "amd64", "v2", "cpu",
                1L << 30, containers, Meta.VERSION);
        producers.get(host).send(new ProducerRecord<>(Topics.hostHeartbeats(host), host + ":" + role, MessageCodec.encode(beat)));
    }

    /** The commands of one migration received so far, of one type. */
    long commands(String migrationId, Class<?> type) {
        return received.stream().filter(m -> m.meta().migrationId().equals(migrationId) && type.isInstance(m)).count();
    }

    Optional<MigrationMessage> first(String migrationId, Class<?> type) {
        return received.stream().filter(m -> m.meta().migrationId().equals(migrationId) && type.isInstance(m)).findFirst();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        worker.join(10_000);
        producers.values().forEach(KafkaProducer::close);
    }
}
