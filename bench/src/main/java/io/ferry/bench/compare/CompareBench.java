package io.ferry.bench.compare;

import io.ferry.core.criu.Criu;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostFacts;
import io.ferry.core.testing.Podman;
import io.ferry.core.testing.TestHost;
import io.ferry.gateway.FerryCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench/run.sh compare}: issue 11's side-by-side table in one run. Per container (looper, 256 MiB,
 * 1 GiB, 4 GiB of random memory where MemAvailable allows) the median downtime of R1 (raw runc, image
 * directory), P (Podman export/import), F1 (Ferry's engine, archive file) and F2 (a migration through the
 * gateway, Kafka and the services between two hosts: direct, registry, post-copy), the ratios, every F2
 * run's stages, and the goals met or missed; the same as JSON. The memory checksum is verified after every
 * restore; a mismatch ends the run with an error.
 */
public final class CompareBench {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(15);

    private final CompareSettings settings;
    private final Results results = new Results();
    private final Path dir;

    private CompareBench(CompareSettings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        CompareSettings settings;
        try {
            settings = CompareSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Instant started = Instant.now();
        Path dir = Files.createTempDirectory("ferry-compare");
        CompareBench bench = new CompareBench(settings, dir);
        try {
            bench.run();
        } finally {
            FileTrees.deleteRecursively(dir);
        }
        new CompareTable(bench.results, System.out).print();
        Path json = CompareReport.write(settings.out(), bench.results, settings, started, machine());
        System.out.println();
        System.out.println("rounds: " + settings.rounds() + " (below 1 GiB), " + settings.bigRounds()
                + " (1 GiB and more); machine: " + machine() + "; timings on a shared machine are noisy");
        System.out.println("JSON: " + json);
    }

    private void run() throws IOException {
        for (Workload w : settings.sizes()) {
            String why = MemoryGate.whyNot(w);
            if (why != null) {
                results.skipped.put(w, why);
                System.err.println("skipping " + w.label() + ": " + why);
            } else {
                results.rounds.put(w, settings.roundsOf(w));
            }
        }
        List<Workload> sizes = results.workloads();
        for (CompareSettings.Kind k : CompareSettings.Kind.values()) {
            if (!settings.kinds().contains(k)) {
                for (Workload w : sizes) {
                    for (Column c : k.columns()) {
                        results.notAvailable(w, c, "left out by --only");
                    }
                }
            }
        }
        boolean local = settings.kinds().contains(CompareSettings.Kind.R1) || settings.kinds().contains(CompareSettings.Kind.F1);
        try (TestHost host = TestHost.create("cmp")) {
            Criu criu = host.engine().criu();
            if (local) {
                for (Workload w : sizes) {
                    local(host, criu, w);
                }
            }
            if (settings.kinds().contains(CompareSettings.Kind.P)) {
                podman(criu, sizes);
            }
        }
        if (settings.kinds().contains(CompareSettings.Kind.F2)) {
            migrations(sizes);
        }
    }

    /** R1 and F1 on one host, interleaved round by round on the same container. */
    private void local(TestHost host, Criu criu, Workload w) throws IOException {
        String name = "cmp-" + w.slug();
        System.err.println("starting " + name + " (" + w.label() + ") on " + host.host().id());
        host.run(name, w.script());
        LocalContainer c = new LocalContainer(host, name);
        String sum = MemoryProbe.awaitStarted(c, START_TIMEOUT);
        RawRuncRound raw = new RawRuncRound(criu, dir);
        EngineRound engine = new EngineRound(dir);
        try {
            for (int i = 0; i < settings.roundsOf(w); i++) {
                if (settings.kinds().contains(CompareSettings.Kind.R1)) {
                    int before = MemoryProbe.lastNumber(c.lines());
                    results.add(w, Column.R1, raw.run(c));
                    MemoryProbe.verify("R1 round " + (i + 1) + " (" + w.label() + ")", c, sum, before);
                }
                if (settings.kinds().contains(CompareSettings.Kind.F1)) {
                    int before = MemoryProbe.lastNumber(c.lines());
                    results.add(w, Column.F1, engine.run(c));
                    MemoryProbe.verify("F1 round " + (i + 1) + " (" + w.label() + ")", c, sum, before);
                }
                System.err.printf("%s R1/F1 round %d/%d done%n", w.label(), i + 1, settings.roundsOf(w));
            }
        } finally {
            host.engine().containers().remove(name, true);
        }
    }

    private void podman(Criu criu, List<Workload> sizes) throws IOException {
        StringBuilder whyNot = new StringBuilder();
        Optional<Podman> found = Podman.open(criu, whyNot);
        if (found.isEmpty()) {
            sizes.forEach(w -> results.notAvailable(w, Column.P, whyNot.toString()));
            return;
        }
        try (Podman podman = found.get()) {
            PodmanRound round = new PodmanRound(podman, dir);
            for (Workload w : sizes) {
                String name = "cmp-" + w.slug() + "-p";
                try {
                    podman.run(name, w.script());
                    MemoryProbe.Target t = PodmanRound.target(podman, name);
                    String sum = MemoryProbe.awaitStarted(t, START_TIMEOUT);
                    for (int i = 0; i < settings.roundsOf(w); i++) {
                        int before = MemoryProbe.lastNumber(t.lines());
                        results.add(w, Column.P, round.run(name));
                        MemoryProbe.verify("P round " + (i + 1) + " (" + w.label() + ")", t, sum, before);
                        System.err.printf("%s P round %d/%d done%n", w.label(), i + 1, settings.roundsOf(w));
                    }
                } catch (MemoryProbe.ChecksumMismatch e) {
                    throw e;
                } catch (RuntimeException e) { // Podman is the reference, not the subject: report and go on
                    System.err.println("podman failed for " + w.label() + ": " + e.getMessage());
                    results.notAvailable(w, Column.P, "podman failed: " + e.getMessage());
                } finally {
                    podman.remove(name);
                }
            }
        }
    }

    private void migrations(List<Workload> sizes) {
        FerryCluster cluster;
        try {
            cluster = FerryCluster.start("cmpa", "cmpb");
        } catch (RuntimeException | AssertionError e) {
            for (Workload w : sizes) {
                for (MigrationMode m : MigrationMode.values()) {
                    results.notAvailable(w, m.column, "the two-host cluster did not start: " + e.getMessage());
                }
            }
            return;
        }
        try (cluster) {
            MigrationRound round = new MigrationRound(cluster, List.of("cmpa", "cmpb"));
            for (Workload w : sizes) {
                MigrationRound.Placement p = round.place(w, "cmp-" + w.slug() + "-m");
                try {
                    for (int i = 0; i < settings.roundsOf(w); i++) {
                        for (MigrationMode mode : MigrationMode.values()) {
                            MigrationRound.Outcome o = round.migrate(p, mode, i);
                            if (o.stages() != null) { // every completed run's stages, also of a mode not carried out
                                results.migrations.add(o.stages());
                            }
                            if (o.notAvailable() != null) {
                                results.notAvailable(w, mode.column, o.notAvailable());
                            } else {
                                results.add(w, mode.column, timing(o.stages()));
                            }
                        }
                        System.err.printf("%s F2 round %d/%d done%n", w.label(), i + 1, settings.roundsOf(w));
                    }
                } finally {
                    round.remove(p);
                }
            }
        }
    }

    private static Timing timing(StageBreakdown s) {
        double dump = s.dumpMs() == null ? Double.NaN : s.dumpMs() / 1e3;
        double restore = s.restoreMs() == null ? Double.NaN : s.restoreMs() / 1e3;
        return new Timing(s.downtimeMs() == null ? Double.NaN : s.downtimeMs() / 1e3, dump, restore, 0);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memAvailableGiB", Math.round(MemoryGate.memAvailable() / 1073741824.0 * 10) / 10.0);
        m.put("kernel", HostFacts.kernel());
        return m;
    }
}
