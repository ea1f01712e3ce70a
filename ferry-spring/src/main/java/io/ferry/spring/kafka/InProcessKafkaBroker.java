package io.ferry.spring.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka's own broker (KRaft, one node that is broker and controller) run inside this JVM: the
 * default of the demo, so it needs no Kafka installation. Clients authenticate with SASL/SCRAM-SHA-512
 * on its one client listener; the controller listener (127.0.0.1 only) takes SASL/PLAIN with a secret
 * made at each start (KRaft cannot use SCRAM there). The StandardAuthorizer allows only what
 * {@link KafkaAccess} grants; the broker's own principal ({@value KafkaAccess#BROKER}) is the only
 * super user. At each start the principals of the users file get their SCRAM credentials (those no
 * longer in the file lose theirs) and ACLs.
 * <p>
 * Its data directory holds the Kafka log ({@code log/}), the cluster id and the broker's own secret,
 * each written once, so topics, offsets and credentials survive a restart.
 */
public final class InProcessKafkaBroker implements AutoCloseable {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaRaftServer server;
    private final String bootstrap;
    private final String clusterId;
    private final String brokerSecret;

    private InProcessKafkaBroker(KafkaRaftServer server, String bootstrap, String clusterId, String brokerSecret) {
        this.server = server;
        this.bootstrap = bootstrap;
        this.clusterId = clusterId;
        this.brokerSecret = brokerSecret;
    }

    /**
     * Starts a broker listening on {@code host:port} (the address clients, also in other namespaces,
     * use) that knows the principals of {@code users}.
     */
    public static InProcessKafkaBroker start(String host, int port, Path dataDir, KafkaUsers users) {
        KafkaRaftServer server = null;
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(dataDir.resolve("meta.properties"))) {
                throw new IllegalStateException("the Kafka data directory " + dataDir + " was made by an older Ferry "
                        + "without authentication; remove it (its topics hold only past migrations' messages)");
            }
            Path logDir = dataDir.resolve("log");
            String clusterId = writeOnce(dataDir.resolve("cluster.id"), Uuid.randomUuid().toString());
            String brokerSecret = writeOnce(dataDir.resolve("broker.secret"), secret());
            String controllerSecret = secret(); // only this process uses it, so a new one each start
            int controllerPort;
            try (ServerSocket s = new ServerSocket(0)) {
                controllerPort = s.getLocalPort();
            }
            new Formatter().setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(1).setClusterId(clusterId).setIgnoreFormatted(true)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).setControllerListenerName("CONTROLLER")
                    // the broker's own SCRAM credential must exist before it can authenticate to itself
                    .setScramArguments(List.of(KafkaClientCredentials.SCRAM + "=[name=" + KafkaAccess.BROKER
                            + ",password=" + brokerSecret + "]"))
                    .setMetadataLogDirectory(logDir.toString()).setDirectories(List.of(logDir.toString())).run();
            server = new KafkaRaftServer(new KafkaConfig(config(host, port, controllerPort, logDir, brokerSecret,
                    controllerSecret), false), Time.SYSTEM);
            server.startup();
            InProcessKafkaBroker broker = new InProcessKafkaBroker(server, host + ":" + port, clusterId, brokerSecret);
            broker.grant(users);
            return broker;
        } catch (IOException e) {
            shutdown(server);
            throw new UncheckedIOException("cannot start the in-process Kafka broker in " + dataDir + ": " + e.getMessage(), e);
        } catch (Exception e) {
            shutdown(server);
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e.getMessage(), e);
        }
    }

    private static Properties config(String host, int port, int controllerPort, Path logDir, String brokerSecret,
                                     String controllerSecret) {
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "CLIENT://" + host + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "CLIENT");
        p.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("listener.name.client.sasl.enabled.mechanisms", KafkaClientCredentials.SCRAM);
        p.put("sasl.mechanism.inter.broker.protocol", KafkaClientCredentials.SCRAM);
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                KafkaClientCredentials.scramJaas(KafkaAccess.BROKER, brokerSecret));
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"" + KafkaAccess.BROKER + "\" password=\"" + controllerSecret + "\" user_"
                + KafkaAccess.BROKER + "=\"" + controllerSecret + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + KafkaAccess.BROKER);
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    /** Gives each principal of {@code users} its SCRAM credential and ACLs; removes the credentials of the others. */
    public void grant(KafkaUsers users) {
        try (Admin admin = Admin.create(adminClientProperties())) {
            KafkaAccess.grant(admin, users, true, ADMIN_TIMEOUT);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Kept in the data directory: the same at every start on it. */
    public String clusterId() {
        return clusterId;
    }

    /** Client properties of the broker's own super user: for administration (and test tools), never a service. */
    public Map<String, Object> adminClientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, KafkaClientCredentials.SCRAM,
                SaslConfigs.SASL_JAAS_CONFIG, KafkaClientCredentials.scramJaas(KafkaAccess.BROKER, brokerSecret));
    }

    @Override
    public void close() {
        shutdown(server);
    }

    private static void shutdown(KafkaRaftServer server) {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /** Hex: safe inside JAAS quotes and the formatter's bracketed SCRAM arguments. */
    private static String secret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The file's content, writing {@code value} first (0600, atomically) when it does not exist yet. */
    private static String writeOnce(Path file, String value) throws IOException {
        if (!Files.exists(file)) {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, value, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
