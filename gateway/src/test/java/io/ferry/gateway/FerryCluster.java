package io.ferry.gateway;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.RegistryProcess;
import io.ferry.core.testing.ServiceProcess;
import io.ferry.core.testing.TestHost;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import io.ferry.spring.kafka.InProcessKafkaBroker;
import io.ferry.spring.kafka.KafkaAccess;
import io.ferry.spring.kafka.KafkaClientCredentials;
import io.ferry.spring.kafka.KafkaUsers;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A whole Ferry on one machine for end-to-end tests: Ferry's in-process KRaft Kafka broker (SASL/SCRAM
 * and ACLs, as the demo runs it), registry-service as a process, the gateway (in this JVM, embedded
 * PostgreSQL), and per host its own state root and image-, checkpoint- and restore-service processes.
 * Services talk only through Kafka and HTTP; each authenticates to Kafka as its own principal, with a
 * password file made for this cluster.
 */
public final class FerryCluster implements AutoCloseable {
    /** A requester (another system) that may publish migration requests to its own topic. */
    public static final String REQUESTER = "test-system";

    private InProcessKafkaBroker kafka;
    private final RegistryProcess registry;
    private final Path work;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private ConfigurableApplicationContext gateway;
    private URI gatewayUrl;
    /** The gateway's one account: an admin (every request of these helpers is sent with its token). */
    public static final String ADMIN = "test-admin";
    private String adminToken;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One host: its state (a test host: busybox image, cleanup) and its three services. */
    public record Node(TestHost host, ServiceProcess images, ServiceProcess checkpoints, ServiceProcess restores) {
    }

    private FerryCluster(RegistryProcess registry, Path work) {
        this.registry = registry;
        this.work = work;
    }

    public static FerryCluster start(String... hostLabels) {
        return start(Map.of(), hostLabels);
    }

    /** As {@link #start(String...)}, with extra arguments for the checkpoint- and restore-service of some hosts. */
    public static FerryCluster start(Map<String, List<String>> agentArgs, String... hostLabels) {
        FerryCluster c = null;
        try {
            Path work = Files.createTempDirectory("ferry-cluster");
            c = new FerryCluster(RegistryProcess.start(), work);
            List<TestHost> hosts = new ArrayList<>();
            for (String label : hostLabels) {
                hosts.add(TestHost.create(label, EngineSettings.defaults().withRegistryAuth(c.registry.auth())));
            }
            c.startKafka(hosts);
            for (int i = 0; i < hostLabels.length; i++) {
                c.addHost(hostLabels[i], hosts.get(i), agentArgs.getOrDefault(hostLabels[i], List.of()));
            }
            c.trustEachOther();
            c.startGateway();
            for (Node n : c.nodes.values()) {
                n.images().awaitHealthy(Duration.ofMinutes(2));
                n.checkpoints().awaitHealthy(Duration.ofMinutes(2));
                n.restores().awaitHealthy(Duration.ofMinutes(2));
            }
            c.awaitHostsUp();
            return c;
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            }
            throw e;
        }
    }

    /** The broker knows the gateway, each host and {@link #REQUESTER}, each with a fresh password. */
    private void startKafka(List<TestHost> hosts) throws IOException {
        passwords.put(KafkaAccess.GATEWAY, UUID.randomUUID().toString());
        passwords.put(REQUESTER, UUID.randomUUID().toString());
        for (TestHost h : hosts) {
            passwords.put(KafkaAccess.hostPrincipal(h.host().id()), UUID.randomUUID().toString());
        }
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            secretFile(secrets.resolve(e.getKey() + ".password"), e.getValue());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        kafka = InProcessKafkaBroker.start("127.0.0.1", port, work.resolve("kafka"), new KafkaUsers(passwords));
    }

    private static void secretFile(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    /** The arguments that make a service authenticate to Kafka as {@code principal}. */
    private List<String> kafkaArgs(String principal) {
        return List.of("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--ferry.kafka.user=" + principal,
                "--ferry.kafka.password-file=" + work.resolve("secrets").resolve(principal + ".password"));
    }

    private void addHost(String label, TestHost host, List<String> extraAgentArgs) {
        host.engine().hostIdentity(); // the host's keys, before its services start (as `ferry host key` in the demo)
        String id = host.host().id();
        List<String> common = List.of("--ferry.host.id=" + id, "--ferry.host.root=" + host.host().root());
        List<String> images = new ArrayList<>(common);
        images.add("--ferry.registry-auth=" + registry.auth());
        ServiceProcess imageService = ServiceProcess.start(id + "-image", "ferry.image-service.jar", work, images);
        List<String> agent = new ArrayList<>(common);
        agent.addAll(List.of("--ferry.host.registry-auth=" + registry.auth(), "--ferry.host.heartbeat-interval=1s",
                "--ferry.host.image-service-url=http://127.0.0.1:" + imageService.port(),
                "--ferry.host.transfer.address=127.0.0.1")); // issue 11: every host here is on this machine
        agent.addAll(kafkaArgs(KafkaAccess.hostPrincipal(id)));
        agent.addAll(extraAgentArgs);
        ServiceProcess checkpoints = ServiceProcess.start(id + "-checkpoint", "ferry.checkpoint-service.jar", work, agent);
        ServiceProcess restores = ServiceProcess.start(id + "-restore", "ferry.restore-service.jar", work, agent);
        nodes.put(label, new Node(host, imageService, checkpoints, restores));
    }

    /** Every host's trust store (its default, <root>/trusted-hosts) lists every host's identity line. */
    private void trustEachOther() {
        StringBuilder lines = new StringBuilder();
        for (Node n : nodes.values()) {
            lines.append(n.host().engine().hostIdentity()).append('\n');
        }
        for (String label : nodes.keySet()) {
            writeTrustStore(label, lines.toString());
        }
    }

    /** The trust store of a host (read on every restore: a rewrite takes effect at once). */
    public Path trustStore(String label) {
        return nodes.get(label).host().host().root().resolve("trusted-hosts");
    }

    public void writeTrustStore(String label, String lines) {
        try {
            Files.writeString(trustStore(label), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String registryAddress() {
        return registry.address();
    }

    /** HOST:PORT=USER:PASSWORD of the cluster's registry, for a test host outside the cluster. */
    public String registryAuth() {
        return registry.auth();
    }

    // --- saga helper (issue 14): the gateway stopped and started again with its data, e.g. with other timeouts ---

    /** Stops the gateway cleanly (its embedded PostgreSQL with it); Kafka, the registry and the hosts run on. */
    public void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    /** Starts the gateway again over the same data directory, with {@code extraArgs} after the usual ones. */
    public void startGatewayAgain(String... extraArgs) {
        startGateway(extraArgs);
    }

    // --- end of the saga helper's block ---

    private void startGateway(String... extraArgs) {
        Path tokens = work.resolve("gateway-tokens");
        if (adminToken == null) { // a restarted gateway keeps its accounts
            adminToken = ApiTokenFiles.add(tokens, ADMIN, "admin");
        }
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--ferry.gateway.security.tokens-file=" + tokens,
                "--ferry.gateway.data-dir=" + work.resolve("gateway"), "--ferry.gateway.registry=" + registry.address(),
                "--ferry.gateway.heartbeat-ttl=5s", "--ferry.gateway.timeouts.restoring=90s"));
        args.addAll(kafkaArgs(KafkaAccess.GATEWAY));
        for (String extra : extraArgs) { // an extra argument replaces the usual one of that name
            args.removeIf(a -> a.startsWith(extra.substring(0, extra.indexOf('=') + 1)));
            args.add(extra);
        }
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
        gatewayUrl = URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port"));
    }

    private void awaitHostsUp() {
        for (Node n : nodes.values()) {
            await(() -> {
                HttpResponse<String> r = get("/api/hosts/" + n.host().host().id());
                if (r.statusCode() != 200) {
                    return false;
                }
                JsonNode services = Json.MAPPER.readTree(r.body()).path("services");
                return services.path("checkpoint").path("up").asBoolean(false) && services.path("restore").path("up").asBoolean(false);
            }, Duration.ofMinutes(2), "host " + n.host().host().id() + " to be up");
        }
    }

    public Node node(String label) {
        return nodes.get(label);
    }

    public String hostId(String label) {
        return nodes.get(label).host().host().id();
    }

    public ConfigurableApplicationContext gateway() {
        return gateway;
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    /** Client properties of a principal this cluster's broker knows (the gateway, a host's, {@link #REQUESTER}). */
    public Map<String, Object> kafkaClient(String principal) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, KafkaClientCredentials.SCRAM,
                SaslConfigs.SASL_JAAS_CONFIG, KafkaClientCredentials.scramJaas(principal, passwords.get(principal)));
    }

    /** Client properties of the broker's super user: for test tools that read or write any topic. */
    public Map<String, Object> kafkaAdmin() {
        return kafka.adminClientProperties();
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(gatewayUrl.resolve(path)).header("Accept", "application/json").GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(gatewayUrl.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The admin's token: for a Dashboard login, or a request of one's own. */
    public String adminToken() {
        return adminToken;
    }

    /** Sends the request as the admin. */
    public HttpResponse<String> send(HttpRequest.Builder rb) {
        try {
            return http.send(rb.header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI gatewayUrl() {
        return gatewayUrl;
    }

    /** Polls the migration until it reaches one of {@code states}; returns its JSON. */
    public JsonNode awaitMigration(String id, Set<String> states, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await(() -> {
            HttpResponse<String> r = get("/api/migrations/" + id);
            if (r.statusCode() != 200) {
                return false;
            }
            last[0] = Json.MAPPER.readTree(r.body());
            return states.contains(last[0].path("state").asString());
        }, timeout, () -> "migration " + id + " to reach " + states + "; last seen: " + last[0]);
        return last[0];
    }

    public static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        await(condition, timeout, () -> what);
    }

    public static void await(java.util.function.BooleanSupplier condition, Duration timeout,
                             java.util.function.Supplier<String> what) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what.get(), e);
        }
    }

    public String metrics() {
        return send(HttpRequest.newBuilder(gatewayUrl.resolve("/actuator/prometheus")).GET()).body();
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Node n : nodes.values()) {
            stops.add(CompletableFuture.runAsync(n.checkpoints()::close));
            stops.add(CompletableFuture.runAsync(n.restores()::close));
            stops.add(CompletableFuture.runAsync(n.images()::close));
        }
        stops.forEach(CompletableFuture::join);
        if (gateway != null) {
            gateway.close();
        }
        for (Node n : nodes.values()) {
            n.host().close();
        }
        registry.close();
        if (kafka != null) {
            kafka.close();
        }
        keepLogs();
        FileTrees.deleteRecursively(work);
    }

    /** The services' logs go to ferry.cluster.logs (target/cluster-logs in the build) for a look after a failure. */
    private void keepLogs() {
        String dir = System.getProperty("ferry.cluster.logs");
        if (dir == null) {
            return;
        }
        try (var logs = Files.list(work)) {
            Path target = Files.createDirectories(Path.of(dir));
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // logs are a convenience
        }
    }
}
