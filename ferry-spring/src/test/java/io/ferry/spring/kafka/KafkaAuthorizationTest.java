package io.ferry.spring.kafka;

import io.ferry.protocol.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-process broker as the demo runs it (SASL/SCRAM, StandardAuthorizer, {@link KafkaAccess}'s
 * ACLs), with real Kafka clients: who is refused, and with which error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAuthorizationTest {
    private static final Map<String, String> USERS = Map.of(
            KafkaAccess.GATEWAY, secret(), "ferry-host-a", secret(), "ferry-host-b", secret(),
            "crm", secret(), "crm2", secret());

    private InProcessKafkaBroker broker;

    @BeforeAll
    void startBroker(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        broker = InProcessKafkaBroker.start("127.0.0.1", freePort(), dir.resolve("kafka"), new KafkaUsers(USERS));
        System.out.printf("in-process broker with SASL/SCRAM + ACLs started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            admin.createTopics(List.of(new NewTopic(Topics.checkpointCommands("a"), 1, (short) 1),
                    new NewTopic(Topics.hostEvents("a"), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anUnauthenticatedClientGetsNothing() {
        Map<String, Object> plain = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(plain)) {
            // the SASL listener drops a connection that does not start with a SASL handshake: no answer, ever
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (KafkaProducer<String, String> p = producer("ferry-host-a", "not-the-password-of-host-a")) {
            assertThatThrownBy(() -> send(p, Topics.hostEvents("a")))
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
        }
    }

    @Test
    void anUnknownPrincipalIsRefused() {
        try (KafkaProducer<String, String> p = producer("ferry-host-c", secret())) {
            assertThatThrownBy(() -> send(p, Topics.hostEvents("c"))).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void hostBCannotWriteHostAsCommands() throws Exception {
        try (KafkaProducer<String, String> b = producer("ferry-host-b")) {
            assertThatThrownBy(() -> send(b, Topics.checkpointCommands("a")))
                    .hasCauseInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("Not authorized to access topics: [ferry.host.a.checkpoint]");
        }
        try (KafkaProducer<String, String> gateway = producer(KafkaAccess.GATEWAY)) {
            send(gateway, Topics.checkpointCommands("a")); // only the gateway writes commands
        }
    }

    @Test
    void hostBCannotReadHostAsCommandsNorJoinItsGroup() {
        TopicPartition commandsOfA = new TopicPartition(Topics.checkpointCommands("a"), 0);
        try (KafkaConsumer<String, String> b = consumer("ferry-host-b", null)) {
            b.assign(List.of(commandsOfA));
            b.seekToBeginning(List.of(commandsOfA));
            assertThatThrownBy(() -> b.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("ferry.host.a.checkpoint");
        }
        try (KafkaConsumer<String, String> b = consumer("ferry-host-b", "ferry.host.a.checkpoint")) {
            b.subscribe(List.of(Topics.checkpointCommands("b")));
            assertThatThrownBy(() -> b.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class)
                    .hasMessageContaining("ferry.host.a.checkpoint");
        }
        try (KafkaConsumer<String, String> a = consumer("ferry-host-a", "ferry.host.a.checkpoint")) {
            a.assign(List.of(commandsOfA));
            a.seekToBeginning(List.of(commandsOfA));
            a.poll(Duration.ofSeconds(2)); // its own: allowed
        }
    }

    @Test
    void hostBCannotWriteHostAsEventsButItsOwn() throws Exception {
        try (KafkaProducer<String, String> b = producer("ferry-host-b")) {
            assertThatThrownBy(() -> send(b, Topics.hostEvents("a"))).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> send(b, Topics.EVENTS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            send(b, Topics.hostEvents("b"));
            send(b, Topics.hostHeartbeats("b"));
        }
    }

    @Test
    void aRequesterWritesOnlyItsOwnRequestTopic() throws Exception {
        try (KafkaProducer<String, String> crm = producer("crm")) {
            send(crm, Topics.requests("crm"));
            // literal ACLs: a prefix "ferry.migration.requests.crm" would also cover crm2's topic
            assertThatThrownBy(() -> send(crm, Topics.requests("crm2")))
                    .hasCauseInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("ferry.migration.requests.crm2");
            assertThatThrownBy(() -> send(crm, Topics.checkpointCommands("a")))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> send(crm, Topics.hostEvents("a"))).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void grantingAgainChangesNoAcl() throws Exception {
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            int before = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).size();
            broker.grant(new KafkaUsers(USERS));
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS)).hasSize(before);
            assertThat(before).isEqualTo(KafkaAccess.bindings(USERS.keySet()).size());
        }
    }

    @Test
    void restartingOnTheSameDataDirKeepsTheClusterAndRevokesWhoLeftTheUsersFile(@TempDir Path own) throws Exception {
        Map<String, String> two = Map.of("ferry-host-a", USERS.get("ferry-host-a"), "crm", USERS.get("crm"));
        int port = freePort();
        String clusterId;
        try (InProcessKafkaBroker first = InProcessKafkaBroker.start("127.0.0.1", port, own, new KafkaUsers(two));
             KafkaProducer<String, String> a = producer(first, "ferry-host-a", two.get("ferry-host-a"))) {
            clusterId = first.clusterId();
            send(a, Topics.hostEvents("a"));
        }
        long t0 = System.nanoTime();
        try (InProcessKafkaBroker again = InProcessKafkaBroker.start("127.0.0.1", port, own,
                new KafkaUsers(Map.of("ferry-host-a", two.get("ferry-host-a"))))) {
            System.out.printf("in-process broker restarted on its data dir in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(again.clusterId()).isEqualTo(clusterId);
            try (Admin admin = Admin.create(again.adminClientProperties())) {
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
            }
            try (KafkaProducer<String, String> a = producer(again, "ferry-host-a", two.get("ferry-host-a"))) {
                send(a, Topics.hostEvents("a"));
            }
            try (KafkaProducer<String, String> crm = producer(again, "crm", two.get("crm"))) {
                assertThatThrownBy(() -> send(crm, Topics.requests("crm"))).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    void theGatewaysApplierSetsUpPrincipalsOnABrokerItIsAdminOf(@TempDir Path own) throws Exception {
        // the broker knows only host a; the applier, as its admin, adds requester erp (credential and ACLs)
        try (InProcessKafkaBroker external = InProcessKafkaBroker.start("127.0.0.1", freePort(), own.resolve("kafka"),
                new KafkaUsers(Map.of("ferry-host-a", USERS.get("ferry-host-a"))))) {
            String erp = secret();
            Path users = Files.writeString(own.resolve("users.properties"), "erp=" + erp + "\n");
            org.springframework.mock.env.MockEnvironment env = new org.springframework.mock.env.MockEnvironment()
                    .withProperty("ferry.kafka.admin.user", KafkaAccess.BROKER)
                    .withProperty("ferry.kafka.admin.password-file", own.resolve("kafka").resolve("broker.secret").toString())
                    .withProperty("ferry.kafka.admin.users-file", users.toString());
            new KafkaAccessApplier(new org.springframework.kafka.core.KafkaAdmin(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, external.bootstrapServers())), env).afterSingletonsInstantiated();
            try (KafkaProducer<String, String> p = producer(external, "erp", erp)) {
                send(p, Topics.requests("erp"));
                assertThatThrownBy(() -> send(p, Topics.hostEvents("a"))).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<String, String> a = producer(external, "ferry-host-a", USERS.get("ferry-host-a"))) {
                send(a, Topics.hostEvents("a")); // not revoked: the applier leaves other principals alone
            }
        }
    }

    @Test
    void aUsersFileWithAShortPasswordOrAReservedNameIsRefused(@TempDir Path tmp) throws IOException {
        Path weak = Files.writeString(tmp.resolve("weak"), "ferry-host-a=short\n");
        assertThatThrownBy(() -> KafkaUsers.read(weak)).hasMessageContaining("the password of \"ferry-host-a\" has 5 characters");
        Path reserved = Files.writeString(tmp.resolve("reserved"), "ferry-admin=" + secret() + "\n");
        assertThatThrownBy(() -> KafkaUsers.read(reserved)).hasMessageContaining("\"ferry-admin\" is reserved");
        Path broker = Files.writeString(tmp.resolve("broker"), "ferry-broker=" + secret() + "\n");
        assertThatThrownBy(() -> KafkaUsers.read(broker)).hasMessageContaining("that principal is the broker's own");
    }

    private void send(KafkaProducer<String, String> p, String topic) throws Exception {
        p.send(new ProducerRecord<>(topic, "m-1", "{}")).get(30, TimeUnit.SECONDS);
    }

    private KafkaProducer<String, String> producer(String user) {
        return producer(user, USERS.get(user));
    }

    private KafkaProducer<String, String> producer(String user, String password) {
        return producer(broker, user, password);
    }

    private static KafkaProducer<String, String> producer(InProcessKafkaBroker broker, String user, String password) {
        Map<String, Object> p = client(broker, user, password);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String user, String group) {
        Map<String, Object> c = client(broker, user, USERS.get(user));
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> client(InProcessKafkaBroker broker, String user, String password) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, KafkaClientCredentials.SCRAM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaClientCredentials.scramJaas(user, password));
        return p;
    }

    private static String secret() {
        return UUID.randomUUID().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
