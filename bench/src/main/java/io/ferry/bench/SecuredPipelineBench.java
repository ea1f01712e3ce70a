package io.ferry.bench;

import io.ferry.core.container.RunRequest;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.TestHost;
import io.ferry.gateway.FerryCluster;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What encrypting a migration's archive costs: the same 256 MiB random-memory container migrated
 * through the whole pipeline (REST -> gateway -> Kafka -> services -> registry) between two hosts
 * that encrypt (the default) and two that do not ({@code ferry.host.encrypt-checkpoints=false}), in
 * one cluster, one run, rounds interleaved with alternating order. Both are signed and pinned: the
 * services cannot turn signatures off (their cost is measured apart, see docs/security.md). After
 * every restore the container recomputes the checksum of its memory, which must equal the one it
 * printed at start. Usage: {@code bench/run.sh secured [rounds]}.
 */
public final class SecuredPipelineBench {
    /** 192 MiB of random bytes as base64 in a shell variable (256 MiB); prints its md5 at start and when /check appears. */
    private static final String MEM256 = "x=$(head -c 201326592 /dev/urandom | base64 -w 0); "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; "
            + "i=0; while true; do if [ -e /check ]; then rm -f /check; "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; fi; echo $i; i=$((i+1)); sleep 1; done";
    private static final List<String> PLAIN = List.of("--ferry.host.encrypt-checkpoints=false");

    private final Map<String, List<double[]>> results = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        new SecuredPipelineBench().run(rounds);
    }

    private void run(int rounds) throws IOException {
        try (FerryCluster cluster = FerryCluster.start(Map.of("plaina", PLAIN, "plainb", PLAIN),
                "seca", "secb", "plaina", "plainb")) {
            for (int i = 0; i < rounds; i++) {
                List<String> order = i % 2 == 0 ? List.of("encrypted", "plain") : List.of("plain", "encrypted");
                for (String how : order) {
                    boolean enc = how.equals("encrypted");
                    migrate(cluster, how, cluster.node(enc ? "seca" : "plaina").host(),
                            cluster.node(enc ? "secb" : "plainb").host(), "mem-" + how + "-" + i);
                }
                System.err.printf("round %d/%d done%n", i + 1, rounds);
            }
        }
        print(rounds);
    }

    private void migrate(FerryCluster cluster, String how, TestHost a, TestHost b, String name) throws IOException {
        a.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", MEM256), List.of()));
        String sum = awaitSums(a, name, 1).get(0);
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name);
        String id = cluster.post("/api/migrations", "{\"container\":\"" + name + "\",\"sourceHost\":\"" + a.host().id()
                + "\",\"targetHost\":\"" + b.host().id() + "\"}").headers().firstValue("Location").orElseThrow()
                .replaceFirst(".*/", "");
        JsonNode m = cluster.awaitMigration(id, Set.of("COMPLETED", "ROLLED_BACK", "FAILED"), Duration.ofMinutes(5));
        if (!m.path("state").asString().equals("COMPLETED")) {
            throw new IllegalStateException(how + " migration did not complete: " + m);
        }
        int before = sums(b, name).size();
        Files.writeString(b.rootfs(name).resolve("check"), "");
        String after = awaitSums(b, name, before + 1).get(before);
        if (!after.equals(sum)) {
            throw new IllegalStateException(how + ": memory checksum after the migration " + after + " != " + sum);
        }
        b.engine().containers().remove(name, true);
        results.computeIfAbsent(how, k -> new ArrayList<>()).add(new double[]{
                m.path("downtimeMillis").asLong() / 1000.0, m.path("totalMillis").asLong() / 1000.0});
    }

    private static List<String> sums(TestHost host, String name) {
        return host.log(name).lines().stream().filter(l -> l.startsWith("sum ")).map(l -> l.substring(4)).toList();
    }

    private static List<String> awaitSums(TestHost host, String name, int n) {
        host.log(name).await(l -> sums(host, name).size() >= n, Duration.ofMinutes(2), n + " memory checksums");
        return sums(host, name);
    }

    private void print(int rounds) {
        System.out.printf("%nMedian of %d rounds (seconds), 256 MiB random memory, migrations through gateway + Kafka +"
                + " registry, interleaved; memory checksum verified after every restore%n%n", rounds);
        System.out.println("| | signed + encrypted | signed, plain | ratio |");
        System.out.println("|---|---|---|---|");
        String[] what = {"downtime", "total"};
        for (int col = 0; col < what.length; col++) {
            double enc = median("encrypted", col);
            double plain = median("plain", col);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2fx |%n", what[col], enc, plain, enc / plain);
        }
    }

    private double median(String how, int col) {
        final int c = col;
        return Stats.median(results.get(how).stream().map(r -> r[c]).toList());
    }
}
