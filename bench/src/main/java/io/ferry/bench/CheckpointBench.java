package io.ferry.bench;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;
import io.ferry.core.runtime.CheckpointRequest;
import io.ferry.core.runtime.RestoreRequest;
import io.ferry.core.testing.TestHost;

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
 * Checkpoint and restore wall times of Ferry next to raw runc + CRIU on the same container, in the
 * same run, interleaved round by round: median of N rounds, reported as ratios.
 *
 * <ul>
 *   <li>raw runc: {@code runc checkpoint} to an image directory, then {@code runc restore -d} from it
 *   (the engine's runc driver: the bare commands, no archive);</li>
 *   <li>Ferry (engine): checkpoint + export to a zstd archive, rm, import + restore from it;</li>
 *   <li>Ferry (CLI): the same through {@code ./ferry} processes, JVM start included, when built.</li>
 * </ul>
 * Usage: {@code bench/run.sh [rounds]} (root; after scripts/install-host.sh).
 */
public final class CheckpointBench {
    private static final String MEM256 = "x=$(head -c 201326592 /dev/urandom | base64 -w 0); echo ready; " + TestHost.LOOPER;

    private record Workload(String name, String script) {
    }

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, Long> archiveBytes = new LinkedHashMap<>();
    private final Path cli;

    private CheckpointBench(Path cli) {
        this.cli = cli;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path cliScript = Path.of("ferry").toAbsolutePath();
        boolean withCli = Files.isRegularFile(Path.of("ferry-cli/target/ferry-cli.jar"));
        CheckpointBench bench = new CheckpointBench(withCli ? cliScript : null);
        for (Workload w : List.of(new Workload("looper", TestHost.LOOPER), new Workload("mem256", MEM256))) {
            bench.measure(w, rounds);
        }
        bench.print(rounds);
    }

    private void measure(Workload w, int rounds) throws IOException {
        Path dir = Files.createTempDirectory("ferry-bench");
        try (TestHost host = TestHost.create("bench")) {
            ContainerRecord c = host.run(w.name(), w.script());
            host.log(w.name()).await(l -> l.numbers().size() >= 1, Duration.ofMinutes(2), "the workload to start");
            for (int i = 0; i < rounds; i++) {
                raw(host, c, dir);
                engine(host, w.name(), dir.resolve("engine.tar.zst"));
                if (cli != null) {
                    cli(host, w.name(), dir.resolve("cli.tar.zst"));
                }
                System.err.printf("%s round %d/%d done%n", w.name(), i + 1, rounds);
            }
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    private void raw(TestHost host, ContainerRecord c, Path dir) throws IOException {
        var runtime = host.engine().runtime();
        ContainerLayout layout = host.engine().containers().store().layout(c.id());
        Path images = dir.resolve("raw-images");
        Path work = dir.resolve("raw-work");
        FileTrees.deleteRecursively(images);
        FileTrees.deleteRecursively(work);
        Files.createDirectories(images);
        Files.createDirectories(work);
        long t0 = System.nanoTime();
        runtime.checkpoint(c.id(), new CheckpointRequest(images, work, false, false, host.host().cgroupsPath(c.id())),
                Duration.ofMinutes(5));
        long t1 = System.nanoTime();
        runtime.delete(c.id());
        long t2 = System.nanoTime();
        runtime.restore(c.id(), layout.bundle(), new RestoreRequest(images, work, false), layout.log(), Duration.ofMinutes(5));
        long t3 = System.nanoTime();
        record(c.name(), "checkpoint", "raw runc", t1 - t0);
        record(c.name(), "restore", "raw runc", t3 - t2);
    }

    private void engine(TestHost host, String name, Path archive) throws IOException {
        long t0 = System.nanoTime();
        host.engine().checkpoint(name, CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        long t1 = System.nanoTime();
        host.engine().containers().remove(name, false);
        long t2 = System.nanoTime();
        host.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        long t3 = System.nanoTime();
        record(name, "checkpoint", "ferry engine", t1 - t0);
        record(name, "restore", "ferry engine", t3 - t2);
        archiveBytes.put(name, Files.size(archive));
        Files.delete(archive);
    }

    private void cli(TestHost host, String name, Path archive) throws IOException {
        List<String> base = List.of(cli.toString(), "--host-id", host.host().id(), "--root", host.host().root().toString());
        long t0 = System.nanoTime();
        Commands.check("ferry checkpoint", concat(base, "checkpoint", name, "--export", archive.toString()), Duration.ofMinutes(5));
        long t1 = System.nanoTime();
        Commands.check("ferry rm", concat(base, "rm", name), Duration.ofMinutes(1));
        long t2 = System.nanoTime();
        Commands.check("ferry restore", concat(base, "restore", "--import", archive.toString()), Duration.ofMinutes(5));
        long t3 = System.nanoTime();
        record(name, "checkpoint", "ferry CLI", t1 - t0);
        record(name, "restore", "ferry CLI", t3 - t2);
        Files.delete(archive);
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    private void record(String workload, String op, String how, long nanos) {
        samples.computeIfAbsent(workload + "|" + op + "|" + how, k -> new ArrayList<>()).add(nanos / 1e9);
    }

    private double median(String key) {
        return Stats.median(samples.getOrDefault(key, List.of()));
    }

    private void print(int rounds) {
        System.out.printf("%nMedian wall time of %d rounds (seconds), same containers, interleaved%n%n", rounds);
        System.out.printf(Locale.ROOT, "| %-8s | %-10s | %-9s | %-12s | %-9s | %-12s | %-9s |%n", "workload", "operation",
                "raw runc", "ferry engine", "ratio", "ferry CLI", "ratio");
        System.out.println("|----------|------------|-----------|--------------|-----------|--------------|-----------|");
        for (String w : List.of("looper", "mem256")) {
            for (String op : List.of("checkpoint", "restore")) {
                double raw = median(w + "|" + op + "|raw runc");
                double engine = median(w + "|" + op + "|ferry engine");
                double cliTime = median(w + "|" + op + "|ferry CLI");
                System.out.printf(Locale.ROOT, "| %-8s | %-10s | %9.3f | %12.3f | %8.2fx | %12s | %9s |%n", w,
                        op.equals("checkpoint") ? "ckpt+export" : "import+rest", raw, engine, engine / raw,
                        Double.isNaN(cliTime) ? "-" : String.format(Locale.ROOT, "%.3f", cliTime),
                        Double.isNaN(cliTime) ? "-" : String.format(Locale.ROOT, "%.2fx", cliTime / raw));
            }
        }
        System.out.println();
        archiveBytes.forEach((w, b) -> System.out.printf(Locale.ROOT, "archive of %s: %.1f MiB (zstd)%n", w, b / 1048576.0));
        System.out.println("raw runc = runc checkpoint/restore with an image directory (no archive, no packing);"
                + " ferry = checkpoint + export to / import from a zstd archive; ratio = ferry / raw.");
    }
}
