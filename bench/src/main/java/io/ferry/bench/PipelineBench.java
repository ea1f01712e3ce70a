package io.ferry.bench;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.TestHost;
import io.ferry.gateway.FerryCluster;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A migration through the whole pipeline (REST -> gateway -> Kafka -> checkpoint-service -> registry
 * -> restore-service) next to the engine's own checkpoint+export and import+restore of the same
 * kind of container between the same two hosts, in the same run: downtime (source frozen -> running
 * on the target), total time, and the time from POST to the checkpoint starting.
 * Usage: {@code bench/run.sh pipeline [rounds]}.
 */
public final class PipelineBench {
    private static final String MEM256 = "x=$(head -c 201326592 /dev/urandom | base64 -w 0); " + TestHost.LOOPER;

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (FerryCluster cluster = FerryCluster.start("bencha", "benchb")) {
            TestHost a = cluster.node("bencha").host();
            TestHost b = cluster.node("benchb").host();
            Path dir = Files.createTempDirectory("ferry-pipeline-bench");
            for (String[] w : new String[][]{{"looper", TestHost.LOOPER}, {"mem256", MEM256}}) {
                for (int i = 0; i < rounds; i++) {
                    String name = w[0] + "-p" + i;
                    start(a, name, w[1], cluster);
                    String id = cluster.post("/api/migrations", "{\"container\":\"" + name + "\",\"sourceHost\":\""
                            + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\"}").headers()
                            .firstValue("Location").orElseThrow().replaceFirst(".*/", "");
                    JsonNode m = cluster.awaitMigration(id, Set.of("COMPLETED", "ROLLED_BACK", "FAILED"), Duration.ofMinutes(5));
                    if (!m.path("state").asString().equals("COMPLETED")) {
                        throw new IllegalStateException("migration did not complete: " + m);
                    }
                    b.engine().containers().remove(name, true);

                    String engineName = w[0] + "-e" + i;
                    start(a, engineName, w[1], cluster);
                    Path archive = dir.resolve(engineName + ".tar.zst");
                    long t0 = System.nanoTime();
                    a.engine().checkpoint(engineName, CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
                    long t1 = System.nanoTime();
                    b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
                    long t2 = System.nanoTime();
                    b.engine().containers().remove(engineName, true);
                    a.engine().containers().remove(engineName, true);
                    Files.deleteIfExists(archive);

                    results.computeIfAbsent(w[0], k -> new ArrayList<>()).add(new double[]{
                            m.path("downtimeMillis").asLong() / 1000.0, m.path("totalMillis").asLong() / 1000.0,
                            m.path("timings").path("queuedMillis").asLong() / 1000.0,
                            (t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9});
                    System.err.printf("%s round %d/%d done%n", w[0], i + 1, rounds);
                }
            }
        }
        System.out.printf("%nMedian of %d rounds (seconds); same hosts, same run%n%n", rounds);
        System.out.println("| workload | pipeline downtime | pipeline total | POST -> checkpoint start | engine ckpt+restore (file) | downtime / engine | total / engine |");
        System.out.println("|---|---|---|---|---|---|---|");
        results.forEach((w, rs) -> {
            double down = median(rs, 0);
            double total = median(rs, 1);
            double queued = median(rs, 2);
            double engine = median(rs, 3);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f (%.3f + %.3f) | %.2fx | %.2fx |%n", w, down, total,
                    queued, engine, median(rs, 4), median(rs, 5), down / engine, total / engine);
        });
        System.out.println("\npipeline downtime = source frozen -> running on the target (gateway's view); engine = checkpoint+export"
                + " to a file on host A, then import+restore on host B, sequentially, no services.");
    }

    private static void start(TestHost host, String name, String script, FerryCluster cluster) {
        host.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", script), List.of()));
        host.log(name).awaitNumberAtLeast(1, Duration.ofMinutes(2));
        FerryCluster.await(() -> cluster.get("/api/hosts/" + host.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name);
    }

    private static double median(List<double[]> rs, int col) {
        return Stats.median(rs.stream().map(r -> r[col]).toList());
    }
}
