package io.ferry.bench;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.TestHost;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.HostKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What encrypting an export costs: a container holding 256 MiB of random data in process memory,
 * checkpointed to a file and restored from it, plain and encrypted to the host itself
 * ({@code --encrypt-to}), interleaved round by round in one run (alternating which goes first). After every restore the container
 * recomputes the checksum of its memory, which must equal the one it printed at start. Median of
 * N rounds, as a ratio encrypted / plain. Usage: {@code bench/run.sh encryption [rounds]}.
 */
public final class EncryptionBench {
    /** 256 MiB of base64 in a shell variable; prints its md5 at start and whenever /check appears. */
    private static final String MEM256 = "x=$(head -c 201326592 /dev/urandom | base64 -w 0); "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; "
            + "i=0; while true; do if [ -e /check ]; then rm -f /check; "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; fi; echo $i; i=$((i+1)); sleep 1; done";

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, Long> sizes = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        new EncryptionBench().run(rounds);
    }

    private void run(int rounds) throws IOException {
        Path dir = Files.createTempDirectory("ferry-bench-enc");
        try (TestHost host = TestHost.create("benc")) {
            HostIdentity self = HostKeys.loadOrCreate(host.host()).identity();
            host.run("mem", MEM256);
            String sum = awaitSums(host, 1).get(0);
            System.err.println("memory checksum at start: " + sum);
            ArchiveTarget.File plain = new ArchiveTarget.File(dir.resolve("plain.tar.zst"));
            ArchiveTarget.File encrypted = new ArchiveTarget.File(dir.resolve("enc.tar.zst"), List.of(self));
            for (int i = 0; i < rounds; i++) { // which goes first alternates: no order bias
                round(host, i % 2 == 0 ? "plain" : "encrypted", i % 2 == 0 ? plain : encrypted, sum);
                round(host, i % 2 == 0 ? "encrypted" : "plain", i % 2 == 0 ? encrypted : plain, sum);
                System.err.printf("round %d/%d done%n", i + 1, rounds);
            }
        } finally {
            FileTrees.deleteRecursively(dir);
        }
        print(rounds);
    }

    private void round(TestHost host, String how, ArchiveTarget.File target, String sum) throws IOException {
        long t0 = System.nanoTime();
        host.engine().checkpoint("mem", CheckpointOptions.defaults(), target).result();
        long t1 = System.nanoTime();
        host.engine().containers().remove("mem", false);
        long t2 = System.nanoTime();
        host.engine().restore(ArchiveSource.file(target.path()), RestoreOptions.defaults());
        long t3 = System.nanoTime();
        int before = sums(host).size();
        Files.writeString(host.rootfs("mem").resolve("check"), "");
        String after = awaitSums(host, before + 1).get(before);
        if (!after.equals(sum)) {
            throw new IllegalStateException(how + ": memory checksum after restore " + after + " != " + sum);
        }
        samples.computeIfAbsent(how + "|checkpoint", k -> new ArrayList<>()).add((t1 - t0) / 1e9);
        samples.computeIfAbsent(how + "|restore", k -> new ArrayList<>()).add((t3 - t2) / 1e9);
        sizes.put(how, Files.size(target.path()));
        Files.delete(target.path());
    }

    private static List<String> sums(TestHost host) {
        return host.log("mem").lines().stream().filter(l -> l.startsWith("sum ")).map(l -> l.substring(4)).toList();
    }

    private static List<String> awaitSums(TestHost host, int n) {
        host.log("mem").await(l -> sums(host).size() >= n, Duration.ofMinutes(2), n + " memory checksums");
        return sums(host);
    }

    private void print(int rounds) {
        System.out.printf("%nMedian wall time of %d rounds (seconds), 256 MiB random memory, one host, interleaved;"
                + " memory checksum verified after every restore%n%n", rounds);
        System.out.println("| operation           | plain  | encrypted | ratio  |");
        System.out.println("|---------------------|--------|-----------|--------|");
        for (String op : List.of("checkpoint", "restore")) {
            double plain = Stats.median(samples.get("plain|" + op));
            double enc = Stats.median(samples.get("encrypted|" + op));
            System.out.printf(Locale.ROOT, "| %-19s | %6.3f | %9.3f | %5.3fx |%n",
                    op.equals("checkpoint") ? "checkpoint+export" : "import+restore", plain, enc, enc / plain);
        }
        samples.forEach((k, v) -> System.out.printf(Locale.ROOT, "samples %s: %s%n", k, v.stream()
                .map(d -> String.format(Locale.ROOT, "%.3f", d)).toList()));
        sizes.forEach((how, b) -> System.out.printf(Locale.ROOT, "archive %s: %.1f MiB%n", how, b / 1048576.0));
    }
}
