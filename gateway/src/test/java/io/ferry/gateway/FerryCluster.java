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
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A whole Ferry on one machine for end-to-end tests: an in-process KRaft Kafka broker, registry-service
 * as a process, the gateway (in this JVM, embedded PostgreSQL), and per host its own state root and
 * image-, checkpoint- and restore-service processes. Services talk only through Kafka and HTTP.
 */
public final class FerryCluster implements AutoCloseable {
    private final EmbeddedKafkaKraftBroker kafka;
    private final RegistryProcess registry;
    private final Path work;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private ConfigurableApplicationContext gateway;
    private URI gatewayUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One host: its state (a test host: busybox image, cleanup) and its three services. */
    public record Node(TestHost host, ServiceProcess images, ServiceProcess checkpoints, ServiceProcess restores) {
    }

    private FerryCluster(EmbeddedKafkaKraftBroker kafka, RegistryProcess registry, Path work) {
        this.kafka = kafka;
        this.registry = registry;
        this.work = work;
    }

    public static FerryCluster start(String... hostLabels) {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 3);
        kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
        kafka.afterPropertiesSet();
        FerryCluster c = null;
        try {
            Path work = Files.createTempDirectory("ferry-cluster");
            c = new FerryCluster(kafka, RegistryProcess.start(), work);
            for (String label : hostLabels) {
                c.addHost(label);
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
            kafka.destroy();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            } else {
                kafka.destroy();
            }
            throw e;
        }
    }

    private void addHost(String label) {
        TestHost host = TestHost.create(label, EngineSettings.defaults().withRegistryAuth(registry.auth()));
        host.engine().hostIdentity(); // the host's keys, before its services start (as `ferry host key` in the demo)
        String id = host.host().id();
        List<String> common = List.of("--ferry.host.id=" + id, "--ferry.host.root=" + host.host().root());
        List<String> images = new ArrayList<>(common);
        images.add("--ferry.registry-auth=" + registry.auth());
        ServiceProcess imageService = ServiceProcess.start(id + "-image", "ferry.image-service.jar", work, images);
        List<String> agent = new ArrayList<>(common);
        agent.addAll(List.of("--ferry.host.registry-auth=" + registry.auth(),
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(), "--ferry.host.heartbeat-interval=1s",
                "--ferry.host.image-service-url=http://127.0.0.1:" + imageService.port()));
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

    private void startGateway() {
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--ferry.gateway.data-dir=" + work.resolve("gateway"), "--ferry.gateway.registry=" + registry.address(),
                "--ferry.gateway.heartbeat-ttl=5s", "--ferry.gateway.timeouts.restoring=90s");
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
        return kafka.getBrokersAsString();
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(gatewayUrl.resolve(path)).header("Accept", "application/json").GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(gatewayUrl.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> send(HttpRequest.Builder rb) {
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
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
        kafka.destroy();
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
