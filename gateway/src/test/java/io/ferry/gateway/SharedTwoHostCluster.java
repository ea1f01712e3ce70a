package io.ferry.gateway;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ServiceProcess;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One {@link FerryCluster} with hosts A and B for every {@link TwoHostMigrationTest} class of a test run (of
 * one surefire fork): a cluster takes 40-50 s to start, the classes' tests take seconds each. It starts with
 * the first class and is closed when JUnit closes its root store, after the last class.
 *
 * <p>Classes do not depend on each other: after each class {@link #reset} leaves the cluster as a fresh one
 * would be for what these tests look at: no container and no staged transfer on either host, every service
 * and the gateway running with their usual arguments, each host trusting both. A class that changes more
 * (the gateway's timeouts, a service's environment) puts it back itself.
 */
final class SharedTwoHostCluster implements BeforeAllCallback {
    private static final Duration RESTART = Duration.ofMinutes(2);

    /** The cluster in JUnit's root store: closed (AutoCloseable) when the test run ends. */
    private record Shared(FerryCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }

    private FerryCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = context.getRoot().getStore(ExtensionContext.Namespace.create(SharedTwoHostCluster.class))
                .computeIfAbsent("hosta+hostb", k -> new Shared(FerryCluster.start("hosta", "hostb")), Shared.class)
                .cluster();
    }

    FerryCluster cluster() {
        return cluster;
    }

    /** Back to how a new cluster starts, for the next class; see the class comment. */
    void reset() {
        if (cluster == null) {
            return;
        }
        if (cluster.gateway() == null) { // a test stopped it and failed before starting it again
            cluster.startGatewayAgain();
        }
        List<String> hosts = List.of("hosta", "hostb");
        StringBuilder everyone = new StringBuilder();
        for (String label : hosts) {
            FerryCluster.Node n = cluster.node(label);
            for (ServiceProcess s : List.of(n.images(), n.checkpoints(), n.restores())) {
                if (!s.alive()) { // killed at a failpoint by a test that failed before restarting it
                    s.restart();
                    s.awaitHealthy(RESTART);
                }
            }
            everyone.append(n.host().engine().hostIdentity()).append('\n');
        }
        for (String label : hosts) {
            TestHost host = cluster.node(label).host();
            FerryCluster.await(() -> !registryCopyUnderWay(host), Duration.ofSeconds(90),
                    "the registry copies of finalized direct migrations on " + host.host().id() + " to end");
            cluster.writeTrustStore(label, everyone.toString());
            removeEveryContainer(host);
            // a transfer staged for a migration cancelled before its restore stays until a sweep (by age, at start)
            host.engine().transfers().sweep(Duration.ZERO);
        }
        for (String label : hosts) {
            String id = cluster.hostId(label);
            FerryCluster.await(() -> upWithoutContainers(id), Duration.ofSeconds(60),
                    "host " + id + " to be up with no containers after the class");
        }
    }

    /**
     * A direct migration's registry copy is written after it completed (checkpoint-service, one at a time): one
     * finalized and still pending would report ArchiveStored into the next class's views, or fail for the removed
     * container. Each ends (stored or failed) and removes its record.
     */
    private static boolean registryCopyUnderWay(TestHost host) {
        Path dir = host.host().root().resolve("registry-copies");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .anyMatch(f -> Json.MAPPER.readTree(f.toFile()).path("finalized").asBoolean(false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeEveryContainer(TestHost host) {
        List<Throwable> problems = new ArrayList<>();
        for (ContainerRecord r : host.engine().containers().store().list()) {
            try {
                host.engine().containers().remove(r.id(), true);
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        if (!problems.isEmpty()) {
            AssertionError e = new AssertionError("could not remove every container of " + host.host().id());
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    private boolean upWithoutContainers(String hostId) {
        JsonNode services = Json.MAPPER.readTree(cluster.get("/api/hosts/" + hostId).body()).path("services");
        JsonNode containers = Json.MAPPER.readTree(cluster.get("/api/hosts/" + hostId + "/containers").body());
        return services.path("checkpoint").path("up").asBoolean(false) && services.path("restore").path("up").asBoolean(false)
                && containers.isArray() && containers.isEmpty();
    }
}
