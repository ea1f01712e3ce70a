package io.ferry.spring.host;

import io.ferry.protocol.Topics;
import io.ferry.spring.kafka.InProcessKafkaBroker;
import io.ferry.spring.kafka.KafkaAccess;
import io.ferry.spring.kafka.KafkaClientCredentials;
import io.ferry.spring.kafka.KafkaUsers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host service started before its Kafka SCRAM credential exists (the gateway makes it at its own start) must send
 * heartbeats and take commands once the credential is there, without a restart. Real in-process broker (SASL/SCRAM,
 * ACLs), the host services' Kafka settings and {@link HostEngineConfiguration}'s shared Kafka beans.
 */
class KafkaCredentialCreatedLaterTest {
    private static final String HOST = "late";
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    @Test
    void heartbeatsAndCommandsFlowOnceTheCredentialIsCreated(@TempDir Path dir) throws Exception {
        String gatewayPassword = UUID.randomUUID().toString();
        String hostPassword = UUID.randomUUID().toString();
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.start("127.0.0.1", freePort(), dir.resolve("kafka"),
                new KafkaUsers(Map.of(KafkaAccess.GATEWAY, gatewayPassword)))) {
            try (Admin admin = Admin.create(broker.adminClientProperties())) {
                admin.createTopics(List.of(new NewTopic(Topics.checkpointCommands(HOST), 1, (short) 1),
                        new NewTopic(Topics.hostHeartbeats(HOST), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (ConfigurableApplicationContext service = hostService(broker, hostPassword)) {
                @SuppressWarnings("unchecked")
                KafkaTemplate<String, String> kafka = service.getBean(KafkaTemplate.class);
                // the first heartbeat, as HeartbeatPublisher sends it: refused, the principal does not exist yet
                CompletableFuture<?> first = CompletableFuture.runAsync(() -> kafka.send(Topics.hostHeartbeats(HOST),
                        HOST, "beat-0").join());
                assertThat(first).failsWithin(Duration.ofSeconds(70))
                        .withThrowableThat().withStackTraceContaining("Authentication failed");

                broker.grant(new KafkaUsers(Map.of(KafkaAccess.GATEWAY, gatewayPassword,
                        KafkaAccess.hostPrincipal(HOST), hostPassword))); // what the gateway does at its start
                long t0 = System.nanoTime();

                assertThat(heartbeatSentWithin(kafka, RECOVERY_BOUND)).as("a heartbeat sent after the credential exists")
                        .isTrue();
                System.out.printf("heartbeat sent %d ms after the credential was created%n", (System.nanoTime() - t0) / 1_000_000);
                try (KafkaProducer<String, String> gateway = gatewayProducer(broker, gatewayPassword)) {
                    gateway.send(new ProducerRecord<>(Topics.checkpointCommands(HOST), "m-1", "command-1"))
                            .get(30, TimeUnit.SECONDS);
                }
                assertThat(service.getBean(Commands.class).received.poll(RECOVERY_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .as("a command received after the credential exists").isEqualTo("command-1");
                System.out.printf("command received %d ms after the credential was created%n", (System.nanoTime() - t0) / 1_000_000);
                assertThat(lastHeartbeat(broker, gatewayPassword)).isNotNull();
            }
        }
    }

    /** Sends heartbeats until one is acknowledged, each awaited a few seconds (a stuck producer never acknowledges). */
    private static boolean heartbeatSentWithin(KafkaTemplate<String, String> kafka, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        int n = 1;
        while (System.nanoTime() < deadline) {
            try {
                kafka.send(Topics.hostHeartbeats(HOST), HOST, "beat-" + n++).get(3, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                System.out.println("heartbeat not sent: " + e);
            }
        }
        return false;
    }

    private static String lastHeartbeat(InProcessKafkaBroker broker, String gatewayPassword) {
        Map<String, Object> c = client(broker, KafkaAccess.GATEWAY, gatewayPassword);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> gateway = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition beats = new TopicPartition(Topics.hostHeartbeats(HOST), 0);
            gateway.assign(List.of(beats));
            gateway.seekToBeginning(List.of(beats));
            String last = null;
            for (ConsumerRecord<String, String> r : gateway.poll(Duration.ofSeconds(10))) {
                last = r.value();
            }
            return last;
        }
    }

    /** The host service's Kafka side, with the host services' settings (checkpoint-service's application.yml). */
    private static ConfigurableApplicationContext hostService(InProcessKafkaBroker broker, String password) {
        return new SpringApplicationBuilder(HostKafkaSide.class).web(WebApplicationType.NONE).properties(
                "spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "ferry.kafka.user=" + KafkaAccess.hostPrincipal(HOST), "ferry.kafka.password=" + password,
                "ferry.host.id=" + HOST,
                "spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.enable-auto-commit=false",
                "spring.kafka.consumer.max-poll-records=1",
                "spring.kafka.consumer.properties.group.instance.id=checkpoint-service-" + HOST,
                "spring.kafka.producer.acks=all", "spring.kafka.listener.ack-mode=record").run();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(KafkaAutoConfiguration.class)
    @Import(HostKafkaConfiguration.class)
    static class HostKafkaSide {
        @Bean
        Commands commands() {
            return new Commands();
        }
    }

    static class Commands {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @KafkaListener(topics = "#{T(io.ferry.protocol.Topics).checkpointCommands('${ferry.host.id}')}",
                groupId = "ferry.host.${ferry.host.id}.checkpoint")
        public void on(String json) {
            received.add(json);
        }
    }

    private static KafkaProducer<String, String> gatewayProducer(InProcessKafkaBroker broker, String password) {
        return new KafkaProducer<>(client(broker, KafkaAccess.GATEWAY, password), new StringSerializer(), new StringSerializer());
    }

    private static Map<String, Object> client(InProcessKafkaBroker broker, String user, String password) {
        Map<String, Object> c = new HashMap<>(broker.adminClientProperties());
        c.put("sasl.jaas.config", KafkaClientCredentials.scramJaas(user, password));
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
